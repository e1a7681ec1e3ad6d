"""A write from a reading request (an audit row, a session's touch) waits its turn on SQLite instead of failing.

A GET's transaction begins deferred. If it reads and then writes after another connection has written, SQLite
refuses the write at once (SQLITE_BUSY_SNAPSHOT), whatever the busy timeout: the audit page, a refusal or an export
answered 503 "database is locked" when two of them met. `written_apart` writes in a transaction that takes the write
lock at BEGIN.
"""

import sqlite3

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from crm.core.audit import record
from crm.core.database import written_apart
from crm.extensions import db
from crm.models import AuditEvent, User


def another_writer_commits(app) -> None:
    """A second connection to the same file writes and commits, as another worker's request would."""
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.begin() as connection:
        connection.execute(text("UPDATE district SET active = NOT active"))
    other.dispose()


# SQLite's locking alone: PostgreSQL's writers wait for each other's row locks and nothing is refused at BEGIN.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def sqlite_app(app):
    return app


@SQLITE_ONLY
def test_a_write_after_reading_in_a_get_is_refused_by_sqlite(sqlite_app, home_district):
    """Why it is needed: the request reads, someone else writes, the request's own write is refused at once."""
    db.session.commit()
    with sqlite_app.test_request_context("/audit/", method="GET"):
        db.session.scalar(select(User.id).execution_options(all_districts=True))
        another_writer_commits(sqlite_app)
        record("audit_view", detail="read in place")
        with pytest.raises(OperationalError, match="locked|busy"):
            db.session.commit()
        db.session.rollback()


@SQLITE_ONLY
def test_written_apart_holds_the_write_lock_from_its_first_statement(sqlite_app, home_district):
    db.session.commit()
    path = sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with sqlite_app.test_request_context("/audit/", method="GET"), written_apart(db.session):
        db.session.scalar(select(User.id).execution_options(all_districts=True))  # its first statement reads
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # another writer must wait for this one
        other.close()
        record("audit_view", detail="read apart")
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "audit_view")) == "read apart"
