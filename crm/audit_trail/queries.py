"""The audit trail's rows for its page and its export: newest first, filtered, the actor's name joined."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, select

from ..models import AuditEvent, User
from ..models.enums import AuditResult


@dataclass(frozen=True)
class TrailCriteria:
    """Which events to show; None: any."""

    user_id: int | None = None
    action: str | None = None
    start: date | None = None  # local days, both ends included
    end: date | None = None
    entity: str | None = None
    entity_id: int | None = None
    result: AuditResult | None = None

    def as_dict(self) -> dict[str, str]:
        """The filters given, as the audit notes them."""
        return {key: str(value) for key, value in self.__dict__.items() if value is not None}


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def trail_query(criteria: TrailCriteria) -> Select:
    """The events (with the actor's display name) the criteria pick, newest first; the wall keeps the district's."""
    query = (select(AuditEvent, User.display_name).outerjoin(User, User.id == AuditEvent.user_id)
             .order_by(AuditEvent.id.desc()))
    if criteria.user_id is not None:
        query = query.where(AuditEvent.user_id == criteria.user_id)
    if criteria.action is not None:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.start is not None:
        query = query.where(AuditEvent.at >= local_midnight(criteria.start))
    if criteria.end is not None:
        query = query.where(AuditEvent.at < local_midnight(criteria.end + timedelta(days=1)))
    if criteria.entity is not None:
        query = query.where(AuditEvent.entity == criteria.entity)
    if criteria.entity_id is not None:
        query = query.where(AuditEvent.entity_id == criteria.entity_id)
    if criteria.result is not None:
        query = query.where(AuditEvent.result == criteria.result)
    return query
