"""Walk the audit trail's chain from its oldest event and say whether any event was edited, deleted or inserted."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..core.audit_chain import GENESIS, event_hash
from ..extensions import db
from ..models import AuditEvent

PRUNED = "audit_pruned"  # the record `flask audit prune` leaves: the hash the oldest remaining event points at
BATCH = 2000


@dataclass(frozen=True)
class Verdict:
    """What walking the chain found: how many events, the newest hash, or the first broken event and why."""

    events: int
    head: str
    broken_id: int | None = None
    problem: str | None = None  # edited, deleted, inserted
    why: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_id is None

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "events": self.events, "head": self.head, "broken_event": self.broken_id,
                "problem": self.problem, "why": self.why}


def anchors() -> set[str]:
    """The hashes the oldest remaining event may point at: the chain's start, or what a pruning left."""
    details = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == PRUNED))
    found = {GENESIS}
    for detail in details:
        try:
            found.add(json.loads(detail or "{}")["anchor"])
        except (ValueError, KeyError, TypeError):
            continue  # a prune record without its anchor vouches for nothing
    return found


def verify_chain() -> Verdict:
    """Recompute every event's hash in id order; the first event that does not fit is reported, with why."""
    table = AuditEvent.__table__
    starts = anchors()
    result = db.session.execute(select(*table.c).order_by(table.c.id).execution_options(yield_per=BATCH))
    try:
        return walk(result.mappings(), starts)
    finally:
        result.close()  # a walk that stops at a broken event leaves the rest unread


def walk(rows: Iterable[Mapping[str, Any]], starts: set[str]) -> Verdict:
    """The verdict on the events, read oldest first."""
    before: tuple[int, str] | None = None  # the previous event (id, hash)
    two_back: str | None = None
    count = 0
    for row in rows:
        count += 1
        if event_hash(row["prev_hash"], dict(row)) != row["hash"]:
            return Verdict(count, row["hash"], row["id"], "edited",
                           f"event {row['id']} no longer holds what was hashed when it was written")
        if before is None:
            if row["prev_hash"] not in starts:
                return Verdict(count, row["hash"], row["id"], "deleted",
                               f"the events before event {row['id']} were deleted without a prune record")
        elif row["prev_hash"] != before[1]:
            if row["prev_hash"] == two_back:
                return Verdict(count, row["hash"], before[0], "inserted",
                               f"event {before[0]} is not in the chain: event {row['id']} follows the event before it")
            return Verdict(count, row["hash"], row["id"], "deleted",
                           f"event {row['id']} does not follow event {before[0]}: the events between them were "
                           f"deleted, or event {before[0]} was rewritten with a new hash")
        two_back = before[1] if before else None
        before = (row["id"], row["hash"])
    return Verdict(count, before[1] if before else GENESIS)
