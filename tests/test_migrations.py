"""The migrations build, on an empty SQLite or PostgreSQL database, exactly the schema the models describe."""

import json
import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from crm import create_app
from crm.demo.district import load_district
from crm.domain.periods import today
from crm.extensions import db
from tests.conftest import CI, FAST_SETTINGS, PG_SERVER, unavailable


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    server = os.environ.get("TEST_DATABASE_URL") or (PG_SERVER if CI else None)
    if not server:
        pytest.skip("PostgreSQL tests run when TEST_DATABASE_URL is set or CI=true")
    name = f"magnet_migrate_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL at {server} is unreachable: {error}")
    yield server.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def migrating_app(empty_database_url: str):
    app = create_app(FAST_SETTINGS | {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_differences() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_to_head_matches_the_models(migrating_app):
    upgrade()
    assert schema_differences() == []
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables


def test_downgrade_to_base_and_back(migrating_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert schema_differences() == []


def test_constraints_have_conventional_names(migrating_app):
    upgrade()
    inspector = inspect(db.engine)
    names = [fk["name"] for table in db.metadata.tables for fk in inspector.get_foreign_keys(table)]
    assert names and all(name and name.startswith("fk_") for name in names)


FUNDS = {"funds_yuan", "fixed_asset_done_yuan", "funds_yi", "fixed_asset_done_yi", "funds", "fixed_asset"}


def without_funds(value: object) -> object:
    """Figures but 到资: its tranches, the targets set for it and its parts of a score are newer than the schema
    taken down to, and go with it."""
    if isinstance(value, dict):
        return {key: without_funds(item) for key, item in value.items() if key not in FUNDS}
    if isinstance(value, list):
        return [without_funds(item) for item in value if not (isinstance(item, dict) and item.get("metric") in FUNDS)]
    return value


@pytest.mark.slow  # migrates a whole demo
def test_a_single_district_install_migrates_with_every_figure_unchanged(migrating_app):
    """The district demo without neighbours, taken back to the schema before districts and up again."""
    runner = migrating_app.test_cli_runner()
    upgrade()
    load_district(today().year, 1, neighbours=False)
    db.session.commit()

    def figures() -> dict[str, object]:
        db.session.remove()
        out = {}
        for name, args in (("summary", ["summary", "--json"]), ("summary q1", ["summary", "--json", "--quarter", "1"]),
                           ("teams", ["rankings", "teams", "--json"]),
                           ("teams q1", ["rankings", "teams", "--json", "--quarter", "1"]),
                           ("projects", ["rankings", "projects", "--json"])):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
            out[name] = without_funds(json.loads(result.output))
        return out

    before = figures()
    assert before["summary"]["signed_projects"] == 60 and before["summary"]["signed_investment_yuan"] == 57_200_000_000
    db.session.remove()
    downgrade(revision="15bfbadf2b92")  # the schema of a single-district install
    with db.engine.connect() as conn:
        assert "district" not in inspect(conn).get_table_names()
    upgrade()
    assert figures() == before
