"""Load and faults: scripts/load.py and scripts/faults.py in their short form, and `flask backup` itself.

The full runs (16 users for 60 s, larger bursts and files) give the README's figures; here the same code runs
small, against gunicorn on a fresh copy of the district demo, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm.core.backup import pg_tool
from crm.extensions import db
from crm.models import Role, User
from tests.conftest import CI, PG_SERVER, unavailable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "scripts") not in sys.path:
    sys.path.insert(0, str(ROOT / "scripts"))

import faults  # noqa: E402

pytestmark = pytest.mark.slow


def pg_server() -> str:
    """The PostgreSQL server the suite may create databases on, or a skip."""
    server = os.environ.get("TEST_DATABASE_URL") or (PG_SERVER if CI else None)
    if not server:
        pytest.skip("PostgreSQL tests run when TEST_DATABASE_URL is set or CI=true")
    if not faults.pg_answers(server):
        unavailable(f"PostgreSQL at {server} does not answer")
    return server


def failures(verdict: faults.Verdict) -> str:
    return "\n".join([*verdict.notes, *(f"FAIL {label}" for label, ok in verdict.checks if not ok)])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def demo(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[faults.DemoSource]:
    """The district demo, loaded once per database; each test works on a copy."""
    source = faults.DemoSource(kind, tmp_path_factory.mktemp("demo"), pg_server() if kind == "postgresql" else "")
    yield source
    source.close()


def test_load_run_loses_nothing_and_reports_its_figures(kind: str) -> None:
    env = os.environ | ({"LOAD_PG_SERVER": pg_server()} if kind == "postgresql" else {})
    # The latency target is the script's to measure on a quiet machine, never a test's (CI shares its cores).
    result = subprocess.run([sys.executable, "scripts/load.py", "--database", kind, "--seconds", "5", "--users", "4",
                             "--p95-target", "0"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "errors: 0" in out and "FAIL" not in out, out
    checks = [line for line in out.splitlines() if line.startswith("check:")]
    assert len(checks) == (9 if kind == "sqlite" else 8) and all(line.endswith("PASS") for line in checks), out
    overall = next(line for line in out.splitlines() if line.startswith("all "))
    requests, rps, p50, p95, p99 = overall.split()[1:]
    assert int(requests) > 50 and float(p50) <= float(p95) <= float(p99), out


def test_a_killed_worker_loses_no_acknowledged_visit(demo: faults.DemoSource, tmp_path: Path) -> None:
    verdict = faults.killed_worker(demo, tmp_path, kills=2, writes_between=10)
    assert verdict.passed, failures(verdict)
    assert len(verdict.checks) == (7 if demo.kind == "sqlite" else 6)


def test_an_interrupted_import_leaves_the_database_as_it_was(demo: faults.DemoSource, tmp_path: Path) -> None:
    verdict = faults.interrupted_import(demo, tmp_path, rows=3_000)
    assert verdict.passed, failures(verdict)


def test_a_backup_under_writes_restores_to_the_same_figures(demo: faults.DemoSource, tmp_path: Path) -> None:
    if demo.kind == "postgresql" and not (pg_tool("pg_dump") and pg_tool("pg_restore")):
        unavailable("pg_dump and pg_restore are not installed")
    verdict = faults.backup_under_writes(demo, tmp_path, seconds=1)
    assert verdict.passed, failures(verdict)


@pytest.mark.postgresql  # runs on PostgreSQL alone, without the database parameter that marks the others
def test_postgresql_stopped_gives_503_and_the_app_recovers_by_itself(tmp_path: Path) -> None:
    if not (pg_tool("initdb") and pg_tool("pg_ctl")):
        unavailable("initdb and pg_ctl (the PostgreSQL server binaries) are not installed")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        unavailable("running as root, and runuser is missing to start PostgreSQL as the postgres user")
    verdict = faults.database_outage(tmp_path)
    assert verdict.passed, failures(verdict)


# --- flask backup, in process ---------------------------------------------------------------------------------

def test_backup_writes_a_checked_copy_and_never_overwrites(app, runner, make_user, tmp_path: Path) -> None:
    make_user(Role.MEMBER)
    make_user(Role.LEADER)
    is_sqlite = db.engine.dialect.name == "sqlite"
    if not is_sqlite and not (pg_tool("pg_dump") and pg_tool("pg_restore")):
        unavailable("pg_dump and pg_restore are not installed")
    file = tmp_path / ("copy.sqlite" if is_sqlite else "copy.dump")
    result = runner.invoke(args=["backup", "-o", str(file), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["database"] == db.engine.dialect.name and report["bytes"] == file.stat().st_size > 0
    assert report["tables"]["user"] == db.session.scalar(select(func.count()).select_from(User)) == 2
    if is_sqlite:
        assert report["check"] == "PRAGMA integrity_check: ok"
        with sqlite3.connect(file) as copy:
            assert copy.execute('SELECT count(*) FROM "user"').fetchone()[0] == 2
            assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    else:
        listing = subprocess.run([pg_tool("pg_restore"), "--list", str(file)], capture_output=True, text=True)
        assert listing.returncode == 0 and "TABLE DATA public user" in listing.stdout
    again = runner.invoke(args=["backup", "-o", str(file)])
    assert again.exit_code == 1 and "exists" in again.output
    assert file.stat().st_size == report["bytes"] and not list(tmp_path.glob(".*partial"))
    text = runner.invoke(args=["backup", "-o", str(tmp_path / "second")])
    assert text.exit_code == 0 and ("integrity_check: ok" if is_sqlite else "pg_restore --list") in text.output
