"""Delete audit events older than the law asks to keep, leaving the chain verifiable from the oldest remaining one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, func, select

from ..core.audit import record
from ..core.audit_chain import take_the_chain
from ..extensions import db
from ..models import AuditEvent
from ..models.audit import KEEP_DAYS
from .verify import PRUNED


class PruneRefused(ValueError):
    """A prune that would delete events the law (网络安全法 Art. 21) or the settings keep."""


@dataclass(frozen=True)
class Pruned:
    before: date
    deleted: int
    anchor: str | None  # the hash the oldest remaining event points at
    event_id: int  # the prune record


def keep_days() -> int:
    """Days of events kept: the setting AUDIT_KEEP_DAYS, never fewer than the law's 180."""
    return max(int(current_app.config.get("AUDIT_KEEP_DAYS", KEEP_DAYS)), KEEP_DAYS)


def prune_before(before: date, *, today: date) -> Pruned:
    """Delete the events written before the day (local time) and record that, naming the chain's new anchor."""
    latest = today - timedelta(days=keep_days())
    if before > latest:
        raise PruneRefused(f"events younger than {keep_days()} days are kept: the latest date allowed is {latest}")
    start = datetime.combine(before, time(), tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    connection = db.session.connection()
    take_the_chain(connection)  # no event is written while the oldest ones go
    table = AuditEvent.__table__
    crossing = {"all_districts": True}
    kept_from = connection.execute(select(func.min(table.c.id)).where(table.c.at >= start)
                                   .execution_options(**crossing)).scalar()
    doomed = table.c.id < kept_from if kept_from is not None else table.c.id.is_not(None)
    last = connection.execute(select(table.c.id, table.c.hash).where(doomed).order_by(table.c.id.desc()).limit(1)
                              .execution_options(**crossing)).first()
    deleted = connection.execute(delete(table).where(doomed)).rowcount if last is not None else 0
    anchor = last.hash if last is not None else None
    event = record(PRUNED, detail=json.dumps({"before": before.isoformat(), "deleted": deleted, "anchor": anchor,
                                              "last_deleted_id": last.id if last else None}))
    db.session.flush()
    return Pruned(before, deleted, anchor, event.id)
