"""The totals under a list, each in one query by the rules (crm/reports/rules.py).

A project list may show more than what counts (待认定 signings, voided ones when asked for): its totals keep
those apart, so the 已认定 line is the figure the brief, the dashboard and the rankings give. The board and the
lead list sum each lead's amount by the same rule: intended until signed, then the signed project's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from ..domain.sizes import SIZE_BUCKETS
from ..extensions import db
from ..models import Lead, LeadStage, Project
from .rules import counted, lead_amount, lead_project, of_size, pending, voided


@dataclass(frozen=True)
class Tally:
    """How many projects, and their total and fixed-asset investment in yuan."""

    count: int = 0
    total_yuan: int = 0
    fixed_asset_yuan: int = 0


@dataclass(frozen=True)
class ProjectTotals:
    """A project list's totals by standing, the counted ones per size bucket, and the pending its filters pick."""

    counted: Tally = field(default_factory=Tally)
    pending: Tally = field(default_factory=Tally)
    voided: Tally = field(default_factory=Tally)
    buckets: dict[str, Tally] = field(default_factory=dict)  # counted projects per SIZE_BUCKETS key (cumulative)
    pending_in_scope: int = 0  # awaiting verification among the projects the other filters pick, listed or not

    @property
    def rows(self) -> int:
        """How many rows the list holds."""
        return self.counted.count + self.pending.count + self.voided.count

    def lines(self, *, counted: bool, pending: bool, voided: bool) -> list[tuple[str, Tally]]:
        """The totals lines of the standings a list shows, in order: ('counted' | 'pending' | 'voided', tally)."""
        shown = (("counted", counted, self.counted), ("pending", pending, self.pending),
                 ("voided", voided, self.voided))
        return [(name, tally) for name, wanted, tally in shown if wanted]


def tally_columns(where: ColumnElement[bool]) -> tuple[Any, ...]:
    amount, fixed = Project.total_investment_yuan, Project.fixed_asset_investment_yuan
    return (func.count().filter(where), func.coalesce(func.sum(amount).filter(where), 0),
            func.coalesce(func.sum(fixed).filter(where), 0))


def project_totals(scope: ColumnElement[bool], shown: ColumnElement[bool]) -> ProjectTotals:
    """Totals of the projects `shown` among those `scope` picks (a list's WHERE clause without its standing filter).

    The projects are joined to their investor as the lists join them, so a filter may name the investor.
    """
    standings = (and_(shown, counted()), and_(shown, pending()), and_(shown, voided()))
    buckets = tuple(and_(standings[0], of_size(key)) for key in SIZE_BUCKETS)
    row = db.session.execute(
        select(*(column for where in (*standings, *buckets) for column in tally_columns(where)),
               func.count().filter(pending()))
        .select_from(Project).join(Project.enterprise).where(scope)).one()
    tallies = [Tally(*(int(value) for value in row[3 * n:3 * n + 3])) for n in range(len(standings) + len(buckets))]
    return ProjectTotals(*tallies[:3], buckets=dict(zip(SIZE_BUCKETS, tallies[3:], strict=True)),
                         pending_in_scope=int(row[-1]))


@dataclass(frozen=True)
class StageTotals:
    """A pipeline stage's leads and their summed amount; for 已签约, those whose signing awaits verification."""

    count: int = 0
    total_yuan: int = 0
    pending_count: int = 0
    pending_yuan: int = 0


def lead_totals(*where: ColumnElement[bool]) -> dict[LeadStage, StageTotals]:
    """Per stage, the leads the conditions pick and their amounts by the rule, in one grouped query."""
    signed_pending = and_(Lead.stage == LeadStage.SIGNED, pending())
    rows = db.session.execute(
        select(Lead.stage, func.count(Lead.id), func.coalesce(func.sum(lead_amount()), 0),
               func.count(Project.id).filter(signed_pending),
               func.coalesce(func.sum(Project.total_investment_yuan).filter(signed_pending), 0))
        .select_from(Lead).outerjoin(Project, lead_project()).where(*where).group_by(Lead.stage))
    return {stage: StageTotals(count, int(total), pending_count, int(pending_yuan))
            for stage, count, total, pending_count, pending_yuan in rows}
