"""Enterprises from a list of companies: checks, duplicates (credit code, or normalised name), writing, contacts.

A row's 联系人 (with 职务, 电话, 微信) becomes a contact of the enterprise; on an update, only when the
enterprise has no contact of that name yet.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Contact, Enterprise
from .lookups import Lookups, chunks, name_key
from .outcomes import RowOutcome
from .rules import CommitContext, Existing, Rules, insert_rows

FILLED = ("industry", "province", "city", "ownership", "fortune500", "listed")


def contact_of(values: dict[str, Any]) -> dict[str, Any] | None:
    if "contact_name" not in values:
        return None
    return {"name": values["contact_name"], "title": values.get("contact_title"),
            "phone": values.get("contact_phone"), "wechat": values.get("contact_wechat")}


class EnterpriseRules(Rules):
    kind = "enterprises"
    label_field = "name"

    def prefetch(self, lookups: Lookups, rows: Sequence[RowOutcome]) -> None:
        lookups.prefetch(enterprises=[(row.values["name"], row.values.get("credit_code")) for row in rows
                                      if "name" in row.values])

    def refer(self, lookups: Lookups, row: RowOutcome) -> None:
        values = row.values
        province, city = values.get("origin") or (None, None)
        if province:
            values.setdefault("province", province)
        if city:
            values.setdefault("city", city)
        known = lookups.known_enterprise(values["name"], values.get("credit_code")) if "name" in values else None
        values["known"] = known
        lookups.industry(values.get("industry"))

    def keys(self, values: dict[str, Any]) -> list[Hashable]:
        if "name" not in values:
            return []
        known = values.get("known")
        if known is not None:
            return [("id", known.id)]
        return [("code", values["credit_code"])] if values.get("credit_code") else [("name", name_key(values["name"]))]

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, Existing]:
        ids = sorted({key[1] for key in keys if key[0] == "id"})  # type: ignore[index]
        return {("id", row.id): Existing(row.id, row.name) for batch in chunks(ids) for row in db.session.execute(
            select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(batch)))}

    def insert(self, rows: Sequence[RowOutcome], ctx: CommitContext) -> None:
        records = [{"name": row.values["name"], "name_key": name_key(row.values["name"]),
                    "credit_code": row.values.get("credit_code"), "industry": row.values.get("industry"),
                    "province": row.values.get("province"), "city": row.values.get("city"),
                    "ownership": row.values.get("ownership"), "fortune500": bool(row.values.get("fortune500")),
                    "listed": bool(row.values.get("listed")), "merged_into_id": None, "created_at": ctx.now,
                    "created_by_id": ctx.actor.id, "district_id": ctx.actor.district_id} for row in rows]
        ids = insert_rows(Enterprise.__table__, records, ctx, returning=True)
        contacts = [contact | {"enterprise_id": enterprise_id, "created_at": ctx.now}
                    for row, enterprise_id in zip(rows, ids, strict=True) if (contact := contact_of(row.values))]
        insert_rows(Contact.__table__, contacts, ctx, report=False)

    def apply(self, rows: Sequence[RowOutcome], ctx: CommitContext) -> None:
        enterprises = {e.id: e for batch in chunks([row.duplicate_of for row in rows])
                       for e in db.session.scalars(select(Enterprise).where(Enterprise.id.in_(batch)))}
        names = {(c.enterprise_id, c.name) for batch in chunks(list(enterprises)) for c in db.session.scalars(
            select(Contact).where(Contact.enterprise_id.in_(batch)))}
        for row in rows:
            enterprise, values = enterprises[row.duplicate_of], row.values
            if values.get("credit_code") and enterprise.credit_code is None:
                enterprise.credit_code = values["credit_code"]
            for key in FILLED:
                if key in values and getattr(enterprise, key) != values[key]:
                    setattr(enterprise, key, values[key])
            contact = contact_of(values)
            if contact is not None and (enterprise.id, contact["name"]) not in names:
                db.session.add(Contact(enterprise_id=enterprise.id, **contact))
            ctx.advance(1)
