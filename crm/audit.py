"""The audit trail, written from one session hook for every core record."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from .extensions import db
from .models import AUDITED, AuditEvent, utcnow

IGNORED_FIELDS = frozenset({"version", "updated_at", "created_at"})


def plain(value: Any) -> Any:
    """Return a value as JSON can hold it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def field_changes(obj: Any, action: str) -> dict[str, list[Any]]:
    """Return {field: [from, to]} for the columns of obj changed in this flush."""
    state = inspect(obj)
    hidden = getattr(obj, "audit_exclude", frozenset())
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in IGNORED_FIELDS or key == "id":
            continue
        history = state.attrs[key].history
        if action == "insert":
            before, after = None, state.attrs[key].value
        elif action == "delete":
            before, after = state.attrs[key].value, None
        elif history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
        else:
            continue
        if before is None and after is None:
            continue
        if key in hidden:
            changes[key] = ["…", "…"]  # the fact of a change, never the secret
        else:
            changes[key] = [plain(before), plain(after)]
    return changes


def audit_rows(session: Session) -> list[dict[str, Any]]:
    """Describe the inserts, updates and deletes of audited records in this flush."""
    rows = []
    actor_id = session.info.get("actor_id")
    address = session.info.get("address")
    now = utcnow()
    for action, objects in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, AUDITED):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = field_changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append({"at": now, "user_id": actor_id, "action": action, "entity": type(obj).__name__,
                         "entity_id": inspect(obj).identity[0] if inspect(obj).identity else None,
                         "changes": changes, "address": address})
    return rows


def write_audit_rows(session: Session, flush_context: Any) -> None:
    """After each flush, add the audit events in the same transaction."""
    if session.info.get("audit_off"):
        return
    rows = audit_rows(session)
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


def register_audit() -> None:
    """Listen to every session: audited records are changed through no other path."""
    if not event.contains(Session, "after_flush", write_audit_rows):
        event.listen(Session, "after_flush", write_audit_rows)


def set_actor(user_id: int | None, address: str | None = None) -> None:
    """Name who the changes of this session are made by."""
    db.session.info["actor_id"] = user_id
    db.session.info["address"] = address


def record(action: str, *, user_id: int | None = None, entity: str | None = None,
           entity_id: int | None = None, detail: str | None = None, address: str | None = None) -> AuditEvent:
    """Add an audit event that is not a record change (a sign-in, an export)."""
    event_ = AuditEvent(action=action, user_id=user_id, entity=entity, entity_id=entity_id, detail=detail,
                        address=address, at=utcnow())
    db.session.add(event_)
    return event_
