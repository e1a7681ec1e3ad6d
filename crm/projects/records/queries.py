"""The project list: its filters, its rows and its totals rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, or_, select, true
from sqlalchemy.orm import joinedload

from ...domain.periods import Period
from ...extensions import db
from ...models import Enterprise, Project, ProjectStatus
from ...reports.colours import Colour, of_colour
from ...reports.figures import of_district
from ...reports.list_totals import ProjectTotals, project_totals
from ...reports.rules import any_overdue, of_size

__all__ = ["ProjectCriteria", "industries", "list_totals", "matching", "project_list"]


@dataclass(frozen=True)
class ProjectCriteria:
    """What the list is limited to; None means no limit."""

    period: Period | None = None
    team_id: int | None = None
    industry: str | None = None
    status: ProjectStatus | None = None
    size: str | None = None  # a key of SIZE_BUCKETS
    # True: verified only, what the figures count (the default); False: 待认定 only; None: both.
    verified: bool | None = True
    overdue_on: date | None = None  # only projects overdue on this day
    show_voided: bool = False
    text: str | None = None
    district_id: int | None = None  # the one district the city narrows the list to
    colour: Colour | None = None  # 红黄绿 on colour_on
    colour_on: date | None = None

    @property
    def standings(self) -> dict[str, bool]:
        """Which standings the list shows, as ProjectTotals.lines() takes them."""
        return {"counted": self.verified is not False, "pending": self.verified is not True,
                "voided": self.show_voided}


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
        clauses.append(of_size(criteria.size))
    if with_verified and criteria.verified is not None:
        clauses.append(Project.verified.is_(criteria.verified))
    if criteria.overdue_on is not None:
        clauses.append(any_overdue(criteria.overdue_on))
    if not criteria.show_voided:
        clauses.append(Project.voided.is_(False))
    if criteria.district_id is not None:
        clauses.append(of_district(Project.team_id, criteria.district_id))
    if criteria.colour is not None and criteria.colour_on is not None:
        clauses.append(of_colour(criteria.colour, criteria.colour_on))
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


def list_totals(criteria: ProjectCriteria) -> ProjectTotals:
    """The list's totals, 已认定, 待认定 and 已作废 apart, and the pending its other filters pick, in one query."""
    return project_totals(matching(criteria, with_verified=False), matching(criteria))


def industries() -> list[str]:
    """The industries projects are filed under, for the filter's choices."""
    return list(db.session.scalars(select(Project.industry).where(Project.industry.is_not(None))
                                   .distinct().order_by(Project.industry)))
