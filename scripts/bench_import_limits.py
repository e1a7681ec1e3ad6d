"""Hostile spreadsheets against a web worker's reading, before and after the import limits; what a preview keeps;
how soon a dead job is seen.

    .venv/bin/python scripts/bench_import_limits.py                    # all of it (the 1M-row file takes a minute)
    .venv/bin/python scripts/bench_import_limits.py --before 7059399   # "before" is the reading of that commit
    .venv/bin/python scripts/bench_import_limits.py --rows 100000 --no-dead-job

(a) peak memory: a two-cell sheet reaching XFD1048576 and a sheet of --rows rows (three numbers each) are each read
    by a fresh process standing in for a web worker, with the reading of --before
    (taken with `git archive` into a temporary directory) and with this tree's: the worker's peak RSS (ru_maxrss,
    from wait4), how it ended, its seconds, and the peak RSS of the parsing child it started, if any;
(b) the preview's JSON: a 50,000-row signing list previewed, its rows and summary as the job's row stores them,
    every row kept (as before) and as kept now;
(c) a dead job: a process previews a 50,000-row file and is killed (SIGKILL) half way; this process reads the job
    as its page does, every half second, until it shows failed: the seconds from the kill.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.bench_imports import app_for, empty_database, write_signing_list  # noqa: E402

BEFORE = "7059399"  # the last commit reading uploads in the web worker
WORKER = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "before":
    from crm.imports.reading import read_upload
else:
    from crm.imports.opening import read_upload
from crm.imports.reading import ImportRefused
data = open(sys.argv[3], "rb").read()
start = time.perf_counter()
try:
    outcome = f"read {len(read_upload(data, 'x.xlsx').rows):,} rows"
except ImportRefused as refused:
    outcome = "refused: " + refused.message
print(json.dumps({"outcome": outcome, "seconds": round(time.perf_counter() - start, 2),
                  "child_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}))
"""
DYING_JOB = """
import sys
sys.path.insert(0, sys.argv[1])
from scripts.bench_imports import app_for
from crm.access.tenancy import within
from crm.extensions import db
from crm.imports import jobs, runner
from crm.imports.mapping import propose_layout
from crm.imports.opening import read_path
from crm.models import ImportJobStatus, User
app = app_for(sys.argv[2])
app.config["UPLOAD_FOLDER"] = sys.argv[4]
with app.app_context(), within(1, "a benchmark's job") as reach:
    table = read_path(sys.argv[3])
    admin = db.session.query(User).filter_by(username="admin").one()
    job = jobs.create_job(kind="projects", file_name="big.xlsx", data=open(sys.argv[3], "rb").read(), table=table,
                          layout=propose_layout(table, "projects"), sheet=None, rates={}, actor=admin)
    jobs.claim(job, jobs.MAPPABLE, status=ImportJobStatus.QUEUED)  # as confirming its columns does
    job_id = job.id
    db.session.commit()
    db.session.close()  # no transaction of this session may hold SQLite's write lock while the job runs
    print(job_id, flush=True)
    runner.run(app, reach, job_id, "preview", None)
"""


def sparse_xlsx() -> bytes:
    """Two cells, A1 and XFD1048576."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{doc}/'
                         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{doc}"><sheets><sheet name="S" '
                         'sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{rels}"><Relationship Id="rId1" '
                         f'Type="{doc}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1">'
                         '<v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
                         "</worksheet>")
    return buffer.getvalue()


def write_numbers(path: Path, rows: int) -> None:
    """A sheet of `rows` rows of three whole numbers: 1M rows make about 15 MB, under the 20 MB an upload may weigh."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("明细")
    sheet.write_row(0, 0, ("序号", "数量", "年份"))
    for row in range(1, rows):
        sheet.write_row(row, 0, (row, row % 97, 2000 + row % 25))
    workbook.close()


def worker_read(root: Path, mode: str, path: Path) -> dict[str, Any]:
    """Read a file in a fresh process; its peak RSS and how it ended."""
    process = subprocess.Popen([sys.executable, "-c", WORKER, str(root), mode, str(path)], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=os.environ | {"RUST_BACKTRACE": "0"})
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    result: dict[str, Any] = json.loads(output) if process.returncode == 0 else {
        "outcome": f"died ({signal.Signals(-process.returncode).name})" if process.returncode < 0
        else f"exit {process.returncode}"}
    return result | {"worker_mb": round(usage.ru_maxrss / 1024)}


