"""`flask backup`: a consistent copy of the database while the app keeps running.

SQLite: the online backup API copies the database inside one read transaction, so the copy is the database as
it stood at one instant while writers go on (WAL lets them); the copy is switched out of WAL into a single
self-contained file and checked with PRAGMA integrity_check.
PostgreSQL: pg_dump in its custom format (for pg_restore), reading one exported snapshot in which the rows are
also counted for the report; the archive is then read back with pg_restore --list.
The copy is written beside FILE under a temporary name and renamed only once checked, so FILE is never partial.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import text
from sqlalchemy.engine import URL

from ..extensions import db

PG_BIN = Path("/usr/lib/postgresql")  # where Debian installs each major version's client tools


class BackupFailed(click.ClickException):
    """The copy could not be made or did not pass its check; no file was left under the name asked for."""


@dataclass(frozen=True)
class Backup:
    """What was written, and what was checked."""

    database: str
    file: str
    bytes: int
    seconds: float
    check: str
    tables: dict[str, int]  # rows per table in the copy


def count_rows(execute, names: list[str]) -> dict[str, int]:
    return {name: execute(f'SELECT count(*) FROM "{name}"') for name in names}


def backup_sqlite(path: Path, partial: Path) -> tuple[str, dict[str, int]]:
    """Copy with the online backup API, make the copy one file, check it; the check's verdict and row counts."""
    if not path.is_file():
        raise BackupFailed(f"no SQLite database at {path}")
    source = sqlite3.connect(path, timeout=30)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)  # one step: a single read transaction, so one instant of the database
        target.execute("PRAGMA journal_mode=DELETE")
        verdict = [row[0] for row in target.execute("PRAGMA integrity_check")]
        names = [row[0] for row in target.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        tables = count_rows(lambda sql: target.execute(sql).fetchone()[0], names)
    finally:
        target.close()
        source.close()
    if verdict != ["ok"]:
        raise BackupFailed("the copy failed PRAGMA integrity_check: " + "; ".join(verdict[:5]))
    return "PRAGMA integrity_check: ok", tables


def pg_tool(name: str) -> str | None:
    """A PostgreSQL client program on PATH, else the newest in Debian's versioned folders."""
    if found := shutil.which(name):
        return found
    versions = sorted((p for p in PG_BIN.glob(f"*/bin/{name}") if p.parts[-3].isdigit()),
                      key=lambda p: int(p.parts[-3]))
    return str(versions[-1]) if versions else None


def run_tool(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupFailed(f"{Path(args[0]).name} failed: {result.stderr.strip()}")
    return result.stdout


def backup_postgresql(url: URL, partial: Path) -> tuple[str, dict[str, int]]:
    """pg_dump -Fc of one snapshot, rows counted in the same snapshot; the archive read back with pg_restore."""
    dump, restore = pg_tool("pg_dump"), pg_tool("pg_restore")
    if dump is None or restore is None:
        raise BackupFailed("pg_dump and pg_restore are needed: install the PostgreSQL client tools of the server's "
                           "version or newer (Debian: apt install postgresql-client-15) or put them on PATH")
    env = os.environ | ({"PGPASSWORD": url.password} if url.password else {})
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    with db.engine.connect().execution_options(**options) as conn:
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        names = list(conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")).scalars())
        tables = count_rows(lambda sql: conn.execute(text(sql)).scalar_one(), names)
        run_tool([dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}", f"--dbname={libpq}"], env)
    entries = [line for line in run_tool([restore, "--list", str(partial)], env).splitlines()
               if line and not line.startswith(";")]
    return f"pg_restore --list: {len(entries)} entries", tables


def make_backup(output: Path) -> Backup:
    """Write a checked copy of the app's database to `output` (which must not exist yet)."""
    if output.exists():
        raise BackupFailed(f"{output} exists: choose another name or remove it first")
    if not output.parent.is_dir():
        raise BackupFailed(f"no folder {output.parent}")
    url = db.engine.url
    partial = output.with_name(f".{output.name}.partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                raise BackupFailed("an in-memory SQLite database cannot be backed up")
            check, tables = backup_sqlite(Path(url.database), partial)
        elif url.get_backend_name() == "postgresql":
            check, tables = backup_postgresql(url, partial)
        else:
            raise BackupFailed(f"backing up a {url.get_backend_name()} database is not supported")
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(url.get_backend_name(), str(output), output.stat().st_size,
                  round(time.perf_counter() - started, 3), check, tables)


@click.command("backup")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (SQLite: a database file; PostgreSQL: a pg_dump custom-format archive).")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@with_appcontext
def backup_command(output: Path, as_json: bool) -> None:
    """Write a consistent, checked copy of the database to a file while the app keeps running."""
    backup = make_backup(output)
    if as_json:
        click.echo(json.dumps(asdict(backup), ensure_ascii=False, indent=2))
        return
    click.echo(f"{backup.database} database copied to {backup.file} ({backup.bytes:,} bytes, {backup.seconds} s); "
               f"{backup.check}; {len(backup.tables)} tables, {sum(backup.tables.values()):,} rows")
