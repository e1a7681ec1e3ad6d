"""Column mappings confirmed for spreadsheet imports, remembered per shape of file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, now_utc


class ImportMapping(db.Model):
    """The columns a district's user confirmed for one kind of import and one header row, found again by its signature.

    Each district remembers its own: one district's confirmed mapping never pre-fills another's upload.
    """

    __table_args__ = (UniqueConstraint("district_id", "kind", "signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))
    kind: Mapped[str] = mapped_column(String(20))  # enterprises, leads, projects, visits
    signature: Mapped[str] = mapped_column(String(64))  # sha256 of the kind and the header texts, in order
    columns: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{index, header, field, unit, currency}]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
