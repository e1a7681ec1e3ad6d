"""Imports run from the web pages: one uploaded file, its confirmed columns, its preview, then its import."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..web.i18n import lazy_gettext as _l
from .types import Choice, UTCDateTime, choice_type, now_utc


class ImportJobStatus(Choice):
    UPLOADED = "uploaded", _l("待确认列")
    QUEUED = "queued", _l("排队中")
    PREVIEWING = "previewing", _l("正在检查")
    PREVIEWED = "previewed", _l("待导入")
    IMPORTING = "importing", _l("正在导入")
    DONE = "done", _l("已导入")
    FAILED = "failed", _l("失败")


RUNNING = frozenset({ImportJobStatus.QUEUED, ImportJobStatus.PREVIEWING, ImportJobStatus.IMPORTING})


class ImportJob(db.Model):
    """One spreadsheet on its way in: checked in the background, then written all rows or none."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # enterprises, leads, projects, visits
    file_name: Mapped[str] = mapped_column(String(200))  # as uploaded: shown, never used as a path
    stored_name: Mapped[str | None] = mapped_column(String(64))  # under <uploads>/imports; None once deleted
    size_bytes: Mapped[int] = mapped_column(default=0)
    layout: Mapped[dict[str, Any]] = mapped_column(JSON)  # header row, columns and their fields, sample cells
    options: Mapped[dict[str, Any]] = mapped_column(JSON)  # sheet, rates, duplicates, confirm_new, team_choices
    status: Mapped[ImportJobStatus] = mapped_column(choice_type(ImportJobStatus, "import_job_status"),
                                                    default=ImportJobStatus.UPLOADED)
    stage: Mapped[str | None] = mapped_column(String(20))  # while importing: "checking", then "writing"
    done: Mapped[int] = mapped_column(default=0)  # rows done of `total` in the current step
    total: Mapped[int] = mapped_column(default=0)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last sign of life of the process running it
    runner: Mapped[str | None] = mapped_column(String(100))  # host:pid of that process, for the log and the operator
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # counts and new names; the import's result
    rows: Mapped[list[Any] | None] = mapped_column(JSON, deferred=True)  # rows shown: the first of each fate
    error: Mapped[str | None] = mapped_column(Text)  # why the job failed, for the user
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def running(self) -> bool:
        return self.status in RUNNING
