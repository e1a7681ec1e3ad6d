"""Faults the data must survive: a worker killed mid-write, an import cut off, a backup under writes, PostgreSQL gone.

Each check runs on a fresh copy of the district demo (SQLite in a temporary folder; a PostgreSQL database on
127.0.0.1:5432, dropped afterwards) served by gunicorn with 2 workers and production settings:

  kill     team members send visits back to back through the JSON API while a gunicorn worker is killed with
           SIGKILL, several times; gunicorn starts a new one. Every acknowledged visit is stored once under its
           UUID; the requests the kills cut off are sent again (as the phone's outbox does) and each is then
           stored exactly once; SQLite passes PRAGMA integrity_check and foreign_key_check.
  import   `flask import projects` of a large signing list is interrupted while it writes, by Ctrl-C (SIGINT)
           and by SIGKILL: every table's row count and checksum are as before; the same import then runs to
           the end and writes every row.
  backup   `flask backup` runs while visits are being written; the copy passes its check; restored into a fresh
           instance (SQLite: the file; PostgreSQL: pg_restore into a new database) it has the row counts the
           backup reported, every visit acknowledged before the backup began, and the same `flask summary --json`
           as the source apart from the visits written meanwhile.
  outage   (PostgreSQL) the app runs against a throwaway cluster on a port of its own, which is stopped: pages
           answer the 503 page, /healthz and the API answer 503 JSON; the cluster is started again and the same
           gunicorn workers recover by themselves (pool_pre_ping).

    .venv/bin/python scripts/faults.py                       # every check, SQLite and PostgreSQL
    .venv/bin/python scripts/faults.py --quick --database sqlite --only kill import

The exit status is 1 when a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import pty
import re
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_common import ROOT, PlainDB
from load import (
    FLASK,
    PG_SERVER,
    Browser,
    Cast,
    RunFailed,
    Server,
    app_env,
    flask,
    free_port,
    load_demo,
    pg_answers,
    today,
)

from crm.core.backup import pg_tool

CHECKS = ("kill", "import", "backup", "outage")


@dataclass
class Verdict:
    """One fault on one database: what happened, and the checks."""

    name: str
    database: str
    notes: list[str] = field(default_factory=list)
    checks: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(ok for _, ok in self.checks)

    def check(self, label: str, ok: bool) -> None:
        self.checks.append((label, ok))

    def show(self) -> None:
        print(f"\n{self.database} — {self.name}")
        for note in self.notes:
            print(f"  {note}")
        for label, ok in self.checks:
            print(f"check: {label}: {'PASS' if ok else 'FAIL'}")


# --- demo databases -------------------------------------------------------------------------------------------

class DemoSource:
    """The district demo loaded once per database kind; each fault gets a copy of its own."""

    def __init__(self, kind: str, folder: Path, server: str = PG_SERVER) -> None:
        self.kind, self.folder, self.server = kind, folder, server
        self.created: list[str] = []
        self.template = self.new_url()
        load_demo(self.template)

    def new_url(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{tempfile.mkdtemp(prefix='db-', dir=self.folder)}/magnet.sqlite"
        name = f"faults_{secrets.token_hex(6)}"
        self.admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return f"{self.server.rsplit('/', 1)[0]}/{name}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(sql)

    def copy(self) -> str:
        """A fresh database holding the demo."""
        if self.kind == "sqlite":
            url = self.new_url()
            shutil.copyfile(self.template.removeprefix("sqlite:///"), url.removeprefix("sqlite:///"))
            return url
        name = f"faults_{secrets.token_hex(6)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template.rsplit("/", 1)[1]}"')
        self.created.append(name)
        return f"{self.server.rsplit('/', 1)[0]}/{name}"

    def close(self) -> None:
        for name in self.created:
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()


def label(kind: str) -> str:
    return "SQLite" if kind == "sqlite" else "PostgreSQL"


def table_names(db: PlainDB) -> list[str]:
    if db.kind == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    return [row[0] for row in db.rows(sql)]


def fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows (in any order)."""
    db = PlainDB(url)
    try:
        prints = {}
        for name in table_names(db):
            rows = sorted(repr(row) for row in db.rows(f'SELECT * FROM "{name}"'))
            prints[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16])
        db.end()
        return prints
    finally:
        db.close()