def peak_memory(before: str, rows: int, folder: Path) -> None:
    old = folder / "before"
    old.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", before, "crm"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    sparse, big = folder / "sparse.xlsx", folder / "big.xlsx"
    sparse.write_bytes(sparse_xlsx())
    write_numbers(big, rows)
    print(f"(a) peak memory of the reading worker; --before {before}")
    print(f"{'file':<28}{'code':<8}{'worker MB':>10}{'child MB':>10}{'s':>7}  outcome")
    for label, path in ((f"sparse A1+XFD1048576 ({sparse.stat().st_size:,} B)", sparse),
                        (f"{rows:,} rows ({big.stat().st_size / 1e6:.1f} MB)", big)):
        for mode, root in (("before", old), ("after", ROOT)):
            found = worker_read(root, mode, path)
            print(f"{label:<28}{mode:<8}{found['worker_mb']:>10}{found.get('child_mb', '-'):>10}"
                  f"{found.get('seconds', '-'):>7}  {found['outcome'][:70]}")


def preview_json(folder: Path) -> None:
    from crm.access.tenancy import within
    from crm.imports.mapping import propose_layout
    from crm.imports.opening import read_path
    from crm.imports.outcomes import ImportOptions
    from crm.imports.preview import preview_import
    from crm.imports.preview_summary import preview_summary

    path, url = folder / "fifty.xlsx", f"sqlite:///{folder / 'preview.sqlite'}"
    write_signing_list(path, 49_997)  # with its title, header and totals rows: 50,000 rows
    empty_database(url, admin=True)
    app = app_for(url)
    with app.app_context(), within(1, "a benchmark's preview"):
        table = read_path(path)
        preview = preview_import(table, propose_layout(table, "projects"), ImportOptions(confirm_new=True))
        print(f"\n(b) the preview of a {len(table.rows):,}-row sheet, as the job's row stores it (json.dumps)")
        for label, kept in (("every row (before)", 10**9), ("first rows of each fate", None)):
            summary, rows = preview_summary(preview) if kept is None else preview_summary(preview, kept)
            size = len(json.dumps(rows)) + len(json.dumps(summary))
            print(f"  {label:<26}{len(rows):>8,} rows  {size / 1e6:>7.2f} MB")


def dead_job(folder: Path) -> None:
    from crm.access.tenancy import within
    from crm.extensions import db
    from crm.imports import jobs
    from crm.models import ImportJob

    path, url = folder / "dying.xlsx", f"sqlite:///{folder / 'dying.sqlite'}"
    write_signing_list(path, 49_997)
    empty_database(url, admin=True)
    child = subprocess.Popen([sys.executable, "-c", DYING_JOB, str(ROOT), url, str(path), str(folder / "uploads")],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    job_id = int(child.stdout.readline())
    app = app_for(url)
    app.config["UPLOAD_FOLDER"] = str(folder / "uploads")  # where the job's heartbeat file is, on SQLite
    # read as a page does, in a GET (whose reads on SQLite do not take the write lock)
    with app.test_request_context(), within(1, "a benchmark's page"):
        stale, beat = app.config["IMPORT_JOB_STALE"], app.config["IMPORT_HEARTBEAT_SECONDS"]
        while (state := jobs.job_state(job := db.session.get(ImportJob, job_id))).done < 10_000:
            if child.poll() is not None:
                raise SystemExit(f"the job's process ended before it was killed: {job.status.value} {job.error}")
            db.session.rollback()
            time.sleep(0.2)
        progress = f"{state.done:,} / {state.total:,}"
        child.send_signal(signal.SIGKILL)
        child.wait()
        killed = time.monotonic()
        while not jobs.job_state(job).interrupted:
            db.session.rollback()
            time.sleep(0.5)
            job = db.session.get(ImportJob, job_id)
        seen = time.monotonic() - killed
        db.session.rollback()  # a snapshot from before the failure was recorded
        job = db.session.get(ImportJob, job_id)
        print(f"\n(c) a preview killed (SIGKILL) at {progress} rows was shown and stored as {job.status.value} "
              f"{seen:.1f} s later (IMPORT_JOB_STALE {stale}, heartbeat every {beat} s): {job.error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE, help="the commit whose reading is 'before'")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the large file of (a)")
    parser.add_argument("--no-dead-job", action="store_true", help="leave out (c), which waits a minute")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        peak_memory(options.before, options.rows, folder)
        preview_json(folder)
        if not options.no_dead_job:
            dead_job(folder)


if __name__ == "__main__":
    main()
