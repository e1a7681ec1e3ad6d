"""Import jobs of the web pages: the uploaded file kept under a random name, its layout, its options, its state.

A job is created when a file is uploaded and read (`create_job`); its layout is kept as JSON and rebuilt exactly
(`layout_from_record`), so that the preview and the import read the columns the user confirmed. The file lives in
<UPLOAD_FOLDER>/imports under a random name: deleted when the import ends, and by `sweep_files` after a day.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from ..domain.money import Unit
from ..extensions import db
from ..models import ImportJob, ImportJobStatus, Team, User, now_utc
from ..models.import_jobs import RUNNING
from ..web.i18n import gettext as _
from ..web.i18n import join_names
from .fields import Type, field_named
from .headers import Column, Layout, change_mapping
from .liveness import file_beat, stale_after
from .mapping import propose_layout, remember_mapping
from .opening import read_upload
from .outcomes import ImportOptions
from .preview import skip_reason
from .reading import MAX_BYTES, ImportRefused, Table
from .values import text_value

KEEP_FILES = timedelta(days=1)
SAMPLES = 3  # cells shown under each header on the mapping page
UNSAFE_IN_NAMES = re.compile(r"[\x00-\x1f\x7f/\\]")
MAPPABLE = frozenset({ImportJobStatus.UPLOADED, ImportJobStatus.PREVIEWED, ImportJobStatus.FAILED})


def import_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "imports"


def shown_name(name: str | None) -> str:
    """The last part of an uploaded file's name, for showing and for the audit trail only."""
    base = UNSAFE_IN_NAMES.sub("", os.path.basename((name or "").replace("\\", "/"))).strip(" .")
    return base[:200] or _("未命名文件")


def store_file(data: bytes) -> str:
    """Keep an upload under a random name; return the name."""
    folder = import_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16) + ".upload"
    temporary = folder / f".{stored_name}.part"
    temporary.write_bytes(data)
    os.replace(temporary, folder / stored_name)  # a reader never sees half a file
    return stored_name


def read_stored(stored_name: str | None) -> bytes:
    """The bytes of a kept upload, or a refusal when it has been deleted."""
    read_stored_exists(stored_name)
    try:
        return (import_folder() / str(stored_name)).read_bytes()
    except FileNotFoundError:  # swept away meanwhile
        read_stored_exists(None)
        raise


def delete_file(stored_name: str | None) -> None:
    if stored_name:
        (import_folder() / stored_name).unlink(missing_ok=True)


def sweep_files(older_than: timedelta = KEEP_FILES) -> int:
    """Delete the uploads kept longer than a day; return how many."""
    folder = import_folder()
    if not folder.is_dir():
        return 0
    limit = time.time() - older_than.total_seconds()
    removed = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # removed meanwhile by another process
    return removed


def sample_cells(table: Table, layout: Layout) -> dict[str, list[str]]:
    """A few non-empty cells under each header, as text, for the mapping page."""
    samples: dict[str, list[str]] = {str(column.index): [] for column in layout.columns}
    for cells in table.rows[layout.header_row: layout.header_row + 30]:
        if skip_reason(cells) is not None:  # titles of sections, subtotals, notes: not what a column holds
            continue
        for column in layout.columns:
            shown = samples[str(column.index)]
            if len(shown) < SAMPLES and column.index < len(cells) and (text := text_value(cells[column.index])):
                shown.append(text[:40])
    return samples


