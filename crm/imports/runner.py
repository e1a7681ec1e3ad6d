"""Running an import job in a background thread: check every row (the preview), or check again and write.

Each job runs in a thread with an app context and a database session of its own. Progress is reported every
1,000 rows: kept in this process for its pages, and written to the job's row in a short transaction of its own,
except while the import's one write transaction is open on SQLite (whose single write lock that transaction
holds: waiting for it there would stall the import). The import itself is one transaction: all rows or none;
on any failure it is rolled back and the job records why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import update

from .. import audit
from ..access import tenancy
from ..extensions import db
from ..i18n import gettext as _
from ..models import ImportJob, ImportJobStatus, User, now_utc
from .commit import commit_import
from .jobs import delete_file, import_options, layout_from_record, read_stored
from .outcomes import Fate
from .preview import Preview, preview_import
from .reading import ImportRefused, read_upload

SHOWN_ENTERPRISES = 200  # new enterprises listed by name on the preview page; the rest are counted
AMOUNT_FIELDS = {"projects": "total_investment", "leads": "intended_investment"}  # shown beside each row
FATE_ORDER = {Fate.ERROR: 0, Fate.DUPLICATE: 1, Fate.NEW: 2, Fate.SKIPPED: 2}

_lock = threading.Lock()
_live: dict[int, dict[str, Any]] = {}  # job id → its state, while its thread runs in this process
_threads: dict[int, threading.Thread] = {}


def live_state(job_id: int) -> dict[str, Any] | None:
    with _lock:
        state = _live.get(job_id)
        return dict(state) if state is not None else None


def start(job_id: int, step: str, *, address: str | None = None) -> threading.Thread:
    """Run a job's preview ("preview") or import ("import") in a thread of its own."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    reach = tenancy.current()  # the thread reads what the request that started it may read, and no more
    if reach is None:
        raise tenancy.WallError("an import job was started outside any district's reach")
    status = ImportJobStatus.PREVIEWING if step == "preview" else ImportJobStatus.IMPORTING
    with _lock:
        _live[job_id] = {"status": ImportJobStatus.QUEUED if step == "preview" else status,
                         "stage": "checking" if step == "import" else None, "done": 0, "total": 0}
    thread = threading.Thread(target=run, args=(app, reach, job_id, step, address), name=f"import-job-{job_id}",
                              daemon=True)
    with _lock:
        _threads[job_id] = thread
    thread.start()
    return thread


def join_all(timeout: float) -> bool:
    """Wait for the job threads of this process to end; whether they all did in time."""
    with _lock:
        threads = list(_threads.values())
    for thread in threads:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in threads)


def run(app: Flask, reach: tenancy.Reach, job_id: int, step: str, address: str | None) -> None:
    with app.app_context(), tenancy.entered(reach):
        try:
            if step == "preview":
                run_preview(job_id)
            else:
                run_import(job_id, address)
        except Exception as error:
            db.session.rollback()
            if isinstance(error, ImportRefused):
                message = error.message
            else:
                app.logger.exception("import job %s failed", job_id)
                message = _("系统出错，未写入任何数据。错误已记录，请稍后重试或联系系统管理员。")
            try:
                fail(job_id, message, step)
            except Exception:  # the database is away: the job shows as interrupted once it is stale
                app.logger.exception("import job %s: its failure could not be recorded", job_id)
        finally:
            db.session.remove()
            with _lock:
                _live.pop(job_id, None)
                _threads.pop(job_id, None)


def save(job_id: int, **values: Any) -> None:
    """Write a job's state in a short transaction of its own."""
    with db.engine.begin() as connection:
        connection.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))


def fail(job_id: int, message: str, step: str) -> None:
    job = db.session.get(ImportJob, job_id)
    stored_name = job.stored_name if job is not None else None
    db.session.rollback()
    values: dict[str, Any] = {"status": ImportJobStatus.FAILED, "error": message, "finished_at": now_utc()}
    if step == "import":  # the job has ended: its file goes
        values["stored_name"] = None
    save(job_id, **values)
    if step == "import":
        delete_file(stored_name)


