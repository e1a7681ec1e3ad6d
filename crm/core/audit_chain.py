"""The hash chain of the audit trail: each event holds the SHA-256 of the one before it and of its own content.

One chain for the whole database, in the order of the events' ids. Writers take turns: a transaction that writes
events first takes the chain's lock (PostgreSQL: a transaction-level advisory lock; SQLite: the database's write
lock, which every writer takes anyway), reads the newest event's hash, and chains its own events after it, so two
writers can never both follow the same event. The lock is held to the transaction's end, as the write lock is.

An event edited in place no longer hashes to what it holds; an event deleted leaves the next one pointing at a
hash that is no longer there; an event slipped in leaves the one after it pointing past it. Pruning old events
(`prune.py`) leaves a record naming the hash the oldest remaining event points at.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Connection, Engine

from ..models import AuditEvent

GENESIS = "0" * 64  # what the first event of the chain points at
CHAIN_LOCK = 0x6D61676E  # the advisory lock's key on PostgreSQL ("magn")
CONTENT = ("at", "user_id", "district_id", "action", "result", "entity", "entity_id", "changes", "address",
           "detail")
_HEAD = "audit_chain_head"  # connection.info: (the transaction, the newest hash it wrote)


def canonical_time(value: datetime | str | None) -> str | None:
    """A timestamp as UTC ISO text, whichever form it came in (an aware datetime, or SQLite's stored text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")


def content_of(fields: dict[str, Any]) -> str:
    """An event's content as canonical JSON: its fields by name, keys sorted, no spaces, UTF-8 as is."""
    plain = {name: fields.get(name) for name in CONTENT}
    plain["at"] = canonical_time(plain["at"])
    if plain["result"] is not None:
        plain["result"] = str(plain["result"])
    return json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 (hex) of the previous event's hash followed by this event's canonical content."""
    return hashlib.sha256((prev_hash + content_of(fields)).encode()).hexdigest()


def take_the_chain(connection: Connection) -> str:
    """Take the chain's lock for the rest of the transaction, and return the hash the next event follows."""
    transaction = connection.get_transaction()
    held = connection.info.get(_HEAD)
    if held is not None and held[0] is transaction:
        return held[1]
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({CHAIN_LOCK})")
    # SQLite: a transaction that writes holds the write lock from its BEGIN (crm/database.py: BEGIN IMMEDIATE, and
    # `written_apart` for a request that reads), so the newest hash read next stays the newest until it ends.
    head = connection.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
                              .execution_options(all_districts=True)).scalar()
    return head or GENESIS


def chain(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Give each new event (dicts of its fields, in the order they will be inserted) its place in the chain."""
    head = take_the_chain(connection)
    for row in rows:
        row["prev_hash"] = head
        row["hash"] = head = event_hash(head, row)
    connection.info[_HEAD] = (connection.get_transaction(), head)


@event.listens_for(Engine, "rollback_savepoint")
def _forget_the_head(connection: Connection, name: str, context: Any) -> None:
    """Events written inside a savepoint rolled back are gone: the next event follows what the database holds."""
    connection.info.pop(_HEAD, None)
