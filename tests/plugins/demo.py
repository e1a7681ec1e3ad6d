"""The district demo, loaded through `flask demo` once per database in a test process, then copied.

Loading it takes 2 s or more; a test after the first gets a copy of the loaded database instead, with the command's
own output: on SQLite through the backup API, into the test's own file; on PostgreSQL the test database is made
again from a template database holding the loaded demo.
"""

import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask.testing import FlaskCliRunner

from crm.domain.periods import today
from crm.extensions import db
from tests.plugins.app import PG_SERVER

YEAR = today().year

_loaded: dict[str, tuple[str, str]] = {}  # test database URL → (its loaded copy: a file or a database, the output)


def load_demo(runner: FlaskCliRunner, snapshots: Path) -> str:
    """`flask demo --year YEAR --json` into the empty test database; return its output."""
    url = db.engine.url.render_as_string(hide_password=False)
    if url in _loaded:
        copy, output = _loaded[url]
        restore(copy)
        return output
    result = runner.invoke(args=["demo", "--year", str(YEAR), "--json"])
    assert result.exit_code == 0, result.output
    _loaded[url] = (keep(snapshots), result.output)
    return result.output


def keep(snapshots: Path) -> str:
    """Copy the loaded test database aside; return where the copy is."""
    db.session.remove()
    db.engine.dispose()
    if db.engine.dialect.name == "sqlite":
        copy = snapshots / f"demo-{uuid.uuid4().hex[:8]}.sqlite"
        source, target = sqlite3.connect(db.engine.url.database), sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return str(copy)
    name = f"magnet_demo_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{db.engine.url.database}"')
    _templates.append(name)
    return name


def restore(copy: str) -> None:
    """Make the test database the loaded copy again, every connection to it closed first."""
    db.session.remove()
    db.engine.dispose()
    if db.engine.dialect.name == "sqlite":
        source, target = sqlite3.connect(copy), sqlite3.connect(db.engine.url.database)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        return
    test_database = db.engine.url.database
    with psycopg.connect(pg_server(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{test_database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{test_database}" TEMPLATE "{copy}"')


def pg_server() -> str:
    return os.environ.get("TEST_DATABASE_URL") or PG_SERVER


_templates: list[str] = []


@pytest.fixture(scope="session")
def demo_snapshots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the loaded copies are kept; the PostgreSQL ones are dropped at the end."""
    yield tmp_path_factory.mktemp("demo")
    if _templates:
        with psycopg.connect(pg_server(), autocommit=True) as admin:
            for name in _templates:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _templates.clear()


@pytest.fixture
def demo_output(runner: FlaskCliRunner, demo_snapshots: Path) -> dict[str, Any]:
    """The district demo for this year, loaded as `flask demo --year YEAR --json` does; its JSON output."""
    return json.loads(load_demo(runner, demo_snapshots))


@pytest.fixture
def demo_logins(demo_output: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """The district demo, loaded through `flask demo`; each role's username and password."""
    db.session.commit()  # leave no transaction open against the live server
    return {role: (login["username"], login["password"]) for role, login in demo_output["logins"].items()}
