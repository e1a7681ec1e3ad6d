"""Overdue projects: signed long ago and not started (超时限未开工), or past a planned milestone date."""

from __future__ import annotations

import calendar
from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, and_, or_

from ..models import Project, ProjectStatus

OPEN = (ProjectStatus.SIGNED, ProjectStatus.STARTED, ProjectStatus.PRODUCING)


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the 31st becomes the month's last day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def start_deadline(today: date) -> date:
    """Projects signed before this date and not started are 超时限未开工."""
    return months_before(today, current_app.config["OVERDUE_START_MONTHS"])


def start_overdue(today: date) -> ColumnElement[bool]:
    """WHERE clause: signed more than the allowed months ago and not started."""
    return and_(Project.status == ProjectStatus.SIGNED, Project.started_on.is_(None),
                Project.signed_on < start_deadline(today), Project.voided.is_(False))


def planned_date_passed(today: date) -> ColumnElement[bool]:
    """WHERE clause: a planned milestone date has passed without the milestone."""
    return and_(Project.status.in_(OPEN), Project.voided.is_(False), or_(
        and_(Project.planned_start_on < today, Project.started_on.is_(None)),
        and_(Project.planned_production_on < today, Project.production_on.is_(None)),
        and_(Project.planned_capacity_on < today, Project.capacity_on.is_(None))))


def any_overdue(today: date) -> ColumnElement[bool]:
    return or_(start_overdue(today), planned_date_passed(today))


def overdue_reasons(project: Project, today: date) -> list[str]:
    """Why one project is overdue, as codes: start, planned_start, planned_production, planned_capacity."""
    if project.voided or project.status not in OPEN:
        return []
    reasons = []
    if project.status is ProjectStatus.SIGNED and project.started_on is None and \
            project.signed_on < start_deadline(today):
        reasons.append("start")
    for planned, actual, code in ((project.planned_start_on, project.started_on, "planned_start"),
                                  (project.planned_production_on, project.production_on, "planned_production"),
                                  (project.planned_capacity_on, project.capacity_on, "planned_capacity")):
        if planned is not None and actual is None and planned < today:
            reasons.append(code)
    return reasons
