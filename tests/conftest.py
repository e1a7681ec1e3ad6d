"""Fixtures: a fresh app and database per test, on SQLite and on PostgreSQL."""

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from crm import create_app
from crm.access.tenancy import within
from crm.auth.services import hash_password
from crm.domain.credit_code import make_credit_code
from crm.enterprises.names import normalise_name
from crm.extensions import db
from crm.models import (
    AgreementKind,
    District,
    Enterprise,
    Lead,
    Project,
    ProjectType,
    Role,
    Team,
    Trip,
    User,
    Visit,
    VisitKind,
)
from crm.models.audit import guard_statements, unguard_statements

pytest_plugins = ["tests.browser_fixtures"]

CI = os.environ.get("CI") == "true"
PASSWORD = "Correct-Horse-Battery"  # meets the default password policy
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
ENGLISH_PO = Path(__file__).resolve().parent.parent / "crm" / "translations" / "en" / "LC_MESSAGES" / "messages.po"

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
    """Create the schema once per database, then empty every table between tests."""
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
    # team and user refer to each other; SQLite can only pause foreign keys outside a transaction
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        for statement in unguard_statements("sqlite"):  # the audit trail's guard refuses to delete young events
            cursor.execute(statement)
        for table in tables:
            cursor.execute(f'DELETE FROM "{table}"')
        for statement in guard_statements("sqlite"):
            cursor.execute(statement)
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
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


@contextmanager
def running_app(config: dict[str, Any]) -> Iterator[Flask]:
    """An app on an empty database, its test client's requests each in their own context; torn down after."""
    app = create_app(config)
    app.test_client_class = RequestContextClient
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
def home_district(app: Flask) -> District:
    """The district every made record belongs to unless a test names another."""
    district = db.session.scalar(select(District).where(District.code == "ZW"))
    if district is None:
        district = District(name="张湾区", code="ZW")
        db.session.add(district)
        db.session.commit()
    return district


@pytest.fixture
def make_district() -> Callable[..., District]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> District:
        n = next(counter)
        district = District(**({"name": f"测试{n}区", "code": f"T{n}"} | fields))
        db.session.add(district)
        db.session.commit()
        return district
    return make


@pytest.fixture
def make_team(home_district: District) -> Callable[..., Team]:
    counter = iter(range(1, 10_000))
    home_id = home_district.id  # read once: a test may empty the database and start again

    def make(**fields: Any) -> Team:
        n = next(counter)
        team = Team(**({"name": f"测试{n}专班", "base_city": "上海", "district_id": home_id} | fields))
        db.session.add(team)
        db.session.commit()
        return team
    return make


_password_hash: dict[str, str] = {}


@pytest.fixture
def make_user(make_team: Callable[..., Team], home_district: District) -> Callable[..., User]:
    counter = iter(range(1, 10_000))
    home_id = home_district.id

    def make(role: Role = Role.MEMBER, **fields: Any) -> User:
        n = next(counter)
        if "team" not in fields and role in (Role.LEAD, Role.MEMBER):
            fields["team"] = make_team()
        if role is not Role.CITY and "district_id" not in fields and "district" not in fields:
            team = fields.get("team")
            fields["district_id"] = team.district_id if team is not None else home_id
        if PASSWORD not in _password_hash:
            _password_hash[PASSWORD] = hash_password(PASSWORD)
        user = User(**({"username": f"{role.value}{n}", "display_name": f"用户{n}", "role": role,
                         "password_hash": _password_hash[PASSWORD]} | fields))
        db.session.add(user)
        db.session.commit()
        return user
    return make


@pytest.fixture
def make_enterprise(home_district: District) -> Callable[..., Enterprise]:
    import random
    rng = random.Random(7)
    counter = iter(range(1, 10_000))
    home_id = home_district.id

    def make(**fields: Any) -> Enterprise:
        n = next(counter)
        name = fields.pop("name", f"测试科技{n}有限公司")
        enterprise = Enterprise(**({"name": name, "name_key": normalise_name(name), "district_id": home_id,
                                    "credit_code": make_credit_code(rng), "industry": "新材料", "province": "上海",
                                    "city": "上海"} | fields))
        db.session.add(enterprise)
        db.session.commit()
        return enterprise
    return make


@pytest.fixture
def make_trip(make_team: Callable[..., Team]) -> Callable[..., Trip]:
    def make(**fields: Any) -> Trip:
        fields.setdefault("team", fields.get("team") or make_team())
        trip = Trip(**({"destination": "上海", "start_on": date(2026, 3, 2), "end_on": date(2026, 3, 4)} | fields))
        db.session.add(trip)
        db.session.commit()
        return trip
    return make


@pytest.fixture
def make_visit(make_team, make_enterprise) -> Callable[..., Visit]:
    def make(**fields: Any) -> Visit:
        fields.setdefault("team", fields.get("team") or make_team())
        fields.setdefault("enterprise", fields.get("enterprise") or make_enterprise())
        visit = Visit(**({"uuid": str(uuid.uuid4()), "visited_on": date(2026, 3, 3), "kind": VisitKind.CALL_ON}
                         | fields))
        db.session.add(visit)
        db.session.commit()
        return visit
    return make


@pytest.fixture
def make_lead(make_team, make_enterprise) -> Callable[..., Lead]:
    def make(**fields: Any) -> Lead:
        fields.setdefault("team", fields.get("team") or make_team())
        fields.setdefault("enterprise", fields.get("enterprise") or make_enterprise())
        lead = Lead(**({"title": "新材料项目", "intended_investment_yuan": 200_000_000} | fields))
        db.session.add(lead)
        db.session.commit()
        return lead
    return make


@pytest.fixture
def make_project(make_team, make_enterprise) -> Callable[..., Project]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> Project:
        n = next(counter)
        fields.setdefault("team", fields.get("team") or make_team())
        fields.setdefault("enterprise", fields.get("enterprise") or make_enterprise())
        project = Project(**({"code": f"T-2026-{n:03d}", "name": f"测试项目{n}", "signed_on": date(2026, 3, 5),
                              "agreement_kind": AgreementKind.CONTRACT, "project_type": ProjectType.NEW,
                              "total_investment_yuan": 150_000_000, "verified": True} | fields))
        db.session.add(project)
        db.session.commit()
        return project
    return make
