"""The district demo, loaded through `flask demo` once per database in a test process, then copied.

Loading it takes about 2 s; on SQLite a test after the first gets a copy of the loaded file instead (SQLite's
backup API, into the test's own database), with the command's own output. PostgreSQL loads it each time.
"""

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskCliRunner

from crm.domain.periods import today
from crm.extensions import db

YEAR = today().year

_loaded: dict[str, tuple[Path, str]] = {}  # database URL → (the loaded copy, the command's output)


def load_demo(runner: FlaskCliRunner, snapshots: Path, *args: str) -> str:
    """`flask demo --year YEAR --json` into the empty test database; return its output."""
    url = str(db.engine.url)
    if db.engine.dialect.name == "sqlite" and url in _loaded:
        copy, output = _loaded[url]
        restore(copy)
        return output
    result = runner.invoke(args=["demo", "--year", str(YEAR), "--json", *args])
    assert result.exit_code == 0, result.output
    if db.engine.dialect.name == "sqlite":
        copy = snapshots / f"demo-{len(_loaded)}.sqlite"
        with db.engine.connect() as connection, sqlite3.connect(copy) as target:
            connection.connection.driver_connection.backup(target)
        target.close()
        _loaded[url] = (copy, result.output)
    return result.output


def restore(copy: Path) -> None:
    """Overwrite the test database with the loaded copy, every connection to it closed first."""
    db.session.remove()
    db.engine.dispose()
    source = sqlite3.connect(copy)
    raw = db.engine.raw_connection()
    try:
        source.backup(raw.driver_connection)
    finally:
        raw.close()
        source.close()
    db.engine.dispose()


@pytest.fixture(scope="session")
def demo_snapshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.fixture
def demo_output(runner: FlaskCliRunner, demo_snapshots: Path) -> dict[str, Any]:
    """The district demo for this year, loaded as `flask demo --year YEAR --json` does; its JSON output."""
    return json.loads(load_demo(runner, demo_snapshots))
