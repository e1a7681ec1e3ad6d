"""The column mapping of a file: proposed from its headers or remembered from the last file of its shape.

`propose_layout(table, kind)` finds the header row and maps its columns, preferring the mapping a user
confirmed for a file with the same header texts (`Layout.remembered` says so). The page or command lets the
user change it (`headers.change_mapping`), and `remember_mapping(layout, actor)` keeps the confirmed mapping
for the next file of that shape in the same district: each district remembers its own (the wall's criteria
keep another district's out of the lookups).
"""

from __future__ import annotations

from sqlalchemy import select

from ..access.tenancy import scoped_district
from ..extensions import db
from ..models import ImportMapping, User, now_utc
from .headers import Layout, candidate_signatures, detect_layout
from .reading import Table


def propose_layout(table: Table, kind: str) -> Layout:
    """The layout of a table for a kind: remembered for its shape, else detected from the headers."""
    signatures = candidate_signatures(table, kind) if kind else []
    remembered = {m.signature: m.columns for m in db.session.scalars(
        select(ImportMapping).where(ImportMapping.kind == kind, ImportMapping.signature.in_(signatures)))
    } if signatures else {}
    return detect_layout(table, kind, remembered)


def remember_mapping(layout: Layout, actor: User | None) -> ImportMapping:
    """Keep a confirmed mapping for the district's next file of the same shape (replacing the one kept before)."""
    district_id = actor.district_id if actor is not None else scoped_district()
    mapping = db.session.scalar(select(ImportMapping).where(ImportMapping.district_id == district_id,
                                                            ImportMapping.kind == layout.kind,
                                                            ImportMapping.signature == layout.signature))
    columns = [column.as_dict() for column in layout.columns]
    if mapping is None:
        mapping = ImportMapping(district_id=district_id, kind=layout.kind, signature=layout.signature,
                                columns=columns)
        db.session.add(mapping)
    else:
        mapping.columns = columns
        mapping.updated_at = now_utc()
    mapping.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    return mapping
