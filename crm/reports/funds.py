"""到资: money actually in place (实际到位资金) and fixed-asset investment completed (固定资产投资完成额).

One rule, read by the figures (per team, district and city, for any period, crm/reports/figures.py), a project's
page, the 到资台账 export and the API: a tranche counts when the office has verified it and its project counts
(crm/reports/rules.counted: verified, not voided). Its day is the day the money arrived. 到资率 is a project's
money in place to a day over its signed total investment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from ..domain.periods import Period
from ..extensions import db
from ..models import FundKind, FundsTranche, Project
from .rules import counted


def counted_tranche() -> ColumnElement[bool]:
    """Tranches that count: verified, of a counted project (the caller joins Project)."""
    return and_(FundsTranche.verified.is_(True), counted())


def in_period(period: Period) -> ColumnElement[bool]:
    return FundsTranche.received_on.between(period.start, period.end)


def funds_columns(period: Period) -> tuple[Any, Any]:
    """Money in place and fixed-asset investment completed in the period, as aggregate columns over tranches."""
    arrived = in_period(period)
    return (money_in_place(arrived),
            func.coalesce(func.sum(FundsTranche.amount_yuan).filter(arrived, FundsTranche.kind == FundKind.FIXED_ASSET),
                          0))


def money_in_place(*arrived: ColumnElement[bool]) -> Any:
    """Money in place over the tranches `arrived` picks (every row read when none is given: a query whose WHERE
    already holds the period need not repeat it)."""
    total = func.sum(FundsTranche.amount_yuan)
    return func.coalesce(total.filter(*arrived) if arrived else total, 0)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in per cent, one decimal, half up; None when there is no whole."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ProjectFunds:
    """A project's money in place to a day: in total, for fixed assets, and its share of the signed amount."""

    funds_yuan: int
    fixed_asset_done_yuan: int
    total_investment_yuan: int

    @property
    def rate(self) -> Decimal | None:
        """到资率: money in place over the signed total investment, per cent."""
        return percent(self.funds_yuan, self.total_investment_yuan)


def project_funds(project: Project, on: date) -> ProjectFunds:
    """The project's counted money in place up to `on` (none while the project itself does not count)."""
    funds, fixed = db.session.execute(
        select(*funds_columns(Period(date.min, on)))
        .select_from(FundsTranche).join(Project, Project.id == FundsTranche.project_id)
        .where(FundsTranche.project_id == project.id, counted_tranche())).one()
    return ProjectFunds(int(funds), int(fixed), project.total_investment_yuan)
