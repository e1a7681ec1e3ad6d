"""What each figure counts, written once: every page, list total, board, export, chart, brief and CLI uses these.

- counted: a signed project counts once verified (认定) and not voided; pending: not yet verified, not voided.
- sizes: 亿元以上 and the larger buckets are total investment at or above a floor, inclusive (crm/domain/sizes.py).
- overdue: 超时限未开工 is signed more than OVERDUE_START_MONTHS ago and not started; a planned date passed
  without its milestone is overdue too. Team and district deductions count counted projects only.
- open 代办事项: not done (已办结).
- open issues on a day: raised by then and not closed (销号) by then, on a project not voided.
- a lead's amount: its intended investment until it is signed, then its signed project's total investment.
"""

from __future__ import annotations

import calendar
from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, func, or_, select

from ..domain.money import YUAN_PER_YI
from ..domain.sizes import SIZE_BUCKETS
from ..extensions import db
from ..models import Lead, LeadStage, Project, ProjectIssue, ProjectStatus, ServiceItem, ServiceItemStatus

OPEN = (ProjectStatus.SIGNED, ProjectStatus.STARTED, ProjectStatus.PRODUCING)  # statuses still heading somewhere


def counted() -> ColumnElement[bool]:
    """Projects that count in every figure: verified (认定) and not voided."""
    return and_(Project.verified.is_(True), Project.voided.is_(False))


def pending() -> ColumnElement[bool]:
    """Projects awaiting verification: signed, not verified, not voided."""
    return and_(Project.verified.is_(False), Project.voided.is_(False))


def voided() -> ColumnElement[bool]:
    return Project.voided.is_(True)


def at_least(floor_yuan: int) -> ColumnElement[bool]:
    """Total investment at or above a floor, in yuan (inclusive)."""
    return Project.total_investment_yuan >= floor_yuan


def of_size(key: str) -> ColumnElement[bool]:
    """Projects in a size bucket, by its key in SIZE_BUCKETS."""
    return at_least(SIZE_BUCKETS[key][0])


def yi_project() -> ColumnElement[bool]:
    """亿元以上: total investment of 1亿元 or more."""
    return of_size("1")


def in_band(low_yi: int, high_yi: int | None) -> ColumnElement[bool]:
    """Projects of a band of crm.domain.sizes.SIZE_BANDS: from low 亿元 (included) to high 亿元 (excluded)."""
    if high_yi is None:
        return at_least(low_yi * YUAN_PER_YI)
    return and_(at_least(low_yi * YUAN_PER_YI), Project.total_investment_yuan < high_yi * YUAN_PER_YI)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the 31st becomes the month's last day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def start_deadline(today: date) -> date:
    """Projects signed before this date and not started are 超时限未开工."""
    return months_before(today, current_app.config["OVERDUE_START_MONTHS"])


def start_overdue(today: date) -> ColumnElement[bool]:
    """超时限未开工: signed more than the allowed months ago and not started (voided projects never are)."""
    return and_(Project.status == ProjectStatus.SIGNED, Project.started_on.is_(None),
                Project.signed_on < start_deadline(today), Project.voided.is_(False))


def counted_start_overdue(today: date) -> ColumnElement[bool]:
    """The 超时限未开工 projects a ranking deducts for: the counted ones only."""
    return and_(counted(), start_overdue(today))


def planned_date_passed(today: date) -> ColumnElement[bool]:
    """A planned milestone date has passed without the milestone."""
    return and_(Project.status.in_(OPEN), Project.voided.is_(False), or_(
        and_(Project.planned_start_on < today, Project.started_on.is_(None)),
        and_(Project.planned_production_on < today, Project.production_on.is_(None)),
        and_(Project.planned_capacity_on < today, Project.capacity_on.is_(None))))


def any_overdue(today: date) -> ColumnElement[bool]:
    return or_(start_overdue(today), planned_date_passed(today))


def open_issue(on: date) -> ColumnElement[bool]:
    """Issues (问题诉求) open on a day: raised by then, not closed by then, on a project not voided.

    Closing sets resolved_on and reopening clears it, so the day's state is read from the dates, not the status.
    """
    return and_(ProjectIssue.raised_on <= on,
                or_(ProjectIssue.resolved_on.is_(None), ProjectIssue.resolved_on > on), Project.voided.is_(False))


def open_issue_counts(on: date, *where: ColumnElement[bool]) -> dict[int, int]:
    """Issues open on a day per credited team, of the projects the conditions pick (one grouped query)."""
    rows = db.session.execute(
        select(Project.team_id, func.count()).select_from(ProjectIssue).join(Project)
        .where(open_issue(on), *where).group_by(Project.team_id))
    return {team_id: count for team_id, count in rows}


def open_service_item() -> ColumnElement[bool]:
    """代办事项 not yet done (待办 or 办理中)."""
    return ServiceItem.status != ServiceItemStatus.DONE


def lead_project() -> ColumnElement[bool]:
    """ON clause joining a lead to its signed project, unless that signing was voided."""
    return and_(Project.lead_id == Lead.id, Project.voided.is_(False))


def lead_amount() -> ColumnElement[int]:
    """A lead's investment in yuan: intended until signed, then its signed project's (outer-join lead_project()).

    A signed lead whose project was voided, or that has none, has no amount: it no longer stands for a signing.
    """
    return case((Lead.stage == LeadStage.SIGNED, Project.total_investment_yuan), else_=Lead.intended_investment_yuan)
