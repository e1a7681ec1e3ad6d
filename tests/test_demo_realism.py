"""The demo looks real: its pipeline narrows stage by stage down to the signed projects, last year's fieldwork gives
every 同比 a base, and each project's procedures (代办事项) were done in their order, after its verification."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.access.tenancy import declare
from crm.domain.periods import LOCAL, Period, a_year_earlier, today
from crm.extensions import db
from crm.models import District, Lead, LeadStage, Project, ServiceItemStatus
from crm.projects.aftercare.services import STANDARD_ITEMS
from crm.reports.dashboard import dashboard_cards
from crm.reports.figures import utc_bounds

from .test_demo import YEAR

PIPELINE = (LeadStage.CLUE, LeadStage.CONTACTED, LeadStage.NEGOTIATING, LeadStage.AGREED, LeadStage.SIGNED)
RANK = {stage: rank for rank, stage in enumerate(PIPELINE, 1)}
FIELDWORK = ("trips", "enterprises_visited")


@pytest.fixture
def demo(demo_output: dict[str, Any]) -> dict[str, Any]:
    """The district demo, loaded through the command (tests/plugins/demo.py); its logins."""
    return demo_output["logins"]


@pytest.fixture
def district_id(demo: dict[str, Any]) -> int:
    zhangwan = db.session.scalar(select(District.id).where(District.name == "张湾区"))
    declare(zhangwan, "as the district's users read")
    return zhangwan


@pytest.fixture
def leader(demo: dict[str, Any], client: FlaskClient, login: Any) -> FlaskClient:
    login(demo["leader"]["username"], demo["leader"]["password"])
    return client


def counted_by_hand(period: Period) -> list[tuple[int, int]]:
    """The funnel counted from the leads and their stage logs in Python: the leads open at some moment of the
    period, each in every stage it had reached by the period's end; 已签约 from the projects signed in it."""
    since, until = utc_bounds(period)
    reached = []
    for lead in db.session.scalars(select(Lead)):
        project = lead.project
        signed = (project is not None and project.verified and not project.voided
                  and period.start <= project.signed_on <= period.end)
        earlier = [change for change in lead.stage_log if change.changed_at < since]
        moved = any(since <= change.changed_at < until for change in lead.stage_log)
        closed = bool(earlier) and earlier[-1].to_stage in (LeadStage.SIGNED, LeadStage.DROPPED) and not moved
        if not signed and (lead.created_at >= until or closed):
            continue
        ranks = [RANK[change.to_stage] for change in lead.stage_log if change.changed_at < until
                 and change.to_stage in RANK]
        reached.append((RANK[LeadStage.SIGNED] if signed else max(ranks), lead, project if signed else None))
    stages = [(sum(1 for rank, _lead, _project in reached if rank >= RANK[stage]),
               sum(lead.intended_investment_yuan or 0 for rank, lead, _project in reached if rank >= RANK[stage]))
              for stage in PIPELINE[:-1]]
    projects = [project for _rank, _lead, project in reached if project is not None]
    return [*stages, (len(projects), sum(p.total_investment_yuan for p in projects))]


def test_the_funnel_narrows_to_the_signed_projects_and_matches_the_stage_log(leader: FlaskClient,
                                                                             district_id: int) -> None:
    response = leader.get(f"/dashboard/data/funnel?year={YEAR}")
    assert response.status_code == 200
    stages = response.json["stages"]
    counts = [stage["count"] for stage in stages]
    assert [stage["label"] for stage in stages] == ["线索", "接洽", "洽谈", "拟签约", "已签约"]
    assert all(before > after for before, after in zip(counts, counts[1:], strict=False)), counts
    assert counts[0] >= 2 * counts[-1]  # many clues for each signing
    assert [(s["count"], s["investment_yuan"]) for s in stages] == counted_by_hand(Period.year(YEAR))
    cards = dashboard_cards(Period.year(YEAR), today(), district_id=district_id).district
    assert (counts[-1], stages[-1]["investment_yuan"]) == (cards.card("signed_projects").value,
                                                           cards.card("signed_investment_yuan").value)
    for quarter in range(1, 5):  # every quarter narrows too, and agrees with the log
        period = Period.quarter(YEAR, quarter)
        shown = leader.get(f"/dashboard/data/funnel?year={YEAR}&quarter={quarter}").json["stages"]
        figures = [(s["count"], s["investment_yuan"]) for s in shown]
        assert figures == counted_by_hand(period)
        assert all(before[0] >= after[0] for before, after in zip(figures, figures[1:], strict=False))
    assert "按曾到达该阶段的项目数统计" in leader.get(f"/?year={YEAR}").text


def test_every_signed_project_came_through_its_lead(district_id: int) -> None:
    projects = db.session.scalars(select(Project)).all()
    assert projects and all(project.lead is not None for project in projects)
    for project in projects:
        log = project.lead.stage_log
        assert [change.to_stage for change in log] == list(PIPELINE)
        assert [change.from_stage for change in log] == [None, *PIPELINE[:-1]]
        assert log[-1].changed_at.astimezone(LOCAL).date() == project.signed_on and log[-1].note == project.code
        assert project.lead.team_id == project.team_id and project.lead.enterprise_id == project.enterprise_id
    # and leads were lost on the way this year, each with its reason
    since, until = utc_bounds(Period.year(YEAR))
    dropped = [lead for lead in db.session.scalars(select(Lead).where(Lead.stage == LeadStage.DROPPED))
               if since <= lead.stage_log[-1].changed_at < until]
    assert len(dropped) >= 5 and all(lead.drop_reason for lead in dropped)
    assert {lead.stage_log[-1].from_stage for lead in dropped} >= {LeadStage.CLUE, LeadStage.CONTACTED,
                                                                  LeadStage.NEGOTIATING}