def sqlite_health(url: str) -> tuple[str, int]:
    """PRAGMA integrity_check's verdict and the number of foreign key violations."""
    db = PlainDB(url)
    try:
        verdict = "; ".join(row[0] for row in db.rows("PRAGMA integrity_check"))
        return verdict, len(db.rows("PRAGMA foreign_key_check"))
    finally:
        db.close()


def stored_visits(url: str) -> dict[str, int]:
    db = PlainDB(url)
    try:
        rows = db.rows("SELECT uuid, id FROM visit")
        db.end()
        return {str(u).lower(): visit_id for u, visit_id in rows}
    finally:
        db.close()


# --- a burst of visits ----------------------------------------------------------------------------------------

class VisitBurst:
    """Team members sending new visits back to back, each over a keep-alive connection of their own."""

    def __init__(self, port: int, usernames: list[str], enterprises: list[int]) -> None:
        self.port, self.enterprises = port, enterprises
        self.browsers = []
        for username in usernames:
            browser = Browser(port, timeout=15)
            browser.sign_in(username)
            self.browsers.append(browser)
        self.acknowledged: dict[str, tuple[int, float]] = {}  # uuid → (visit id, when the answer came)
        self.sent: dict[str, dict[str, Any]] = {}
        self.unanswered: dict[str, tuple[Browser, dict[str, Any]]] = {}  # cut off: sent again later
        self.statuses: list[int] = []  # answers other than 200/201
        self.crashes: list[str] = []  # what stopped a writer other than a cut-off connection (a fault of the test)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def send(self, browser: Browser, body: dict[str, Any]) -> int | None:
        """Send one visit; a connection the kill cuts off, however it breaks, leaves the visit unanswered."""
        try:
            status, data, _ = browser.post_json("/api/v1/visits", body)
        except (OSError, http.client.HTTPException):
            # reset, refused, closed before the status line (RemoteDisconnected) or half way through the body
            # (IncompleteRead): the outbox keeps the visit and sends it again
            with self.lock:
                self.unanswered[body["uuid"]] = (browser, body)
            return None
        with self.lock:
            if status in (200, 201):
                self.acknowledged[body["uuid"]] = (json.loads(data)["visit"]["id"], time.monotonic())
                self.unanswered.pop(body["uuid"], None)
            else:
                self.statuses.append(status)
                self.unanswered[body["uuid"]] = (browser, body)
        return status

    def write(self, n: int, browser: Browser) -> None:
        try:
            self.write_until_stopped(n, browser)
        except Exception as error:  # recorded and checked: the verdict fails and says what it was
            with self.lock:
                self.crashes.append(f"writer {n}: {error!r}")

    def write_until_stopped(self, n: int, browser: Browser) -> None:
        count = 0
        while not self.stopping.is_set():
            count += 1
            body = {"uuid": str(uuid.uuid4()), "visited_on": today(), "kind": "call_on",
                    "enterprise_id": self.enterprises[(n * 7919 + count) % len(self.enterprises)],
                    "summary": f"故障测试 {n}-{count}"}
            with self.lock:
                self.sent[body["uuid"]] = body
            self.send(browser, body)

    def start(self) -> None:
        self.threads = [threading.Thread(target=self.write, args=(n, b)) for n, b in enumerate(self.browsers)]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def wait_for(self, count: int, seconds: float = 60) -> bool:
        """Until `count` visits are acknowledged in all."""
        deadline = time.monotonic() + seconds
        while len(self.acknowledged) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return len(self.acknowledged) >= count

    def resend_unanswered(self) -> tuple[int, int]:
        """Send every unanswered visit again, as the outbox does; (already stored, stored now)."""
        before, after = 0, 0
        for browser, body in list(self.unanswered.values()):
            status = self.send(browser, body)
            before += status == 200
            after += status == 201
        return before, after

    def close(self) -> None:
        for browser in self.browsers:
            browser.close()


