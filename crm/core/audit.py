"""The audit trail, written from one session hook for every core record, each event chained as it is inserted."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session

from ..access.tenancy import current
from ..extensions import db
from ..models import AUDITED, AuditEvent, District, Enterprise, Project, Team, User, now_utc
from ..models.enums import AuditResult
from .audit_chain import CONTENT, chain

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


def old_values(session: Session, obj: Any, keys: list[str]) -> dict[str, Any]:
    """Read from the database the stored values of attributes that were set without being loaded."""
    mapper = inspect(obj).mapper
    columns = [mapper.columns[key] for key in keys]
    with session.no_autoflush:
        row = session.execute(select(*columns).where(mapper.primary_key[0] == obj.id)).one_or_none()
    return dict(zip(keys, row, strict=True)) if row is not None else {}


def field_changes(session: Session, obj: Any, action: str) -> dict[str, list[Any]]:
    """Return {field: [from, to]} for the columns of obj this flush changes."""
    state = inspect(obj)
    hidden = getattr(obj, "audit_exclude", frozenset())
    pairs: dict[str, tuple[Any, Any]] = {}
    unloaded: list[str] = []
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in IGNORED_FIELDS or key == "id":
            continue
        if action == "insert":
            pairs[key] = (None, state.attrs[key].value)
        elif action == "delete":
            pairs[key] = (state.attrs[key].value, None)
        else:
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            after = history.added[0] if history.added else None
            if history.deleted:
                pairs[key] = (history.deleted[0], after)
            else:
                unloaded.append(key)  # set on an expired attribute: the old value was never loaded
                pairs[key] = (None, after)
    if unloaded:
        for key, before in old_values(session, obj, unloaded).items():
            pairs[key] = (before, pairs[key][1])
    changes = {}
    for key, (before, after) in pairs.items():
        if before == after or (before is None and after is None):
            continue
        changes[key] = ["…", "…"] if key in hidden else [plain(before), plain(after)]
    return changes


def collect_changes(session: Session, flush_context: Any, instances: Any) -> None:
    """Before each flush, note what it will change in audited records, while old values are at hand."""
    if session.info.get("audit_off"):
        return
    pending = session.info.setdefault("audit_pending", [])
    for action, objects in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not isinstance(obj, AUDITED):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = field_changes(session, obj, action)
            if changes or action != "update":
                pending.append((obj, action, changes))


REFUSED_ACTIONS = frozenset({"forbidden", "login_throttled"})


def result_of(action: str) -> AuditResult:
    """The result an action's name says: refused (a right missing, a throttle), failed (…_failed), else success."""
    if action in REFUSED_ACTIONS or action.endswith("_refused"):
        return AuditResult.REFUSED
    if action.endswith("_failed"):
        return AuditResult.FAILED
    return AuditResult.SUCCESS


# What a record's district is read through, for records that do not hold it themselves.
OWNERS = (("team_id", Team), ("enterprise_id", Enterprise), ("project_id", Project))


def district_by(connection: Connection, column: str, key: int | None, cache: dict[Any, int | None]) -> int | None:
    """The district of a team, an enterprise, a project or a user (by id), read across the wall, remembered."""
    if key is None:
        return None
    if (column, key) not in cache:
        model = {"user_id": User, **dict(OWNERS)}[column]
        held = Team.district_id if model is Project else model.district_id
        query = select(held).where(model.id == key)
        if model is Project:
            query = query.select_from(Project).join(Team, Team.id == Project.team_id)
        cache[(column, key)] = connection.execute(query.execution_options(all_districts=True)).scalar()
    return cache[(column, key)]


def district_of(connection: Connection, obj: Any, actor_id: int | None, cache: dict[Any, int | None]) -> int | None:
    """The district a changed record belongs to: its own, the work's, its owner's, or its author's."""
    if isinstance(obj, District):
        return obj.id
    if hasattr(type(obj), "district_id"):
        return obj.district_id
    reach = current()
    if reach is not None and reach.district_id is not None:
        return reach.district_id
    for column, _model in OWNERS:
        key = getattr(obj, column, None)
        if key is not None:
            return district_by(connection, column, key, cache)
    return district_by(connection, "user_id", actor_id, cache)


