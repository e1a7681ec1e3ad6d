"""Visits (拜访) from a team's log: checks, duplicates (same UUID, or same team, enterprise and day), writing.

A visit without a 记录编号 gets a new UUID; a blank 拜访方式 is read as 走访. Participants are not imported.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Iterable, Sequence
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import select

from ..domain.refused import Refused
from ..extensions import db
from ..models import Visit, VisitKind
from ..visits.services import check_follow_up, check_text, check_visited_on
from ..web.i18n import gettext as _
from .lookups import chunks
from .outcomes import RowOutcome
from .rules import CommitContext, Existing, Rules, insert_rows

UPDATED = ("visited_on", "kind", "summary", "next_step", "follow_up_on")


def in_import_words(refused: Refused, day: date) -> str:
    """A visit rule's refusal as an import row says it: a visit day out of range is named."""
    if refused.field == "visited_on":
        return _("拜访日期不在合理范围内：%(day)s", day=day.isoformat())
    return str(refused)


class VisitRules(Rules):
    kind = "visits"
    label_field = "enterprise"
    enterprise_field = "enterprise"

    def check(self, row: RowOutcome) -> None:
        """The visit rules' checks (crm/visits/services.py), each refusal on the row, in the import's words."""
        values = row.values
        values.setdefault("kind", VisitKind.CALL_ON)
        day = values.get("visited_on")
        checks = [partial(check_text, name, values.get(name)) for name in ("summary", "next_step")]
        if day is not None:
            checks[:0] = [partial(check_visited_on, day), partial(check_follow_up, day, values.get("follow_up_on"))]
        for check in checks:
            try:
                check()
            except Refused as refused:
                row.error(in_import_words(refused, day))

    def keys(self, values: dict[str, Any]) -> list[Hashable]:
        keys: list[Hashable] = []
        if "uuid" in values:
            keys.append(("uuid", values["uuid"]))
        if {"team_ref", "enterprise_ref", "visited_on"} <= values.keys():
            keys.append(("visit", values["team_ref"], values["enterprise_ref"], values["visited_on"]))
        return keys

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, Existing]:
        keys = list(keys)
        uuids = sorted({key[1] for key in keys if key[0] == "uuid"})  # type: ignore[index]
        visits = [key for key in keys if key[0] == "visit" and isinstance(key[1], int) and isinstance(key[2], int)]
        found: dict[Hashable, Existing] = {}
        columns = (Visit.id, Visit.uuid, Visit.team_id, Visit.enterprise_id, Visit.visited_on)
        rows = [row for batch in chunks(uuids) for row in db.session.execute(
            select(*columns).where(Visit.uuid.in_(batch)))]
        if visits:
            days = [key[3] for key in visits]  # type: ignore[index]
            enterprises = sorted({key[2] for key in visits})  # type: ignore[index]
            rows += [row for batch in chunks(enterprises) for row in db.session.execute(
                select(*columns).where(Visit.enterprise_id.in_(batch), Visit.visited_on.between(min(days), max(days))))]
        for row in rows:
            existing = Existing(row.id, f"{row.visited_on.isoformat()} #{row.id}")
            found[("uuid", row.uuid)] = existing
            found.setdefault(("visit", row.team_id, row.enterprise_id, row.visited_on), existing)
        return found

    def insert(self, rows: Sequence[RowOutcome], ctx: CommitContext) -> None:
        records = [{
            "uuid": row.values.get("uuid") or str(uuid.uuid4()), "team_id": ctx.team(row.values["team_ref"]),
            "trip_id": None, "enterprise_id": ctx.enterprise(row.values["enterprise_ref"]), "lead_id": None,
            "visited_on": row.values["visited_on"], "kind": row.values["kind"], "summary": row.values.get("summary"),
            "next_step": row.values.get("next_step"), "follow_up_on": row.values.get("follow_up_on"),
            "created_by_id": ctx.actor.id, "created_at": ctx.now, "updated_at": ctx.now} for row in rows]
        insert_rows(Visit.__table__, records, ctx)

    def apply(self, rows: Sequence[RowOutcome], ctx: CommitContext) -> None:
        visits = {visit.id: visit for batch in chunks([row.duplicate_of for row in rows])
                  for visit in db.session.scalars(select(Visit).where(Visit.id.in_(batch)))}
        for row in rows:
            visit = visits[row.duplicate_of]
            for key in UPDATED:
                if key in row.values and getattr(visit, key) != row.values[key]:
                    setattr(visit, key, row.values[key])
            ctx.advance(1)
