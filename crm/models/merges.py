"""The record of each merge of one enterprise into another, precise enough to undo it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enterprises import Enterprise
from .people import User
from .types import UTCDateTime, now_utc


class EnterpriseMerge(db.Model):
    """One merge: which rows moved from the merged enterprise to the kept one, and which fields it changed.

    `moved` maps a kind of record (visits, leads, projects, contacts, overlaps, and enterprises merged earlier into
    the merged one) to the ids that moved; `kept_fields` and `merged_fields` map each field the merge changed to
    [its value before, its value after], as JSON holds them. Undoing puts back exactly these, or is refused.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    moved: Mapped[dict[str, list[int]]] = mapped_column(JSON)
    kept_fields: Mapped[dict[str, list[Any]]] = mapped_column(JSON)
    merged_fields: Mapped[dict[str, list[Any]]] = mapped_column(JSON)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    kept: Mapped[Enterprise] = relationship(foreign_keys=[kept_id])
    merged: Mapped[Enterprise] = relationship(foreign_keys=[merged_id])
    merged_by: Mapped[User | None] = relationship(foreign_keys=[merged_by_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])