def test_last_year_gives_every_card_a_base(district_id: int) -> None:
    year = dashboard_cards(Period.year(YEAR), today(), district_id=district_id)
    # the year is still running: its cards are set against last year's same days, up to today's date
    day = today()
    assert (year.last_year.start, year.last_year.end) == (date(YEAR - 1, 1, 1), a_year_earlier(day))
    for card in year.district.cards:
        assert card.last_year > 0 and card.change is not None, card.key
    for key in FIELDWORK:  # a smaller year of fieldwork before this one
        card = year.district.card(key)
        assert 0 < card.last_year < card.value, key
    for month in range(1, 13):  # whichever month is compared, last year went out and called on someone
        cards = dashboard_cards(Period.month(YEAR, month), today(), district_id=district_id).district
        assert all(cards.card(key).last_year > 0 for key in FIELDWORK), month
    # this year's figures are still the report's
    assert [year.district.card(key).value for key in ("trips", "enterprises_visited", "signed_projects")] == [
        192, 95, 60]


def test_procedures_are_done_in_order_after_verification(district_id: int) -> None:
    projects = db.session.scalars(select(Project)).all()
    open_steps = done_steps = 0
    for project in projects:
        items = sorted(project.service_items, key=lambda item: item.id)
        assert [item.name for item in items] == list(STANDARD_ITEMS[:len(items)]), project.code
        done = [item for item in items if item.status is ServiceItemStatus.DONE]
        assert items[:len(done)] == done, f"{project.code}: an open step before a done one"
        days = [item.done_on for item in done]
        assert all(day is not None for day in days) and days == sorted(days), project.code
        verified = project.verified_at.astimezone(LOCAL).date()
        assert not days or min(days) >= max(verified, project.signed_on), project.code
        assert all(day <= today() for day in days)
        rest = items[len(done):]
        assert all(item.done_on is None for item in rest)
        assert all(item.status is ServiceItemStatus.TODO for item in rest[1:]), project.code
        open_steps, done_steps = open_steps + len(rest), done_steps + len(done)
    assert open_steps > 0 and done_steps > 0
    flagship = next(p for p in projects if "动力电池生产基地" in p.name)
    started = flagship.started_on or date.max
    assert all(item.done_on <= started for item in flagship.service_items if item.done_on)


def test_most_projects_under_way_hold_30_to_90_percent_of_their_amount(district_id: int) -> None:
    """到资 means something in the demo: the projects under way mostly at 30–90 % of their amount, a few at none,
    and the verified money is what the figures count."""
    from sqlalchemy import func

    from crm.models import FundsTranche, ProjectStatus
    from crm.reports.figures import district_figures
    from crm.reports.rules import counted

    under_way = (ProjectStatus.STARTED, ProjectStatus.PRODUCING, ProjectStatus.AT_CAPACITY)
    received = (select(Project.id, Project.total_investment_yuan, func.coalesce(func.sum(FundsTranche.amount_yuan), 0))
                .outerjoin(FundsTranche, FundsTranche.project_id == Project.id)
                .where(counted(), Project.status.in_(under_way)).group_by(Project.id))
    shares = [amount / total for _id, total, amount in db.session.execute(received)]
    assert len(shares) > 50
    within = sum(1 for share in shares if 0.29 <= share <= 0.9)
    none = sum(1 for share in shares if share == 0)
    assert within >= 0.8 * len(shares) and 0 < none < 0.2 * len(shares), (within, none, len(shares))
    year = Period.year(YEAR)
    verified = db.session.scalar(
        select(func.sum(FundsTranche.amount_yuan)).join(Project).where(
            counted(), FundsTranche.verified.is_(True), FundsTranche.received_on.between(year.start, year.end)))
    assert district_figures(year, district_id=district_id).funds_yuan == verified > 0


def test_the_demo_meeting_sees_a_few_reds_late_by_weeks_not_years(demo: dict[str, Any]) -> None:
    """A 调度会 on the demo's today is not a third red: at most one of 张湾区's projects in seven is red, no node is
    red by more than a quarter (the office re-plans what waits), and every district's projects have a path and 到资."""
    from datetime import timedelta

    from sqlalchemy import func

    from crm.access.tenancy import within
    from crm.models import FundsTranche, ProjectNode, Team
    from crm.reports.colours import ISSUE, SEVERITY, Colour, colour_board, path_rows

    day = today()
    with within(None, "the city reads every district"):
        board = colour_board(day, None)
        zhangwan = next(counts for _id, name, counts in board.districts if name == "张湾区")
        assert 0 < zhangwan[Colour.RED] <= sum(zhangwan.values()) / 7, zhangwan
        rows = path_rows(day).subquery()
        oldest_red = db.session.scalar(select(func.min(rows.c.planned_on)).where(
            rows.c.severity == SEVERITY[Colour.RED], rows.c.node != ISSUE))
        assert oldest_red is None or oldest_red >= day - timedelta(days=90), oldest_red
        for district_id, name, _counts in board.districts:
            ours = Team.district_id == district_id
            planned = select(func.count()).select_from(ProjectNode).join(Project).join(Team).where(
                ours, ProjectNode.planned_on.is_not(None))
            money = select(func.count()).select_from(FundsTranche).join(Project).join(Team).where(ours)
            assert db.session.scalar(planned) and db.session.scalar(money), name
