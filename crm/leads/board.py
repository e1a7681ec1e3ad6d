"""The pipeline board: per stage its count, its summed intended investment, and its most recent cards."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Lead, LeadStage

# Four cards a column keep the whole board, menu and all, within one 1280×900 screen with titles on up to two
# lines; the stage's list shows the rest.
CARDS_PER_STAGE = 4


@dataclass(frozen=True)
class StageColumn:
    """One column of the board: a stage, how many leads are in it, their sum, and the cards shown."""

    stage: LeadStage
    count: int
    total_yuan: int
    leads: list[Lead]

    @property
    def more(self) -> bool:
        """Whether the column leaves leads out, so that it links to the stage's full list."""
        return self.count > len(self.leads)


def stage_totals(scope: ColumnElement[bool]) -> dict[LeadStage, tuple[int, int]]:
    """{stage: (count, summed intended investment in yuan)}, in one grouped query."""
    return {stage: (count, int(total)) for stage, count, total in db.session.execute(
        select(Lead.stage, func.count(Lead.id), func.coalesce(func.sum(Lead.intended_investment_yuan), 0))
        .where(scope).group_by(Lead.stage))}


def recent_cards(scope: ColumnElement[bool], per_stage: int = CARDS_PER_STAGE) -> dict[LeadStage, list[Lead]]:
    """Each stage's most recently changed leads, newest first, at most per_stage of them, limited in SQL.

    "Recent" is the lead's updated_at: every edit and every stage move sets it, so a column opens with the
    leads last worked on, and one just moved (a lead just signed in 已签约) comes first.
    """
    ranked = (select(Lead.id, func.row_number().over(
        partition_by=Lead.stage, order_by=(Lead.updated_at.desc(), Lead.id.desc())).label("rank"))
        .where(scope).subquery())
    cards: dict[LeadStage, list[Lead]] = {stage: [] for stage in LeadStage}
    for lead in db.session.scalars(
            select(Lead).join(ranked, ranked.c.id == Lead.id).where(ranked.c.rank <= per_stage)
            .options(joinedload(Lead.enterprise), joinedload(Lead.owner)).order_by(ranked.c.rank)):
        cards[lead.stage].append(lead)
    return cards


def columns(scope: ColumnElement[bool], per_stage: int = CARDS_PER_STAGE) -> list[StageColumn]:
    """The board's columns, one per stage in the pipeline's order: two queries whatever the number of leads."""
    totals, cards = stage_totals(scope), recent_cards(scope, per_stage)
    return [StageColumn(stage, *totals.get(stage, (0, 0)), cards[stage]) for stage in LeadStage]
