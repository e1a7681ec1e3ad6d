"""A running import job's progress and heartbeat, kept where every worker on every host reads them.

While a job runs, a `Heartbeat` thread writes its progress (status, stage, rows done of total), the time
(`heartbeat_at`) and the process running it (`runner`, host:pid) to the job's row every
`IMPORT_HEARTBEAT_SECONDS`, and at once whenever the job reports progress. A running job whose last heartbeat is
older than `IMPORT_JOB_STALE` died with its process: whoever reads it next records it as failed (crm/imports/jobs.py),
and it can be run again.

On PostgreSQL each heartbeat is a short transaction of its own. On SQLite a transaction outside a page's GET takes
the database's single write lock when it begins (crm/database.py), and the job's own transactions (its look-ups,
then the import's one write transaction) hold it for as long as they run: there every heartbeat also goes to a small
file beside the uploads (`<uploads>/imports/heartbeats/<job id>.json`, replaced atomically), and reaches the
database only while the job holds no transaction. The pages read both. SQLite serves one host, so every worker sees
that file; the file goes when the job ends.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import update

from ..access import tenancy
from ..extensions import db
from ..models import ImportJob, now_utc
from ..models.import_jobs import RUNNING


def runner_name() -> str:
    """This process, as host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def stale_after() -> timedelta:
    """How long a running job may go unheard before it counts as dead (a number of seconds from the environment)."""
    value = current_app.config["IMPORT_JOB_STALE"]
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


def beat_path(job_id: int) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "imports" / "heartbeats" / f"{job_id}.json"


@dataclass(frozen=True)
class Beat:
    """A job's progress and when it was last heard of."""

    status: str
    stage: str | None
    done: int
    total: int
    at: datetime


def file_beat(job_id: int) -> Beat | None:
    """The heartbeat a job wrote to its file while SQLite's write lock was its own, if there is one."""
    try:
        record = json.loads(beat_path(job_id).read_text(encoding="utf-8"))
        return Beat(record["status"], record["stage"], int(record["done"]), int(record["total"]),
                    datetime.fromisoformat(record["at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Heartbeat:
    """Keeps one running job's progress and sign of life current, from a thread of its own."""

    def __init__(self, app: Flask, reach: tenancy.Reach, job_id: int) -> None:
        self.app, self.reach, self.job_id = app, reach, job_id
        self.interval = float(app.config["IMPORT_HEARTBEAT_SECONDS"])
        self.runner = runner_name()
        self.state: dict[str, Any] = {}
        self.writing = False  # the job's own transaction holds SQLite's write lock
        self.sqlite = False
        self.session: Any = None  # the job thread's own session
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, name=f"import-heartbeat-{job_id}", daemon=True)

    def start(self, **state: Any) -> None:
        """Begin beating; called from the job's thread."""
        self.sqlite = db.engine.dialect.name == "sqlite"
        self.session = db.session()
        self.report(**state)
        self.thread.start()

    def report(self, **state: Any) -> None:
        """New progress: kept, and written at once."""
        with self.lock:
            self.state |= state
        self.beat()

    def run(self) -> None:
        with self.app.app_context(), tenancy.entered(self.reach):
            while not self.stopped.wait(self.interval):
                try:
                    self.beat()
                except Exception:  # the database is away for a moment: the next beat tries again
                    self.app.logger.exception("import job %s: heartbeat not written", self.job_id)
            db.session.remove()

    def beat(self) -> None:
        """Write the progress and the time, where readers can see them now."""
        with self.lock:
            state = dict(self.state)
            if self.sqlite:
                self.write_file(state)
                if self.writing or (self.session is not None and self.session.in_transaction()):
                    return  # the job's transaction holds the write lock: the file says it meanwhile
            with db.engine.begin() as connection:
                connection.execute(update(ImportJob).where(ImportJob.id == self.job_id, ImportJob.status.in_(RUNNING))
                                   .values(**state, heartbeat_at=now_utc(), runner=self.runner))

    def write_file(self, state: dict[str, Any]) -> None:
        path = beat_path(self.job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        status = state.get("status")
        temporary.write_text(json.dumps({"status": getattr(status, "value", status), "stage": state.get("stage"),
                                         "done": state.get("done", 0), "total": state.get("total", 0),
                                         "at": now_utc().isoformat()}), encoding="utf-8")
        os.replace(temporary, path)

    @contextmanager
    def holding_write_lock(self) -> Iterator[None]:
        """Around the job's write transaction: no heartbeat is half way through the database when it begins."""
        with self.lock:
            self.writing = True
        try:
            yield
        finally:
            with self.lock:
                self.writing = False

    def stop(self) -> None:
        self.stopped.set()
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join()
        beat_path(self.job_id).unlink(missing_ok=True)
