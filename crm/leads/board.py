"""The pipeline board: per stage its count, its summed investment, and its most recent cards.

A card and its column show a lead's amount by the rule (crm/reports/rules.py): the intended investment until the
lead is signed, then its signed project's total investment, as edited since; 已签约 says apart how many of its
signings await verification (待认定).
"""

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Lead, LeadStage, Project
from ..reports.list_totals import StageTotals, lead_totals
from ..reports.rules import lead_amount, lead_project

# Four cards a column keep the whole board, menu and all, within one 1280×900 screen with titles on up to two
# lines; the stage's list shows the rest.
CARDS_PER_STAGE = 4


@dataclass(frozen=True)
class StageColumn:
    """One column of the board: a stage, how many leads are in it, their sum, and the cards shown."""

    stage: LeadStage
    totals: StageTotals
    leads: list[Lead]
    amounts: dict[int, int | None] = field(default_factory=dict)  # each card's amount by lead id, in yuan

    @property
    def count(self) -> int:
        return self.totals.count

    @property
    def total_yuan(self) -> int:
        return self.totals.total_yuan

    @property
    def more(self) -> bool:
        """Whether the column leaves leads out, so that it links to the stage's full list."""
        return self.count > len(self.leads)


def recent_cards(scope: ColumnElement[bool], per_stage: int = CARDS_PER_STAGE
                 ) -> tuple[dict[LeadStage, list[Lead]], dict[int, int | None]]:
    """Each stage's most recently changed leads, newest first, at most per_stage of them, limited in SQL, and each
    card's amount.

    "Recent" is the lead's updated_at: every edit and every stage move sets it, so a column opens with the
    leads last worked on, and one just moved (a lead just signed in 已签约) comes first.
    """
    ranked = (select(Lead.id, func.row_number().over(
        partition_by=Lead.stage, order_by=(Lead.updated_at.desc(), Lead.id.desc())).label("rank"))
        .where(scope).subquery())
    cards: dict[LeadStage, list[Lead]] = {stage: [] for stage in LeadStage}
    amounts: dict[int, int | None] = {}
    for lead, amount in db.session.execute(
            select(Lead, lead_amount()).join(ranked, ranked.c.id == Lead.id).outerjoin(Project, lead_project())
            .where(ranked.c.rank <= per_stage)
            .options(joinedload(Lead.enterprise), joinedload(Lead.owner), joinedload(Lead.team))
            .order_by(ranked.c.rank)):
        cards[lead.stage].append(lead)
        amounts[lead.id] = amount
    return cards, amounts


def columns(scope: ColumnElement[bool], per_stage: int = CARDS_PER_STAGE) -> list[StageColumn]:
    """The board's columns, one per stage in the pipeline's order: two queries whatever the number of leads."""
    totals = lead_totals(scope)
    cards, amounts = recent_cards(scope, per_stage)
    return [StageColumn(stage, totals.get(stage, StageTotals()), cards[stage],
                        {lead.id: amounts[lead.id] for lead in cards[stage]}) for stage in LeadStage]
