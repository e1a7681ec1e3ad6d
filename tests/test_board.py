"""The board's columns: counts and sums of every lead, cards limited in SQL to each stage's most recent."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from crm.extensions import db
from crm.leads import board, services
from crm.models import AgreementKind, Lead, LeadStage, ProjectType, Role
from crm.projects.records import services as project_services

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
HOURS = (5, 9, 1, 7, 7, 3, 8, 2, 4)  # when each signed lead was last changed: not in the order they were added


@pytest.fixture
def pipeline(make_team, make_lead, make_enterprise, make_project):
    """One team with nine signed leads changed at HOURS (two at one moment), each signed for 0.3亿 a step where it
    meant 1亿 a step (the first two signings awaiting verification), two clues; another team's lead."""
    team = make_team()
    signed = [make_lead(team=team, stage=LeadStage.SIGNED, title=f"签约{n}", intended_investment_yuan=n * 10**8,
                        updated_at=START + timedelta(hours=hours))
              for n, hours in enumerate(HOURS, start=1)]
    for n, lead in enumerate(signed, start=1):
        make_project(team=team, lead=lead, total_investment_yuan=n * 3 * 10**7, verified=n > 2)
    clues = [make_lead(team=team, title=f"线索{n}", intended_investment_yuan=None,
                       updated_at=START + timedelta(days=3 - n)) for n in (1, 2)]
    make_lead(team=make_team(), stage=LeadStage.SIGNED, intended_investment_yuan=10**10,
              updated_at=START + timedelta(days=30))
    return team, signed, clues


def test_columns_count_every_lead_and_show_the_most_recent(pipeline):
    team, signed, clues = pipeline
    columns = {column.stage: column for column in board.columns(Lead.team_id == team.id, per_stage=4)}
    assert list(columns) == list(LeadStage)
    # 已签约 sums the signed projects' amounts, not what the leads meant to invest
    assert (columns[LeadStage.SIGNED].count, columns[LeadStage.SIGNED].total_yuan) == (9, 45 * 3 * 10**7)
    assert (columns[LeadStage.SIGNED].totals.pending_count, columns[LeadStage.SIGNED].totals.pending_yuan) == (
        2, 3 * 3 * 10**7)
    # 签约4 and 签约5 were changed at one moment: the newer row comes first
    assert [lead.title for lead in columns[LeadStage.SIGNED].leads] == ["签约2", "签约7", "签约5", "签约4"]
    assert columns[LeadStage.SIGNED].more
    assert (columns[LeadStage.CLUE].count, columns[LeadStage.CLUE].total_yuan) == (2, 0)
    assert [lead.title for lead in columns[LeadStage.CLUE].leads] == ["线索1", "线索2"]
    assert not columns[LeadStage.CLUE].more
    assert (columns[LeadStage.AGREED].count, columns[LeadStage.AGREED].leads) == (0, [])


def test_a_lead_just_moved_heads_its_new_column(pipeline, make_user, make_lead):
    team, signed, clues = pipeline
    make_lead(team=team, stage=LeadStage.CONTACTED, title="接洽", updated_at=START + timedelta(days=10))
    services.move_stage(clues[1], LeadStage.CONTACTED, actor=make_user(Role.MEMBER, team=team))
    db.session.commit()
    columns = {column.stage: column for column in board.columns(Lead.team_id == team.id, per_stage=4)}
    assert [lead.title for lead in columns[LeadStage.CONTACTED].leads] == ["线索2", "接洽"]
    assert [lead.title for lead in columns[LeadStage.CLUE].leads] == ["线索1"]


def test_two_queries_load_only_the_cards_shown(pipeline):
    team_id = pipeline[0].id
    db.session.expunge_all()
    statements: list[str] = []

    def count(*args) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        columns = board.columns(Lead.team_id == team_id, per_stage=4)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2, statements
    loaded = [item for item in db.session.identity_map.values() if isinstance(item, Lead)]
    assert len(loaded) == sum(len(column.leads) for column in columns) == 6


def test_the_signed_column_shows_the_signed_projects_amount_as_edited(client, login, make_user, make_lead):
    member = make_user(Role.MEMBER)
    lead = make_lead(team=member.team, stage=LeadStage.AGREED, title="光伏组件项目", intended_investment_yuan=8 * 10**8)
    project = project_services.sign_lead(
        lead, actor=member, signed_on=date(2026, 3, 2), total_investment_yuan=8 * 10**8,
        agreement_kind=AgreementKind.CONTRACT, project_type=ProjectType.NEW, name="光伏组件项目", location=None,
        industry=None)
    project_services.update_project(project, actor=member, version=project.version, total_investment_yuan=420_000_000)
    make_lead(team=member.team, stage=LeadStage.NEGOTIATING, title="洽谈项目", intended_investment_yuan=3 * 10**8)
    db.session.commit()
    columns = {column.stage: column for column in board.columns(Lead.team_id == member.team_id)}
    signed = columns[LeadStage.SIGNED]
    assert (signed.count, signed.total_yuan, signed.amounts[lead.id]) == (1, 420_000_000, 420_000_000)
    assert (signed.totals.pending_count, signed.totals.pending_yuan) == (1, 420_000_000)  # signed, not yet verified
    assert columns[LeadStage.NEGOTIATING].total_yuan == 3 * 10**8  # an open lead keeps its intended amount
    login(member)
    page = client.get("/leads/").text
    column = page.split('data-stage="signed"')[1].split("</section>")[0]
    assert 'data-total-yuan="420000000"' in column and "4.20亿元" in column and "8.00亿元" not in column
    assert re.search(r'data-amount-yuan="420000000"', column) and "其中待认定 1 个" in column
    listed = client.get("/leads/list?stage=signed").text  # the lead list and its export say the same
    assert "4.20亿元" in listed and "8.00亿元" not in listed
    rows = list(csv.reader(io.StringIO(client.get("/exports/leads.csv?stage=signed").data.decode("utf-8-sig"))))
    assert rows[1][5] == "投资额（亿元）" and rows[2][5] == "4.20" and rows[-1][:2] == ["合计", "1个项目"]
    assert rows[-1][5] == "4.20"


def test_a_voided_signing_no_longer_adds_to_the_signed_column(make_team, make_lead, make_project):
    team = make_team()
    kept, gone = (make_lead(team=team, stage=LeadStage.SIGNED, intended_investment_yuan=10**9) for _ in range(2))
    make_project(team=team, lead=kept, total_investment_yuan=2 * 10**8)
    make_project(team=team, lead=gone, total_investment_yuan=5 * 10**8, voided=True, void_reason="重复登记")
    signed = {column.stage: column for column in board.columns(Lead.team_id == team.id)}[LeadStage.SIGNED]
    assert (signed.count, signed.total_yuan, signed.amounts[gone.id]) == (2, 2 * 10**8, None)