def writers(cast: Cast, count: int) -> list[str]:
    teams = sorted(cast.members)
    return [cast.members[teams[i % len(teams)]][i // len(teams)] for i in range(count)]


def writers_check(verdict: Verdict, burst: VisitBurst) -> None:
    verdict.check(f"every writer ran to the end ({'; '.join(burst.crashes) or 'no writer stopped'})",
                  not burst.crashes)


def acknowledged_checks(verdict: Verdict, url: str, burst: VisitBurst, demo_visits: int) -> None:
    stored = stored_visits(url)
    missing = [u for u, (visit_id, _) in burst.acknowledged.items() if stored.get(u) != visit_id]
    verdict.check(f"every acknowledged visit stored under its uuid with the id answered "
                  f"({len(burst.acknowledged)} acknowledged, {len(missing)} missing)", not missing)
    unsent = set(stored) - set(burst.sent)
    verdict.check(f"visits stored = demo {demo_visits} + every visit sent {len(burst.sent)} "
                  f"(found {len(stored)}, {len(unsent) - demo_visits} not sent)",
                  len(stored) == demo_visits + len(burst.sent) and len(unsent) == demo_visits)


# --- kill: a worker killed in the middle of a burst of writes -------------------------------------------------

def killed_worker(source: DemoSource, folder: Path, kills: int, writes_between: int) -> Verdict:
    verdict = Verdict("gunicorn worker killed (SIGKILL) in the middle of a burst of visit writes", label(source.kind))
    url = source.copy()
    cast = Cast.read(url)
    server = Server(url, folder / f"kill-{source.kind}.log")
    server.start()
    burst = VisitBurst(server.port, writers(cast, 4), cast.enterprises)
    killed, respawned = [], True
    try:
        burst.start()
        for _ in range(kills):
            burst.wait_for(len(burst.acknowledged) + writes_between)
            victim = secrets.choice(server.workers_pids())
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
            respawned &= wait_until(lambda v=victim: len(server.workers_pids()) == 2
                                    and v not in server.workers_pids(), 30)
        served_after = burst.wait_for(len(burst.acknowledged) + writes_between, 30)
        burst.stop()
        cut = len(burst.unanswered)
        already, now = burst.resend_unanswered()
    finally:
        burst.stop()
        burst.close()
        server.stop()
    verdict.notes.append(f"{len(killed)} workers killed; {len(burst.acknowledged)} visits acknowledged; {cut} requests "
                         f"cut off by the kills, sent again: {already} had been stored, {now} stored then")
    writers_check(verdict, burst)
    verdict.check("gunicorn started a new worker after each kill", respawned)
    verdict.check("visits were acknowledged after the last kill", served_after)
    verdict.check(f"every cut-off visit answered when sent again ({len(burst.unanswered)} still unanswered; "
                  f"other answers: {sorted(set(burst.statuses)) or 'none'})", not burst.unanswered)
    acknowledged_checks(verdict, url, burst, cast.visits)
    if source.kind == "sqlite":
        integrity, violations = sqlite_health(url)
        verdict.check(f"PRAGMA integrity_check: {integrity}; foreign key violations: {violations}",
                      integrity == "ok" and violations == 0)
    return verdict


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# --- import: cut off half way ---------------------------------------------------------------------------------

PROGRESS = re.compile(r"导入\s*\[[^\]]*\]\s*(\d+)%")


def import_until(url: str, path: Path, stop_at: int | None, sig: signal.Signals) -> tuple[int, int | None, str]:
    """Run `flask import projects` with a terminal for its progress bar; signal it once it has written
    `stop_at` per cent. The exit status, the per cent seen when it was signalled, and its error output."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(FLASK + ["import", "projects", str(path), "--confirm-new"], cwd=ROOT,
                               env=app_env(url), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=secondary)
    os.close(secondary)
    seen, at = "", None
    try:
        while True:
            ready, _, _ = select.select([primary], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(primary, 4096).decode("utf-8", "replace")
                except OSError:  # the terminal closes when the process ends
                    break
                shown = PROGRESS.findall(seen[-400:])
                if stop_at is not None and at is None and shown and stop_at <= int(shown[-1]) < 100:
                    at = int(shown[-1])
                    process.send_signal(sig)
            elif process.poll() is not None:
                break
        return process.wait(120), at, seen
    finally:
        os.close(primary)
        if process.poll() is None:
            process.kill()
            process.wait()


def interrupted_import(source: DemoSource, folder: Path, rows: int) -> Verdict:
    from bench_imports import write_signing_list

    verdict = Verdict(f"`flask import projects` of {rows:,} rows interrupted while writing", label(source.kind))
    url = source.copy()
    path = folder / f"签约项目-{rows}.xlsx"
    if not path.exists():
        write_signing_list(path, rows)
    before = fingerprint(url)
    for sig, expected in ((signal.SIGINT, 1), (signal.SIGKILL, -signal.SIGKILL)):
        status, at, output = import_until(url, path, 50, sig)
        after = fingerprint(url)
        changed = sorted(name for name in before if after.get(name) != before[name])
        verdict.notes.append(f"{sig.name} at {at}% written: exit status {status}")
        if status != expected:
            verdict.notes.append(output[-1000:])
        verdict.check(f"{sig.name} reached the import while it was writing ({at}%), it stopped (exit {status})",
                      at is not None and status == expected)
        verdict.check(f"after {sig.name} every table's count and checksum are as before "
                      f"({len(before)} tables; changed: {', '.join(changed) or 'none'})", after == before)
        if source.kind == "sqlite":
            integrity, violations = sqlite_health(url)
            verdict.check(f"after {sig.name}: PRAGMA integrity_check {integrity}, foreign key violations {violations}",
                          integrity == "ok" and violations == 0)
    status, _, output = import_until(url, path, None, signal.SIGINT)
    if status != 0:
        verdict.notes.append(output[-1000:])
    projects = fingerprint(url)["project"][0] - before["project"][0]
    verdict.check(f"run again to the end, the import writes every row ({projects:,} of {rows:,} projects, "
                  f"exit {status})", status == 0 and projects == rows)
    return verdict


# --- backup: while visits are being written -------------------------------------------------------------------

def summary(url: str) -> dict[str, Any]:
    return json.loads(flask(url, "summary", "--json"))


def with_more_visits(figures: dict[str, Any], more: int) -> dict[str, Any]:
    """A summary as it reads with `more` visits in the period: its count, and its 同比 change by the app's rule."""
    from crm.reports.year_on_year import change

    visits = figures["visits"] + more
    expected = figures | {"visits": visits}
    if "year_on_year" in figures:
        compared = figures["year_on_year"]
        moved = change(visits, compared["figures"]["visits"])
        expected["year_on_year"] = compared | {"change_percent": compared["change_percent"] | {
            "visits": None if moved is None else str(moved)}}
    return expected


def restore(kind: str, backup: Path, source: DemoSource) -> str:
    """A fresh instance from the backup: the SQLite file copied in, or pg_restore into a new database."""
    url = source.new_url()
    if kind == "sqlite":
        shutil.copyfile(backup, url.removeprefix("sqlite:///"))
        return url
    tool = pg_tool("pg_restore")
    if tool is None:
        raise RunFailed("pg_restore not found")
    subprocess.run([tool, "--no-owner", "--exit-on-error", f"--dbname={url}", str(backup)], check=True,
                   capture_output=True)
    return url


def backup_under_writes(source: DemoSource, folder: Path, seconds: float) -> Verdict:
    verdict = Verdict("`flask backup` while visits are written, restored into a fresh instance", label(source.kind))
    url = source.copy()
    cast = Cast.read(url)
    db = PlainDB(url)
    visited = [row[0] for row in db.rows(
        "SELECT DISTINCT enterprise_id FROM visit WHERE visited_on >= :start AND team_id IN "
        "(SELECT id FROM team WHERE district_id = (SELECT min(id) FROM district))", start=f"{today()[:4]}-01-01")]
    db.close()
    figures = summary(url)  # the burst's visits go to enterprises already visited this year: only `visits` moves
    file = folder / f"backup-{source.kind}-{secrets.token_hex(3)}.{'sqlite' if source.kind == 'sqlite' else 'dump'}"
    server = Server(url, folder / f"backup-{source.kind}.log")
    server.start()
    burst = VisitBurst(server.port, writers(cast, 3), visited)
    try:
        burst.start()
        burst.wait_for(20)
        time.sleep(seconds / 2)
        began = time.monotonic()
        made = json.loads(flask(url, "backup", "-o", str(file), "--json"))
        ended = time.monotonic()
        time.sleep(seconds / 2)
    finally:
        burst.stop()
        burst.close()
        server.stop()
    before = {u for u, (_, at) in burst.acknowledged.items() if at < began}
    during = {u for u, (_, at) in burst.acknowledged.items() if began <= at <= ended}
    verdict.notes.append(f"{len(burst.acknowledged)} visits acknowledged, {len(during)} of them while the backup ran "
                         f"({ended - began:.2f} s); {made['check']}")
    writers_check(verdict, burst)
    restored = restore(source.kind, file, source)
    prints = fingerprint(restored)
    counts = {name: count for name, (count, _) in prints.items()}
    verdict.check(f"restored row counts are the backup's ({sum(counts.values()):,} rows in {len(counts)} tables)",
                  counts == made["tables"])
    kept = stored_visits(restored)
    missing = before - set(kept)
    verdict.check(f"every visit acknowledged before the backup began is in it ({len(before)}; {len(missing)} missing)",
                  not missing)
    unknown = set(kept) - set(burst.sent) - set(stored_visits(source.template))
    verdict.check(f"the copy holds no visit that was never sent ({len(unknown)})", not unknown)
    if source.kind == "sqlite":
        integrity, violations = sqlite_health(restored)
        verdict.check(f"restored copy: PRAGMA integrity_check {integrity}, foreign key violations {violations}",
                      integrity == "ok" and violations == 0)
    written = len(set(kept) & set(burst.sent))
    expected = with_more_visits(figures, written)
    got = summary(restored)
    differing = sorted(key for key in expected if got.get(key) != expected[key])
    verdict.check(f"restored `flask summary --json` is the source's plus the {written} visits in the copy "
                  f"(differing: {', '.join(differing) or 'none'})", got == expected)
    return verdict


# --- outage: PostgreSQL stopped and started again -------------------------------------------------------------

class Cluster:
    """A throwaway PostgreSQL cluster on a port of its own, run as the postgres user when we are root."""

    def __init__(self) -> None:
        self.initdb, self.pg_ctl = pg_tool("initdb"), pg_tool("pg_ctl")
        if self.initdb is None or self.pg_ctl is None:
            raise FileNotFoundError("initdb and pg_ctl (PostgreSQL server binaries) are not installed")
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.home = Path(tempfile.mkdtemp(prefix="magnet-pg-"))  # in /tmp, which the postgres user can reach
        if self.as_owner:
            import pwd

            owner = pwd.getpwnam("postgres")
            os.chown(self.home, owner.pw_uid, owner.pw_gid)
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/magnet"
        self.run(self.initdb, "-D", str(self.home / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--locale=C", "--no-sync")

    def run(self, *args: str) -> None:
        result = subprocess.run([*self.as_owner, *args], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {result.stderr or result.stdout}")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(self.pg_ctl, "-D", str(self.home / "data"), "-l", str(self.home / "log"), "-w", "-t", "60",
                 "-o", options, "start")

    def stop(self) -> None:
        self.run(self.pg_ctl, "-D", str(self.home / "data"), "-m", "fast", "-w", "stop")

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self.stop()
        shutil.rmtree(self.home, ignore_errors=True)


def json_of(text: str) -> dict[str, Any]:
    with contextlib.suppress(ValueError):
        found = json.loads(text)
        return found if isinstance(found, dict) else {}
    return {}


def answers(browser: Browser, method: str, path: str, body: dict | None = None) -> tuple[int, str, float]:
    started = time.perf_counter()
    if body is None:
        status, data, _ = browser.send(method, path)
    else:
        status, data, _ = browser.post_json(path, body)
    return status, data.decode("utf-8", "replace"), time.perf_counter() - started


def database_outage(folder: Path) -> Verdict:
    verdict = Verdict("PostgreSQL stopped under the running app, then started again", "PostgreSQL")
    cluster = Cluster()
    server = None
    try:
        cluster.start()
        cluster.run(pg_tool("createdb") or "createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres",
                    "magnet")
        load_demo(cluster.url)
        cast = Cast.read(cluster.url)
        server = Server(cluster.url, folder / "outage.log")
        server.start()
        member = Browser(server.port)
        member.sign_in(writers(cast, 1)[0])
        workers = server.workers_pids()
        up = [answers(member, "GET", "/")[0], answers(member, "GET", "/healthz")[0]]
        verdict.check(f"with the database up, the dashboard and /healthz answer 200 ({up})", up == [200, 200])

        cluster.stop()
        page = answers(member, "GET", "/")
        health = answers(member, "GET", "/healthz")
        visit = {"uuid": str(uuid.uuid4()), "visited_on": today(), "kind": "call_on",
                 "enterprise_id": cast.enterprises[0], "summary": "断库期间登记"}
        api = answers(member, "POST", "/api/v1/visits", visit)
        verdict.notes.append(f"database down: dashboard {page[0]} in {page[2] * 1000:.0f} ms, /healthz {health[0]} "
                             f"{json.dumps(json_of(health[1]), ensure_ascii=False)}, POST /api/v1/visits {api[0]} "
                             f"{json.dumps(json_of(api[1]), ensure_ascii=False)}")
        verdict.check("the dashboard answers the 503 page in Chinese: 服务暂不可用, 数据库暂时无法连接",
                      page[0] == 503 and "服务暂不可用" in page[1] and "数据库暂时无法连接" in page[1])
        verdict.check("/healthz answers 503 with JSON saying the database is unreachable",
                      health[0] == 503 and json_of(health[1]).get("database") == "unreachable")
        verdict.check("the API answers 503 JSON (no 500)",
                      api[0] == 503 and json_of(api[1]).get("error") == "unavailable")
        verdict.check(f"answers come at once, not after a hang ({max(page[2], health[2], api[2]):.2f} s)",
                      max(page[2], health[2], api[2]) < 5)

        cluster.start()
        started = time.monotonic()
        recovered = wait_until(lambda: answers(member, "GET", "/healthz")[0] == 200, 30)
        took = time.monotonic() - started
        after = [answers(member, "GET", "/")[0], answers(member, "POST", "/api/v1/visits", visit)[0]]
        verdict.notes.append(f"database back: /healthz 200 after {took:.2f} s; dashboard {after[0]}, "
                             f"the visit sent again {after[1]}")
        verdict.check("/healthz answers 200 again by itself", recovered)
        verdict.check(f"the signed-in dashboard answers 200 and the refused visit is logged when sent again ({after})",
                      after == [200, 201])
        verdict.check("the same gunicorn workers serve: nothing was restarted", server.workers_pids() == workers)
        member.close()
    finally:
        if server:
            server.stop()
        cluster.close()
    return verdict


# --- running them ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sizes:
    kills: int
    writes_between: int
    import_rows: int
    backup_seconds: float


FULL = Sizes(kills=5, writes_between=100, import_rows=20_000, backup_seconds=4)
QUICK = Sizes(kills=2, writes_between=15, import_rows=3_000, backup_seconds=1)


def run_checks(kinds: list[str], only: list[str], sizes: Sizes, folder: Path) -> list[Verdict]:
    verdicts = []
    for kind in kinds:
        if not set(only) & {"kill", "import", "backup"}:
            continue
        source = DemoSource(kind, folder)
        try:
            if "kill" in only:
                verdicts.append(killed_worker(source, folder, sizes.kills, sizes.writes_between))
            if "import" in only:
                verdicts.append(interrupted_import(source, folder, sizes.import_rows))
            if "backup" in only:
                verdicts.append(backup_under_writes(source, folder, sizes.backup_seconds))
        finally:
            source.close()
    if "outage" in only and "postgresql" in kinds:
        verdicts.append(database_outage(folder))
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"),
                        help="default: both when PostgreSQL answers on 127.0.0.1:5432, else sqlite")
    parser.add_argument("--only", nargs="+", choices=CHECKS, default=list(CHECKS), help="the checks to run")
    parser.add_argument("--quick", action="store_true", help="small bursts and files (the test suite's form)")
    args = parser.parse_args(argv)
    choice = args.database or ("both" if pg_answers() else "sqlite")
    if choice != "sqlite" and not pg_answers():
        print(f"PostgreSQL does not answer at {PG_SERVER}", file=sys.stderr)
        return 2
    kinds = ["sqlite", "postgresql"] if choice == "both" else [choice]
    with tempfile.TemporaryDirectory(prefix="magnet-faults-") as tmp:
        try:
            verdicts = run_checks(kinds, args.only, QUICK if args.quick else FULL, Path(tmp))
        except (RuntimeError, FileNotFoundError) as error:  # RunFailed, or a cluster that would not start
            print(error, file=sys.stderr)
            return 2
    for verdict in verdicts:
        verdict.show()
    failed = [v for v in verdicts if not v.passed]
    print(f"\n{len(verdicts) - len(failed)} of {len(verdicts)} fault checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
