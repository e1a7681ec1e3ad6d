"""The board's columns: counts and sums of every lead, cards limited in SQL to each stage's most recent."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from crm.extensions import db
from crm.leads import board, services
from crm.models import Lead, LeadStage, Role

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
HOURS = (5, 9, 1, 7, 7, 3, 8, 2, 4)  # when each signed lead was last changed: not in the order they were added


@pytest.fixture
def pipeline(make_team, make_lead, make_enterprise):
    """One team with nine signed leads changed at HOURS (two at one moment), two clues; another team's lead."""
    team = make_team()
    signed = [make_lead(team=team, stage=LeadStage.SIGNED, title=f"签约{n}", intended_investment_yuan=n * 10**8,
                        updated_at=START + timedelta(hours=hours))
              for n, hours in enumerate(HOURS, start=1)]
    clues = [make_lead(team=team, title=f"线索{n}", intended_investment_yuan=None,
                       updated_at=START + timedelta(days=3 - n)) for n in (1, 2)]
    make_lead(team=make_team(), stage=LeadStage.SIGNED, intended_investment_yuan=10**10,
              updated_at=START + timedelta(days=30))
    return team, signed, clues


def test_columns_count_every_lead_and_show_the_most_recent(pipeline):
    team, signed, clues = pipeline
    columns = {column.stage: column for column in board.columns(Lead.team_id == team.id, per_stage=4)}
    assert list(columns) == list(LeadStage)
    assert (columns[LeadStage.SIGNED].count, columns[LeadStage.SIGNED].total_yuan) == (9, 45 * 10**8)
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
