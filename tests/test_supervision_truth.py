"""督办's figures tell the SQL truth: on random orders in two districts, the 台账's counts, its export's rows, 合计 and
overdue flags, and the counts per team and per district equal a count in plain SQL written here (never through
crm.reports), for each district's reader, with the deadline on both sides of today."""

from __future__ import annotations

import csv
import io
import random
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Date, bindparam, text

from crm.access.tenancy import within
from crm.domain.periods import today
from crm.extensions import db
from crm.models import Role, Supervision, SupervisionAnswer, SupervisionStatus
from crm.reports.supervision import order_counts_by_district, order_counts_by_team

TODAY = today()
STANDINGS = (SupervisionStatus.OPEN, SupervisionStatus.OPEN, SupervisionStatus.RETURNED, SupervisionStatus.CLOSED)
TRUTH = """SELECT {key}
  SUM(CASE WHEN s.status <> 'closed' THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.status <> 'closed' AND s.deadline < :today THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.status = 'returned' THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.status = 'closed' THEN 1 ELSE 0 END)
FROM supervision s JOIN project p ON p.id = s.project_id JOIN team t ON t.id = p.team_id {where} {group}"""


def sql_counts(key: str = "", where: str = "", group: str = "", **params: Any) -> list[tuple[Any, ...]]:
    """Open, overdue, returned and closed orders, counted in plain SQL across the wall (as the test's own eyes)."""
    statement = text(TRUTH.format(key=key, where=where, group=group)).bindparams(bindparam("today", type_=Date()))
    with within(None, "the test counts for itself"):
        return [tuple(int(v or 0) for v in row) for row in db.session.execute(statement, {"today": TODAY, **params})]


@pytest.fixture(params=[1, 2, 3])
def world(request, make_district, make_team, make_user, make_project, make_enterprise, home_district):
    """Two districts, three teams each, random orders due from a week ago to a week ahead, some answered."""
    rng = random.Random(request.param)
    other = make_district(name="茅箭区", code="MJ")
    places: dict[int, dict[str, Any]] = {}
    for district_id in (home_district.id, other.id):
        leader = make_user(Role.LEADER, district_id=district_id)
        teams = [make_team(district_id=district_id) for _ in range(3)]
        projects = [make_project(team=rng.choice(teams), enterprise=make_enterprise(district_id=district_id))
                    for _ in range(5)]
        for _ in range(rng.randint(8, 20)):
            status = rng.choice(STANDINGS)
            order = Supervision(project=rng.choice(projects), what=f"督办{rng.random()}", issuer=leader,
                                receiver_unit=rng.choice(("区发改局", "区住建局", "区供电公司")),
                                deadline=TODAY + timedelta(days=rng.randint(-7, 7)), status=status,
                                closed_on=TODAY if status is SupervisionStatus.CLOSED else None)
            if status is not SupervisionStatus.OPEN or rng.random() < 0.5:
                order.answers.append(SupervisionAnswer(text="已办理", answered_by_id=leader.id))
            db.session.add(order)
        db.session.commit()
        places[district_id] = {"leader": leader, "teams": [t.id for t in teams]}
    return places


def test_the_ledger_its_export_and_the_counts_equal_the_sql(client, login, world):
    for district_id, place in world.items():
        client.post("/logout")
        login(place["leader"])
        [(open_, overdue, returned, closed)] = sql_counts(where="WHERE t.district_id = :d", d=district_id)
        page = client.get("/projects/supervision").get_data(as_text=True)
        shown = {name: int(value) for name, value in re.findall(r'data-figure="(\w+)">(\d+)<', page)}
        assert shown == {"open": open_, "overdue": overdue, "returned": returned, "closed": closed}
        for team_id in place["teams"]:
            team_page = client.get(f"/projects/supervision?team={team_id}").get_data(as_text=True)
            [(t_open, t_overdue, *_rest)] = sql_counts(where="WHERE p.team_id = :team", team=team_id)
            assert f'data-figure="open">{t_open}<' in team_page and f'data-figure="overdue">{t_overdue}<' in team_page
        table = list(csv.reader(io.StringIO(client.get("/exports/supervision.csv").get_data(as_text=True)
                                            .lstrip("\ufeff"))))
        header, data = table[1], [row for row in table[2:] if row[0] != "合计"]
        assert len(data) == open_ + closed
        assert sum(row[header.index("是否逾期")] == "是" for row in data) == overdue
        assert sum(row[header.index("状态")] == "退回" for row in data) == returned
        footer = next(row for row in table if row[0] == "合计")
        assert footer[1] == f"{open_ + closed}件"
        assert f"督办中{open_}件，其中逾期{overdue}件；已办结{closed}件" in footer
        # overdue only: the same orders the SQL calls overdue
        flagged = list(csv.reader(io.StringIO(client.get("/exports/supervision.csv?status=overdue")
                                              .get_data(as_text=True).lstrip("\ufeff"))))
        assert len([row for row in flagged[2:] if row[0] != "合计"]) == overdue
    with within(None, "the city's counts"):
        by_team = {team: (c.open, c.overdue, c.returned, c.closed) for team, c in order_counts_by_team(TODAY).items()}
        by_district = {d: (c.open, c.overdue, c.returned, c.closed) for d, c in order_counts_by_district(TODAY).items()}
    assert by_team == {row[0]: row[1:] for row in sql_counts(key="p.team_id,", group="GROUP BY p.team_id")}
    assert by_district == {row[0]: row[1:] for row in sql_counts(key="t.district_id,", group="GROUP BY t.district_id")}
    assert set(by_district) == set(world)


def test_tomorrow_the_orders_due_today_are_overdue_too(world):
    """The deadline is the last day to act: the next day the overdue count grows by exactly the orders due today."""
    with within(None, "the test"):
        due = text("SELECT COUNT(*) FROM supervision WHERE status <> 'closed' AND deadline = :d")
        due_today = db.session.scalar(due.bindparams(bindparam("d", type_=Date())), {"d": TODAY})
    tomorrow = TODAY + timedelta(days=1)
    with within(None, "the test"):
        moved = {d: c.overdue for d, c in order_counts_by_district(tomorrow).items()}
        now = {d: c.overdue for d, c in order_counts_by_district(TODAY).items()}
    assert sum(moved.values()) - sum(now.values()) == due_today