class ProgressWriter:
    """The engine's progress callback for one step of a job."""

    def __init__(self, job_id: int, status: ImportJobStatus, stage: str | None) -> None:
        self.job_id, self.status, self.stage = job_id, status, stage
        self.sqlite = db.engine.dialect.name == "sqlite"

    def __call__(self, done: int, total: int) -> None:
        values = {"status": self.status, "stage": self.stage, "done": done, "total": total}
        with _lock:
            _live[self.job_id] = values
        if self.sqlite and db.session().in_transaction():
            return  # this thread's own transaction holds SQLite's write lock: the page reads _live meanwhile
        save(self.job_id, **values)


@dataclass(frozen=True)
class JobInput:
    """What a job's thread reads of its job, taken out of the session before the long work starts."""

    kind: str
    file_name: str
    stored_name: str | None
    layout: dict[str, Any]
    options: dict[str, Any]
    data: bytes


def load(job_id: int) -> JobInput:
    """The job and its file; the reading transaction is ended before the long work starts."""
    job = db.session.get(ImportJob, job_id)
    if job is None:
        raise ImportRefused(_("导入任务不存在"), "missing")
    found = JobInput(job.kind, job.file_name, job.stored_name, dict(job.layout), dict(job.options),
                     read_stored(job.stored_name))
    db.session.commit()
    return found


def check(job: JobInput, progress: Callable[[int, int], None]) -> Preview:
    table = read_upload(job.data, job.file_name, sheet=job.options.get("sheet"))
    return preview_import(table, layout_from_record(job.layout), import_options(job.options), progress=progress)


def run_preview(job_id: int) -> None:
    """Check every row and keep what the preview page shows."""
    job = load(job_id)
    progress = ProgressWriter(job_id, ImportJobStatus.PREVIEWING, None)
    progress(0, 0)
    preview = check(job, progress)
    db.session.rollback()  # the preview only read
    summary, rows = preview_summary(preview)
    save(job_id, status=ImportJobStatus.PREVIEWED, stage=None, summary=summary, rows=rows, error=None,
         done=len(preview.rows), total=len(preview.rows))


def run_import(job_id: int, address: str | None) -> None:
    """Check the rows again against the database as it is now, then write them all in one transaction."""
    job = load(job_id)
    actor_id = job.options.get("imported_by")
    preview = check(job, ProgressWriter(job_id, ImportJobStatus.IMPORTING, "checking"))
    actor = db.session.get(User, actor_id) if actor_id else None
    if actor is None or not actor.active:
        raise ImportRefused(_("只有管理员可以导入"), "forbidden")
    audit.set_actor(actor.id, address)
    result = commit_import(preview, actor=actor, progress=ProgressWriter(job_id, ImportJobStatus.IMPORTING,
                                                                         "writing"))
    db.session.commit()
    summary, rows = preview_summary(preview)
    save(job_id, status=ImportJobStatus.DONE, stage=None, summary=summary | {"result": result.as_dict()},
         rows=rows, stored_name=None, finished_at=now_utc(), error=None, done=len(preview.rows),
         total=len(preview.rows))
    delete_file(job.stored_name)


def preview_summary(preview: Preview) -> tuple[dict[str, Any], list[list[Any]]]:
    """What the pages show of a preview: counts and new names, and every row (errors, then duplicates, first)."""
    amount_field = AMOUNT_FIELDS.get(preview.kind)
    ordered = sorted(preview.rows, key=lambda row: (FATE_ORDER[row.fate], row.row))
    rows = []
    for row in ordered:
        amount = row.values.get(amount_field) if amount_field else None
        rows.append([row.row, row.fate.value, row.label, getattr(amount, "yuan", None), row.reasons, row.warnings,
                     row.duplicate_of, row.duplicate_label, preview.readings.of(row)])
    new_enterprises = preview.new_enterprises
    summary = {"counts": preview.counts(), "ok": preview.ok, "file": preview.table.file_name,
               "sheet": preview.table.sheet, "header_row": preview.layout.header_row,
               "new_teams": preview.new_teams, "new_industries": preview.new_industries,
               "new_enterprises": [{"name": new.name, "credit_code": new.credit_code, "rows": new.rows[:5]}
                                   for new in new_enterprises[:SHOWN_ENTERPRISES]],
               "new_enterprise_count": len(new_enterprises), "duplicates": preview.options.duplicates,
               "with_amount": amount_field is not None}
    return summary, rows
