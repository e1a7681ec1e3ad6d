"""The rows of a preview as its page shows them: errors and duplicates first, 200 at a time."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..web.pagination import requested_page
from .parsed import describe

ROWS_PER_PAGE = 200


@dataclass(frozen=True)
class PreviewRow:
    """One row's fate and what it was read as, as kept with its job."""

    row: int
    fate: str
    label: str
    amount_yuan: int | None
    reasons: list[str]
    warnings: list[str]
    duplicate_of: int | None
    duplicate_label: str | None
    read: dict[str, Any] = field(default_factory=dict)  # crm/imports/parsed.py
    read_lines: list[str] = field(default_factory=list)  # the same, as the page says it

    @classmethod
    def from_record(cls, record: list[Any], kind: str) -> PreviewRow:
        fate, read = record[:8], (record[8] if len(record) > 8 else {})  # a job previewed before kept 8 items
        return cls(*fate, read=read, read_lines=describe(kind, read))


@dataclass(frozen=True)
class RowsPage:
    """One page of rows held in memory, with what the pagination macro reads."""

    items: list[PreviewRow]
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def rows_page(records: list[list[Any]], kind: str, per_page: int = ROWS_PER_PAGE) -> RowsPage:
    """The page of a job's rows `?page=` asks for (the last one when it asks past the end)."""
    pages = max(math.ceil(len(records) / per_page), 1)
    page = min(requested_page(), pages)
    start = (page - 1) * per_page
    return RowsPage([PreviewRow.from_record(record, kind) for record in records[start:start + per_page]], page, pages,
                    len(records))
