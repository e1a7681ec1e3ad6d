"""The app under test: a fresh app and an empty database per test, on SQLite and on PostgreSQL.

Each test gets an app of its own, but the process compiles each template once (a bytecode cache the apps share)
and empties the database in one transaction: a test pays for what it does, not for the app around it.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import text

from crm import create_app
from crm.access.tenancy import within
from crm.extensions import db
from crm.models import User
from crm.models.audit import guard_statements, unguard_statements

CI = os.environ.get("CI") == "true"
PASSWORD = "Correct-Horse-Battery"  # meets the default password policy
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
ENGLISH_PO = Path(__file__).resolve().parents[2] / "crm" / "translations" / "en" / "LC_MESSAGES" / "messages.po"

FAST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test",
    "WTF_CSRF_ENABLED": False,
    "SESSION_COOKIE_SECURE": False,
    # argon2id at its smallest: the real cost is tested once, not paid per login
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
    # most tests sign admins and leaders in with a password alone; the second factor's own tests set the default list
    "MFA_REQUIRED_ROLES": [],
}


def unavailable(reason: str) -> None:
    """Skip on a laptop; fail in CI, where every test must run."""
    if CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `postgresql` every test that runs on PostgreSQL (`make check` leaves them out by marker)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgresql" in callspec.params.values():
            item.add_marker(pytest.mark.postgresql)


class CompiledTemplates(BytecodeCache):
    """The templates compiled once per test process, for every app it makes (compiling them all takes ~0.6 s).

    Jinja checks each template's source against its checksum, so an edited template is compiled again.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


@pytest.fixture(scope="session")
def compiled_catalogue() -> Path:
    """The compiled English catalogue; `make test` builds it, a bare pytest run builds it here."""
    mo = ENGLISH_PO.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < ENGLISH_PO.stat().st_mtime:
        with ENGLISH_PO.open("rb") as f:
            catalogue = read_po(f, locale="en")
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
        with partial.open("wb") as f:
            write_mo(f, catalogue, use_fuzzy=True)
        partial.replace(mo)  # atomic, so a concurrent run never reads half a file
    return mo


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database of this run's own, dropped at the end."""
    server = os.environ.get("TEST_DATABASE_URL") or (PG_SERVER if CI else None)
    if not server:
        pytest.skip("PostgreSQL tests run when TEST_DATABASE_URL is set or CI=true")
    name = f"magnet_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL at {server} is unreachable: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = server.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}/{name}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Every test that uses the app runs once per database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    return request.getfixturevalue("pg_database")


_schema_ready: set[str] = set()


def empty_database() -> None:
    """Create the schema once per database, then empty every table between tests, in one transaction."""
    url = str(db.engine.url)
    if url not in _schema_ready:
        db.drop_all()
        db.create_all()
        _schema_ready.add(url)
        return
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        # DELETE is much faster than TRUNCATE on tables this small; team and user refer to each other. The audit
        # trail's guard refuses to delete young events: it is lifted while the tables empty, and put back
        with db.engine.begin() as conn:
            conn.execute(text('UPDATE "team" SET leader_id = NULL'))
            for statement in unguard_statements("postgresql"):
                conn.exec_driver_sql(statement)
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
            for statement in guard_statements("postgresql"):
                conn.exec_driver_sql(statement)
        return
    # team and user refer to each other; SQLite can only pause foreign keys outside a transaction. One
    # transaction, not a commit (and its fsync) per table: the connections run in autocommit (crm/core/database.py)
    raw = db.engine.raw_connection()
    cursor = raw.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    try:
        cursor.execute("BEGIN IMMEDIATE")
        try:
            for statement in unguard_statements("sqlite"):  # the audit trail's guard refuses to delete young events
                cursor.execute(statement)
            for table in tables:
                cursor.execute(f'DELETE FROM "{table}"')
            for statement in guard_statements("sqlite"):
                cursor.execute(statement)
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
    finally:
        cursor.execute("PRAGMA foreign_keys=ON")
        raw.close()


@pytest.fixture
def app_config(database_url: str, tmp_path) -> dict[str, Any]:
    """The settings of the test app; a test may change them before asking for `app`."""
    return FAST_SETTINGS | {"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_FOLDER": str(tmp_path / "uploads")}


class RequestContextClient(FlaskClient):
    """Runs each request in an app context of its own, as a server does: its own g and database session.

    The test's own session commits before each request and reloads what it holds after it,
    so the test sees exactly what the request committed, and nothing it left uncommitted.
    """

    def open(self, *args: Any, **kwargs: Any):
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


def make_test_app(config: dict[str, Any]) -> Flask:
    """An app with the test client, sharing the process's compiled templates."""
    app = create_app(config)
    app.test_client_class = RequestContextClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


@contextmanager
def running_app(config: dict[str, Any]) -> Iterator[Flask]:
    """An app on an empty database, its test client's requests each in their own context; torn down after."""
    app = make_test_app(config)
    # the test's own set-up and checks read every district, as the operator's command line does; each request
    # forgets that reach and declares its user's
    with app.app_context(), within(None, "a test's own set-up and checks"):
        empty_database()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    with running_app(app_config) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def login(client: FlaskClient) -> Callable[..., Any]:
    """Sign a user in through the real form."""
    def sign_in(user: User | str, password: str = PASSWORD):
        username = user if isinstance(user, str) else user.username
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.text
        return response
    return sign_in


@pytest.fixture
def sign_in_as(client: FlaskClient, login: Callable[..., Any]) -> Callable[..., None]:
    """Sign out whoever is signed in, then sign this user in."""
    def switch(user: User | str) -> None:
        client.post("/logout")
        login(user)
    return switch