def layout_record(layout: Layout, samples: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """A layout as JSON, with what `layout_from_record` needs to rebuild it exactly."""
    return layout.as_dict() | {"stated_unit": layout.stated_unit.value if layout.stated_unit else None,
                               "stated_currency": layout.stated_currency, "samples": samples or {}}


def layout_from_record(record: dict[str, Any]) -> Layout:
    columns = tuple(Column(int(c["index"]), str(c["header"]), c.get("field"),
                           Unit(c["unit"]) if c.get("unit") else None, c.get("currency") or "CNY")
                    for c in record["columns"])
    unit = record.get("stated_unit")
    return Layout(record["kind"], int(record["header_row"]), columns, record["signature"],
                  bool(record.get("remembered")), Unit(unit) if unit else None, record.get("stated_currency") or "CNY")


def import_options(options: dict[str, Any]) -> ImportOptions:
    """The engine's options from a job's JSON options."""
    return ImportOptions(duplicates=options.get("duplicates", "skip"), confirm_new=bool(options.get("confirm_new")),
                         rates={code: Decimal(rate) for code, rate in (options.get("rates") or {}).items()},
                         team_choices={name: int(team_id) for name, team_id in
                                       (options.get("team_choices") or {}).items()})


def create_job(*, kind: str, file_name: str, data: bytes, table: Table, layout: Layout, sheet: str | None,
               rates: dict[str, Decimal], actor: User) -> ImportJob:
    """Keep the upload and record the job, waiting for its columns to be confirmed; flush."""
    job = ImportJob(kind=kind, file_name=file_name, stored_name=store_file(data), size_bytes=len(data),
                    layout=layout_record(layout, sample_cells(table, layout)),
                    options={"sheet": sheet or table.sheet or None,
                             "rates": {code: str(rate) for code, rate in rates.items()}},
                    status=ImportJobStatus.UPLOADED, created_by_id=actor.id)
    db.session.add(job)
    db.session.flush()
    return job


def receive_upload(stream: Any, filename: str | None, *, kind: str, sheet: str | None, rates: dict[str, Decimal],
                   actor: User) -> ImportJob:
    """Read an uploaded file (refusing what the engine refuses), find its columns, and keep it as a new job."""
    data = stream.read(MAX_BYTES + 1)  # one byte past the limit is enough to refuse it
    name = shown_name(filename)
    table = read_upload(data, name, sheet=sheet)
    layout = propose_layout(table, kind)
    sweep_files()
    return create_job(kind=kind, file_name=name, data=data, table=table, layout=layout, sheet=sheet, rates=rates,
                      actor=actor)


def apply_choices(layout: Layout, chosen: dict[int, tuple[str | None, str | None]]) -> Layout:
    """The layout with each column's field and unit as chosen on the mapping page."""
    duplicated = [name for name, n in Counter(
        name for name, _unit in chosen.values() if name and field_named(layout.kind, name).type is not Type.IGNORE
    ).items() if n > 1]
    if duplicated:
        labels = join_names(str(field_named(layout.kind, name).label) for name in duplicated)
        raise ImportRefused(_("每个字段只能对应一列：%(fields)s对应了多列", fields=labels), "mapping")
    changes: dict[int | str, str | None] = {}
    for column in layout.columns:
        name, unit = chosen.get(column.index, (column.field, None))
        if name == column.field and not unit:
            continue
        changes[column.index] = f"{name}:{unit}" if name and unit else name
    layout = change_mapping(layout, changes) if changes else layout
    if missing := layout.missing():
        raise ImportRefused(_("缺少必需的列：%(fields)s", fields=join_names(str(f.label) for f in missing)), "mapping")
    return layout


def confirm_mapping(job: ImportJob, chosen: dict[int, tuple[str | None, str | None]], *, actor: User) -> Layout:
    """Keep the columns the user confirmed, for this job and for the next file of its shape; queue its preview."""
    read_stored_exists(job.stored_name)
    layout = apply_choices(layout_from_record(job.layout), chosen)
    remember_mapping(layout, actor)
    claim(job, MAPPABLE, status=ImportJobStatus.QUEUED, layout=layout_record(layout, job.layout.get("samples")),
          summary=None, rows=None, error=None, stage=None, done=0, total=0, finished_at=None)
    return layout


def queue_import(job: ImportJob, *, duplicates: str, confirm_new: bool, team_choices: dict[str, int],
                 actor: User) -> None:
    """Check that a previewed job may be imported as chosen, and mark it as importing."""
    summary = job.summary or {}
    if errors := summary.get("counts", {}).get("error"):
        raise ImportRefused(_("有%(n)s行有错误，未导入任何数据；请改正后重新导入", n=errors), "errors")
    unmatched = [name for name in summary.get("new_teams", []) if name not in team_choices]
    if (unmatched or summary.get("new_enterprise_count")) and not confirm_new:
        raise ImportRefused(_("表中有系统里没有的专班或企业，请勾选确认新建后再导入"), "confirm")
    read_stored_exists(job.stored_name)
    options = job.options | {"duplicates": duplicates, "confirm_new": confirm_new, "team_choices": team_choices,
                             "imported_by": actor.id}
    claim(job, {ImportJobStatus.PREVIEWED}, status=ImportJobStatus.IMPORTING, stage="checking", done=0, total=0,
          options=options)


def claim(job: ImportJob, allowed: set[ImportJobStatus] | frozenset[ImportJobStatus], **values: Any) -> None:
    """Move a job on, unless another request moved it first (two clicks, two admins)."""
    moved = db.session.execute(update(ImportJob).where(ImportJob.id == job.id, ImportJob.status.in_(allowed))
                               .values(**values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise ImportRefused(_("这个导入已经开始或已经结束，请刷新页面"), "busy")
    db.session.expire(job)


def read_stored_exists(stored_name: str | None) -> None:
    if not stored_name or not (import_folder() / stored_name).is_file():
        raise ImportRefused(_("上传的文件已过期（只保留一天）或已导入，请重新上传"), "expired")


def recent_jobs(limit: int = 20) -> list[ImportJob]:
    return list(db.session.scalars(select(ImportJob).order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
                                   .limit(limit)))


def team_options() -> list[tuple[int, str]]:
    """The teams on file, for pointing a team name of the file at one of them."""
    return [(row.id, row.name) for row in db.session.execute(
        select(Team.id, Team.name).order_by(Team.active.desc(), Team.name))]


@dataclass(frozen=True)
class JobState:
    """Where a job is, as its page and its progress URL tell it."""

    status: ImportJobStatus
    stage: str | None
    done: int
    total: int
    interrupted: bool = False

    @property
    def finished(self) -> bool:
        return self.interrupted or self.status not in RUNNING

    @property
    def message(self) -> str:
        if self.interrupted:
            return _("导入进程已中断，未写入任何数据，请重新运行")
        if self.status is ImportJobStatus.QUEUED:
            return _("排队中…")
        if self.status is ImportJobStatus.PREVIEWING or self.stage == "checking":
            verb = _("正在检查") if self.status is ImportJobStatus.PREVIEWING else _("正在核对")
        elif self.status is ImportJobStatus.IMPORTING:
            verb = _("正在写入")
        else:
            return str(self.status.label)
        if not self.total:
            return verb + "…"
        return _("%(verb)s：%(done)s / %(total)s 行", verb=verb, done=self.done, total=self.total)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status.value, "stage": self.stage, "done": self.done, "total": self.total,
                "finished": self.finished, "interrupted": self.interrupted, "message": self.message}


def job_state(job: ImportJob) -> JobState:
    """A job's state as the database (and, on SQLite while it writes, its heartbeat file) holds it; a running job
    whose heartbeat has stopped is recorded as failed and shown so."""
    if job.status not in RUNNING:
        return JobState(job.status, job.stage, job.done, job.total)
    heard = max(job.heartbeat_at or job.updated_at, job.updated_at)
    beat = file_beat(job.id) if db.engine.dialect.name == "sqlite" else None
    if beat is not None and beat.at > heard:
        heard = beat.at
        state = JobState(ImportJobStatus(beat.status), beat.stage, beat.done, beat.total)
    else:
        state = JobState(job.status, job.stage, job.done, job.total)
    if now_utc() - heard > stale_after() and interrupt(job, heard):
        return JobState(job.status, job.stage, job.done, job.total, interrupted=True)
    return state


def interrupt(job: ImportJob, heard: datetime) -> bool:
    """Record a running job last heard of at `heard` as failed, unless it was heard of since."""
    # a transaction of its own: the request's may hold a snapshot older than the last heartbeat, which SQLite
    # refuses to turn into a write
    with db.engine.begin() as connection:
        moved = connection.execute(
            update(ImportJob)
            .where(ImportJob.id == job.id, ImportJob.status.in_(RUNNING), ImportJob.updated_at <= heard)
            .values(status=ImportJobStatus.FAILED, finished_at=now_utc(),
                    error=_("导入进程已中断，未写入任何数据，请重新运行")))
    db.session.expire(job)
    return moved.rowcount == 1
