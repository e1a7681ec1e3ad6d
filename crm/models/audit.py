"""The audit trail: who did what, when, with what result; each event chained to the one before by its hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .enums import AuditResult
from .types import UTCDateTime, choice_type, now_utc

# 网络安全法 Art. 21: network logs are kept for at least six months. The database refuses, below the app, to change
# any event or to delete one younger than this.
KEEP_DAYS = 180


class AuditEvent(db.Model):
    """One recorded action: a change to a record, a sign-in, a refusal, an export, a reading of the trail."""

    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),
                      Index("ix_audit_event_district_id", "district_id", "id"))  # a district's trail, newest first

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # the district the event belongs to (the record's, else the actor's); None: the city's, or no one's
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    action: Mapped[str] = mapped_column(String(32))  # insert, update, delete, login, login_failed…
    result: Mapped[AuditResult] = mapped_column(choice_type(AuditResult, "audit_result"), default=AuditResult.SUCCESS)
    entity: Mapped[str | None] = mapped_column(String(64))
    entity_id: Mapped[int | None]
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # field: [from, to]
    address: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 (hex) of the event before it in the chain
    hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of prev_hash and this event's content


GUARD = "audit_event_guard"
SQLITE_GUARD = (
    f"CREATE TRIGGER IF NOT EXISTS {GUARD}_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END",
    # `at` is stored as UTC text, 'YYYY-MM-DD HH:MM:SS.ffffff', which sorts as datetime() writes it
    f"CREATE TRIGGER IF NOT EXISTS {GUARD}_delete BEFORE DELETE ON audit_event "
    f"WHEN OLD.at > datetime('now', '-{KEEP_DAYS} days') "
    f"BEGIN SELECT RAISE(ABORT, 'audit events younger than {KEEP_DAYS} days cannot be deleted'); END",
)
SQLITE_UNGUARD = (f"DROP TRIGGER IF EXISTS {GUARD}_update", f"DROP TRIGGER IF EXISTS {GUARD}_delete")
POSTGRESQL_GUARD = (
    f"""CREATE OR REPLACE FUNCTION {GUARD}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit events cannot be changed';
    END IF;
    IF OLD.at > now() - interval '{KEEP_DAYS} days' THEN
        RAISE EXCEPTION 'audit events younger than {KEEP_DAYS} days cannot be deleted';
    END IF;
    RETURN OLD;
END $$""",
    f"CREATE TRIGGER {GUARD} BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION {GUARD}()",
)
POSTGRESQL_UNGUARD = (f"DROP TRIGGER IF EXISTS {GUARD} ON audit_event", f"DROP FUNCTION IF EXISTS {GUARD}()")


def guard_statements(dialect: str) -> tuple[str, ...]:
    """The statements that make the database itself refuse to change an event or delete a young one."""
    return POSTGRESQL_GUARD if dialect == "postgresql" else SQLITE_GUARD


def unguard_statements(dialect: str) -> tuple[str, ...]:
    """The statements that remove the guard (a downgrade)."""
    return POSTGRESQL_UNGUARD if dialect == "postgresql" else SQLITE_UNGUARD


for _dialect in ("sqlite", "postgresql"):  # create_all guards the table as the migration does
    for _statement in guard_statements(_dialect):
        event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
