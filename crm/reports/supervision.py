"""督办 figures, one rule each: an order is open until closed (销号), overdue when open past its deadline.

The deadline is the last day to act (办理时限 inclusive): an order due today is not overdue, one due yesterday is.
The 督办台账 page, its export, the project page and the counts all read these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, select

from ..extensions import db
from ..models import Project, Supervision, SupervisionStatus, Team


def open_order() -> ColumnElement[bool]:
    """Orders not closed (督办中 or 退回)."""
    return Supervision.status != SupervisionStatus.CLOSED


def overdue_order(on: date) -> ColumnElement[bool]:
    """Orders open on a day past their deadline (逾期)."""
    return and_(open_order(), Supervision.deadline < on)


@dataclass(frozen=True)
class OrderCounts:
    """Orders by standing: open (of which returned and overdue), and closed."""

    open: int = 0
    overdue: int = 0
    returned: int = 0
    closed: int = 0

    @property
    def total(self) -> int:
        return self.open + self.closed


def _counts_columns(on: date) -> tuple[ColumnElement[int], ...]:
    return (func.count().filter(open_order()), func.count().filter(overdue_order(on)),
            func.count().filter(Supervision.status == SupervisionStatus.RETURNED),
            func.count().filter(Supervision.status == SupervisionStatus.CLOSED))


def order_counts(on: date, *where: ColumnElement[bool]) -> OrderCounts:
    """The orders the conditions pick (of the reach's district), counted in one aggregate query."""
    row = db.session.execute(select(*_counts_columns(on)).select_from(Supervision)
                             .join(Project, Project.id == Supervision.project_id).where(*where)).one()
    return OrderCounts(*row)


def order_counts_by_team(on: date, *where: ColumnElement[bool]) -> dict[int, OrderCounts]:
    """The counts per credited team of the orders' projects (one grouped query)."""
    rows = db.session.execute(select(Project.team_id, *_counts_columns(on)).select_from(Supervision)
                              .join(Project, Project.id == Supervision.project_id).where(*where)
                              .group_by(Project.team_id))
    return {team_id: OrderCounts(*counts) for team_id, *counts in rows}


def order_counts_by_district(on: date) -> dict[int, OrderCounts]:
    """The counts per district (one grouped query): the only figures of 督办 the city may read."""
    rows = db.session.execute(select(Team.district_id, *_counts_columns(on)).select_from(Supervision)
                              .join(Project, Project.id == Supervision.project_id)
                              .join(Team, Team.id == Project.team_id).group_by(Team.district_id))
    return {district_id: OrderCounts(*counts) for district_id, *counts in rows}
