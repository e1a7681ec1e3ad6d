"""The audit trail's events as a file: the page's filters, every matching event, newest first."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from ..exports.catalogue import write_export
from ..exports.sheet import LONG, TEXT, Column, Export, Table
from ..extensions import db
from ..web.i18n import gettext as _
from .filters import ACTIONS
from .queries import TrailCriteria, trail_query

BATCH = 1000


def changes_text(changes: dict[str, Any] | None) -> str:
    """A change's fields as `field: before → after`, one per line."""
    return "\n".join(f"{field}: {before} → {after}" for field, (before, after) in (changes or {}).items())


def trail_rows(criteria: TrailCriteria) -> Iterator[list[Any]]:
    """The events' cells, read in batches."""
    rows = db.session.execute(trail_query(criteria).execution_options(yield_per=BATCH))
    for event, name in rows:
        yield [local_text(event.at), name or "", str(ACTIONS.get(
            event.action, event.action)), str(event.result.label), event.entity or "", event.entity_id,
            event.address or "", event.detail or changes_text(event.changes), event.id]


def local_text(at: datetime) -> str:
    """A timestamp in the district's local time, to the second."""
    return at.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).strftime("%Y-%m-%d %H:%M:%S")


def trail_export(criteria: TrailCriteria) -> Export:
    """The trail as a one-table export, ready for the writers the lists use."""
    columns = [Column(_("时间")), Column(_("操作人")), Column(_("操作")), Column(_("结果")), Column(_("记录类型")),
               Column(_("记录编号"), TEXT), Column(_("来源地址")), Column(_("详情"), LONG, 60),
               Column(_("日志编号"), TEXT)]
    table = Table(sheet=_("审计日志"), title=_("审计日志"), columns=columns,
                  rows=lambda: ([str(c) if c is not None else None for c in row] for row in trail_rows(criteria)))
    return Export(name="audit", filename=_("审计日志"), tables=[table], rows=0, filters=criteria.as_dict())


def written_trail(export: Export, ext: str) -> tuple[bytes, int]:
    """The file's content, and the events it holds (counted as they were written)."""
    handle, path = tempfile.mkstemp(suffix=f".{ext}")
    os.close(handle)
    try:
        rows = write_export(export, ext, path)
        with open(path, "rb") as file:
            return file.read(), rows
    finally:
        os.unlink(path)


def export_detail(export: Export, ext: str, rows: int) -> str:
    return json.dumps({"export": "audit", "format": ext, "filters": export.filters, "rows": rows, "via": "web"},
                      ensure_ascii=False, sort_keys=True)