def write_audit_rows(session: Session, flush_context: Any) -> None:
    """After each flush, when new records have their ids, add the events in the same transaction, chained."""
    pending = session.info.pop("audit_pending", None)
    if not pending:
        return
    now = now_utc()
    connection = session.connection()
    actor_id = session.info.get("actor_id")
    cache: dict[Any, int | None] = {}
    rows = [{"at": now, "user_id": actor_id, "district_id": district_of(connection, obj, actor_id, cache),
             "action": action, "result": AuditResult.SUCCESS, "entity": type(obj).__name__, "entity_id": obj.id,
             "changes": changes, "address": session.info.get("address"), "detail": None}
            for obj, action, changes in pending]
    chain(connection, rows)
    connection.execute(insert(AuditEvent), rows)


def chain_on_insert(mapper: Any, connection: Connection, target: AuditEvent) -> None:
    """Before an event added as an object (`record`) is inserted: give it its place in the chain."""
    fields = {column: getattr(target, column) for column in CONTENT}
    chain(connection, [fields])
    target.prev_hash, target.hash = fields["prev_hash"], fields["hash"]


def forget_pending(session: Session, *args: Any) -> None:
    """A flush that failed or was rolled back records nothing."""
    session.info.pop("audit_pending", None)


class AuditTrailIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit event through the ORM."""


def refuse_change(mapper: Any, connection: Any, target: AuditEvent) -> None:
    """Before a flush would update or delete an audit event: refuse, so the flush and its transaction fail."""
    raise AuditTrailIsAppendOnly(f"audit event {target.id} cannot be changed or removed")


def refuse_bulk_change(state: ORMExecuteState) -> None:
    """Refuse UPDATE and DELETE statements on the audit table sent through a session."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if state.bind_mapper is AuditEvent.__mapper__ or table is AuditEvent.__table__:
        raise AuditTrailIsAppendOnly("the audit trail cannot be changed or removed")


def register_audit() -> None:
    """Listen to every session: audited records are changed through no other path, audit events through none."""
    if event.contains(Session, "before_flush", collect_changes):
        return
    event.listen(Session, "before_flush", collect_changes)
    event.listen(Session, "after_flush", write_audit_rows)
    event.listen(Session, "after_soft_rollback", forget_pending)
    event.listen(AuditEvent, "before_insert", chain_on_insert)
    event.listen(AuditEvent, "before_update", refuse_change)
    event.listen(AuditEvent, "before_delete", refuse_change)
    event.listen(Session, "do_orm_execute", refuse_bulk_change)


def set_actor(user_id: int | None, address: str | None = None) -> None:
    """Name who the changes of this session are made by."""
    db.session.info["actor_id"] = user_id
    db.session.info["address"] = address


def users_district(user_id: int | None) -> int | None:
    """The district of the user an event is about (a sign-in of a district's user is that district's)."""
    if user_id is None:
        return None
    with db.session.no_autoflush:
        user = db.session.get(User, user_id, execution_options={"all_districts": True})
    return user.district_id if user is not None else None


def record(action: str, *, user_id: int | None = None, entity: str | None = None, entity_id: int | None = None,
           detail: str | None = None, address: str | None = None, result: AuditResult | None = None,
           district_id: int | None = None) -> AuditEvent:
    """Add an audit event that is not a record change (a sign-in, a refusal, an export).

    Its result is the one given, else what the action's name says; its district the one given, else the user's.
    """
    event_ = AuditEvent(action=action, user_id=user_id, entity=entity, entity_id=entity_id, detail=detail,
                        address=address, at=now_utc(), result=result or result_of(action),
                        district_id=district_id if district_id is not None else users_district(user_id))
    db.session.add(event_)
    return event_
