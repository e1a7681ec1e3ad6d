"""The project list: its filters, its rows and its totals row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, true
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import YI, Enterprise, Project, ProjectStatus
from ..periods import Period
from .overdue import any_overdue

# 亿元以上 and its larger buckets: total investment at or above the threshold, in yuan (inclusive).
SIZE_BUCKETS: dict[str, tuple[int, object]] = {
    "1": (YI, _l("亿元以上")),
    "10": (10 * YI, _l("10亿元以上")),
    "30": (30 * YI, _l("30亿元以上")),
    "50": (50 * YI, _l("50亿元以上")),
    "100": (100 * YI, _l("100亿元以上")),
}


@dataclass(frozen=True)
class ProjectCriteria:
    """What the list is limited to; None means no limit."""

    period: Period | None = None
    team_id: int | None = None
    industry: str | None = None
    status: ProjectStatus | None = None
    size: str | None = None  # a key of SIZE_BUCKETS
    verified: bool | None = None
    overdue_on: date | None = None  # only projects overdue on this day
    show_voided: bool = False
    text: str | None = None


@dataclass(frozen=True)
class ListTotals:
    """The totals row of a filtered list, and how many of its projects await verification (认定)."""

    count: int
    total_yuan: int
    pending: int


def matching(criteria: ProjectCriteria, *, with_verified: bool = True) -> ColumnElement[bool]:
    """A WHERE clause for the criteria; the verification filter can be left out for the pending count."""
    clauses: list[ColumnElement[bool]] = []
    if criteria.period is not None:
        clauses.append(Project.signed_on.between(criteria.period.start, criteria.period.end))
    if criteria.team_id:
        clauses.append(Project.team_id == criteria.team_id)
    if criteria.industry:
        clauses.append(Project.industry == criteria.industry)
    if criteria.status is not None:
        clauses.append(Project.status == criteria.status)
    if criteria.size:
        clauses.append(Project.total_investment_yuan >= SIZE_BUCKETS[criteria.size][0])
    if with_verified and criteria.verified is not None:
        clauses.append(Project.verified.is_(criteria.verified))
    if criteria.overdue_on is not None:
        clauses.append(any_overdue(criteria.overdue_on))
    if not criteria.show_voided:
        clauses.append(Project.voided.is_(False))
    if criteria.text:
        clauses.append(or_(Project.name.icontains(criteria.text, autoescape=True),
                           Project.code.icontains(criteria.text, autoescape=True),
                           Enterprise.name.icontains(criteria.text, autoescape=True)))
    return and_(true(), *clauses)


def project_list(criteria: ProjectCriteria) -> Select[tuple[Project]]:
    """The list's query: newest signing first, with what its columns show loaded alongside."""
    return (select(Project).join(Project.enterprise).where(matching(criteria))
            .options(joinedload(Project.enterprise), joinedload(Project.team), joinedload(Project.chief_officer))
            .order_by(Project.signed_on.desc(), Project.id.desc()))


def list_totals(criteria: ProjectCriteria) -> ListTotals:
    """Count and summed total investment of the filtered list, and its pending verifications, in one query."""
    shown = matching(criteria)
    row = db.session.execute(
        select(func.count(case((shown, Project.id))),
               func.coalesce(func.sum(case((shown, Project.total_investment_yuan), else_=0)), 0),
               func.count(case((and_(Project.verified.is_(False), Project.voided.is_(False)), Project.id))))
        .select_from(Project).join(Project.enterprise).where(matching(criteria, with_verified=False))).one()
    return ListTotals(count=row[0], total_yuan=int(row[1]), pending=row[2])


def industries() -> list[str]:
    """The industries projects are filed under, for the filter's choices."""
    return list(db.session.scalars(select(Project.industry).where(Project.industry.is_not(None))
                                   .distinct().order_by(Project.industry)))
