"""调度会: on a chosen day, every red and yellow project with the reason and who answers for it, every open 督办,
and what changed since the last meeting — the same on the page and in `flask dispatch --json`, for the district's
leadership and office only, a leader's own with one click."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from crm.domain.periods import today
from crm.extensions import db
from crm.models import (
    FundKind,
    FundSource,
    FundsTranche,
    PathNode,
    ProjectNode,
    Role,
    Supervision,
    SupervisionStatus,
)

DAY = today()
SINCE = DAY - timedelta(days=14)


def days(n: int):
    return DAY + timedelta(days=n)


@pytest.fixture
def world(make_user, make_project, make_team):
    """A red project (开工 60 days late, red already at the last meeting), one turned red since (立项备案 planned
    20 days before the last meeting: yellow then, 34 days late now), a yellow one (投产 due in 5 days), a green one;
    orders open (one overdue) and closed; a node reached and money arrived since the last meeting."""
    chief, other = make_user(Role.LEADER, display_name="王区长"), make_user(Role.LEADER, display_name="李区长")
    admin = make_user(Role.ADMIN)
    team = make_team(name="调度专班")
    signed = days(-300)
    red = make_project(team=team, code="T-RED", name="红项目", signed_on=signed, chief_officer=chief,
                       planned_start_on=days(-60))
    newly = make_project(team=team, code="T-NEW", name="转红项目", signed_on=signed, chief_officer=other,
                         planned_start_on=days(100))
    yellow = make_project(team=team, code="T-YEL", name="黄项目", signed_on=signed, chief_officer=chief,
                          planned_start_on=days(-200), started_on=days(-190), planned_production_on=days(5))
    green = make_project(team=team, code="T-GRN", name="绿项目", signed_on=signed, planned_start_on=days(60))
    db.session.add_all([
        ProjectNode(project=red, node=PathNode.STARTED, responsible_unit="区住建局"),
        ProjectNode(project=newly, node=PathNode.FILED, planned_on=SINCE - timedelta(days=20),
                    responsible_unit="区发改局"),
        ProjectNode(project=green, node=PathNode.REGISTERED, planned_on=days(-300), actual_on=days(-3)),
        Supervision(project=red, what="协调施工许可", receiver_unit="区住建局", deadline=days(-1), issuer=admin),
        Supervision(project=yellow, what="协调供电", receiver=chief, deadline=days(10), issuer=admin),
        Supervision(project=green, what="已办结事项", receiver_unit="区发改局", deadline=days(-5), issuer=admin,
                    status=SupervisionStatus.CLOSED, closed_on=days(-6)),
        FundsTranche(project=green, received_on=days(-2), amount_yuan=30_000_000, verified=True,
                     source=FundSource.IN_CITY, kind=FundKind.FIXED_ASSET),
        FundsTranche(project=green, received_on=SINCE, amount_yuan=9_000_000, verified=True,  # at the last one
                     source=FundSource.IN_CITY, kind=FundKind.FIXED_ASSET)])
    db.session.commit()
    return {"chief": chief, "admin": admin, "member": make_user(Role.MEMBER, team=team)}


def test_the_command_lists_the_meeting(runner, world):
    result = runner.invoke(args=["dispatch", "--date", DAY.isoformat(), "--since", SINCE.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    board = json.loads(result.output)
    assert board["counts"] == {"red": 2, "yellow": 1, "orders": 2, "newly_red": 1}
    rows = {p["code"]: p for p in board["projects"]}
    assert [p["code"] for p in board["projects"]] == ["T-NEW", "T-RED", "T-YEL"]  # reds first, by code
    assert rows["T-RED"]["reason"] == f"开工逾期60天（计划{days(-60).isoformat()}）"
    assert (rows["T-RED"]["chief_officer"], rows["T-RED"]["responsible_unit"], rows["T-RED"]["newly_red"]) == (
        "王区长", "区住建局", False)
    assert (rows["T-NEW"]["newly_red"], rows["T-NEW"]["responsible_unit"]) == (True, "区发改局")
    assert rows["T-YEL"]["reason"] == f"投产还有5天到期（计划{days(5).isoformat()}）"
    assert [(o["what"], o["overdue"]) for o in board["orders"]] == [("协调施工许可", True), ("协调供电", False)]
    assert [(r["code"], r["node"]) for r in board["reached"]] == [("T-GRN", "registered")]
    assert board["arrived_yuan"] == 30_000_000 and [a["amount_yuan"] for a in board["arrived"]] == [30_000_000]


def test_a_last_meeting_after_the_day_is_refused(runner, world):
    result = runner.invoke(args=["dispatch", "--date", SINCE.isoformat(), "--since", DAY.isoformat()])
    assert result.exit_code != 0 and "last meeting" in result.output


def test_the_page_shows_the_same_grouped_and_a_leader_sees_theirs_in_one_click(client, login, world):
    login(world["chief"])
    page = client.get(f"/dispatch/?day={DAY.isoformat()}&since={SINCE.isoformat()}").text
    assert page.count('data-colour="red"') == 2 and page.count('data-colour="yellow"') == 1
    assert "<h3>王区长</h3>" in page and "<h3>李区长</h3>" in page
    assert page.count("data-order=") == 2 and 'data-arrived="30000000"' in page
    assert "只看我包联的" in page
    mine = client.get(f"/dispatch/?day={DAY.isoformat()}&since={SINCE.isoformat()}&mine=y").text
    assert "<h3>王区长</h3>" in mine and "李区长" not in mine and "转红项目" not in mine
    assert mine.count("data-order=") == 2  # both orders: one on their project, one they received
    by_unit = client.get(f"/dispatch/?day={DAY.isoformat()}&since={SINCE.isoformat()}&by=unit").text
    assert "<h3>区住建局</h3>" in by_unit and "<h3>区发改局</h3>" in by_unit and "<h3>未指定责任单位</h3>" in by_unit


@pytest.mark.parametrize(("query", "message"), [("day=2026-02-30", "会议日期"),
                                                ("day=2026-12-01&since=2026-12-05", "上次调度会须早于会议日期"),
                                                ("by=everyone", "分组")])
def test_bad_choices_are_refused_in_words(client, login, world, query, message):
    login(world["admin"])
    response = client.get(f"/dispatch/?{query}")
    assert response.status_code == 422 and message in response.text


def test_only_leadership_and_the_office_see_the_meeting(client, login, world, make_user):
    login(world["member"])
    assert client.get("/dispatch/").status_code == 403
    client.post("/logout")
    login(make_user(Role.CITY))
    assert client.get("/dispatch/").status_code == 403
    client.post("/logout")
    login(world["admin"])
    assert client.get("/dispatch/").status_code == 200


def test_another_districts_projects_are_not_on_the_list(client, login, world, make_district, make_team,
                                                       make_project, make_user):
    elsewhere = make_district(name="茅箭区", code="MJ")
    make_project(team=make_team(name="外区专班", district_id=elsewhere.id), code="MJ-RED", name="外区红项目",
                 signed_on=days(-300), planned_start_on=days(-100))
    login(world["admin"])
    page = client.get("/dispatch/").text
    assert "外区红项目" not in page and "T-RED" in page
