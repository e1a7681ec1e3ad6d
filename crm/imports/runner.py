"""Running an import job in a background thread: check every row (the preview), or check again and write.

Each job runs in a thread with an app context and a database session of its own; the file is parsed in a child
process (crm/imports/isolated.py). Progress (every 1,000 rows) and a heartbeat go to the job's row through a
`Heartbeat` (crm/imports/liveness.py), so that any worker on any host shows them and a job whose process died is
seen as such. The import itself is one transaction: all rows or none, its job marked done in that same transaction;
on any failure it is rolled back and the job records why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import update

from ..access import tenancy
from ..core import audit
from ..extensions import db
from ..models import ImportJob, ImportJobStatus, User, now_utc
from ..models.import_jobs import RUNNING
from ..web.i18n import gettext as _
from .commit import commit_import
from .jobs import delete_file, import_options, layout_from_record, read_stored
from .liveness import Heartbeat
from .opening import read_upload
from .preview import Preview, preview_import
from .preview_summary import preview_summary
from .reading import ImportRefused

_lock = threading.Lock()
_threads: dict[int, threading.Thread] = {}  # the job threads of this process, for join_all


def start(job_id: int, step: str, *, address: str | None = None) -> threading.Thread:
    """Run a job's preview ("preview") or import ("import") in a thread of its own."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    reach = tenancy.current()  # the thread reads what the request that started it may read, and no more
    if reach is None:
        raise tenancy.WallError("an import job was started outside any district's reach")
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
        heartbeat = Heartbeat(app, reach, job_id)
        try:
            heartbeat.start(status=ImportJobStatus.PREVIEWING if step == "preview" else ImportJobStatus.IMPORTING,
                            stage="checking" if step == "import" else None, done=0, total=0)
            if step == "preview":
                run_preview(job_id, heartbeat)
            else:
                run_import(job_id, address, heartbeat)
        except Exception as error:
            db.session.rollback()
            if isinstance(error, ImportRefused):
                message = error.message
            else:
                app.logger.exception("import job %s failed", job_id)
                message = _("系统出错，未写入任何数据。错误已记录，请稍后重试或联系系统管理员。")
            heartbeat.stop()
            try:
                fail(job_id, message, step)
            except Exception:  # the database is away: the job shows as interrupted once it is stale
                app.logger.exception("import job %s: its failure could not be recorded", job_id)
        finally:
            heartbeat.stop()
            db.session.remove()
            with _lock:
                _threads.pop(job_id, None)


def save(job_id: int, **values: Any) -> bool:
    """End a running job with these values, in a short transaction of its own; whether it was still running (a job
    already seen as dead stays so)."""
    with db.engine.begin() as connection:
        return connection.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.status.in_(RUNNING))
                                  .values(**values)).rowcount == 1


def fail(job_id: int, message: str, step: str) -> None:
    job = db.session.get(ImportJob, job_id)
    stored_name = job.stored_name if job is not None else None
    db.session.rollback()
    values: dict[str, Any] = {"status": ImportJobStatus.FAILED, "error": message, "finished_at": now_utc()}
    if step == "import":  # the job has ended: its file goes
        values["stored_name"] = None
    if save(job_id, **values) and step == "import":
        delete_file(stored_name)


class ProgressWriter:
    """The engine's progress callback for one step of a job."""

    def __init__(self, heartbeat: Heartbeat, status: ImportJobStatus, stage: str | None) -> None:
        self.heartbeat, self.status, self.stage = heartbeat, status, stage

    def __call__(self, done: int, total: int) -> None:
        self.heartbeat.report(status=self.status, stage=self.stage, done=done, total=total)


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


def run_preview(job_id: int, heartbeat: Heartbeat) -> None:
    """Check every row and keep what the preview page shows."""
    job = load(job_id)
    preview = check(job, ProgressWriter(heartbeat, ImportJobStatus.PREVIEWING, None))
    db.session.rollback()  # the preview only read
    summary, rows = preview_summary(preview)
    heartbeat.stop()
    save(job_id, status=ImportJobStatus.PREVIEWED, stage=None, summary=summary, rows=rows, error=None,
         done=len(preview.rows), total=len(preview.rows))


def run_import(job_id: int, address: str | None, heartbeat: Heartbeat) -> None:
    """Check the rows again against the database as it is now, then write them all in one transaction, which also
    marks the job done: a process dying at any point leaves either everything written and the job done, or
    nothing written and the job running until its heartbeat is seen to have stopped."""
    job = load(job_id)
    actor_id = job.options.get("imported_by")
    preview = check(job, ProgressWriter(heartbeat, ImportJobStatus.IMPORTING, "checking"))
    actor = db.session.get(User, actor_id) if actor_id else None
    if actor is None or not actor.active:
        raise ImportRefused(_("只有管理员可以导入"), "forbidden")
    audit.set_actor(actor.id, address)
    with heartbeat.holding_write_lock():
        result = commit_import(preview, actor=actor, progress=ProgressWriter(heartbeat, ImportJobStatus.IMPORTING,
                                                                             "writing"))
        summary, rows = preview_summary(preview)
        done = db.session.execute(
            update(ImportJob).where(ImportJob.id == job_id, ImportJob.status == ImportJobStatus.IMPORTING)
            .values(status=ImportJobStatus.DONE, stage=None, summary=summary | {"result": result.as_dict()},
                    rows=rows, stored_name=None, finished_at=now_utc(), error=None, done=len(preview.rows),
                    total=len(preview.rows)).execution_options(synchronize_session=False))
        if done.rowcount != 1:  # seen as dead meanwhile (and perhaps run again): this run writes nothing
            raise ImportRefused(_("导入进程已中断，未写入任何数据，请重新运行"), "interrupted")
        db.session.commit()
    heartbeat.stop()
    delete_file(job.stored_name)
