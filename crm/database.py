"""Engine settings per database: SQLite is tuned for many readers and one writer."""

from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure_engine(engine: Engine) -> None:
    """Apply the per-connection settings the engine's database needs."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", sqlite_connect):
        return
    event.listen(engine, "connect", sqlite_connect)
    event.listen(engine, "begin", sqlite_begin)


def sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL for concurrent readers, a busy timeout instead of 'database is locked', foreign keys on."""
    # Let SQLAlchemy's begin event issue BEGIN itself, so writes can take the lock up front.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged write survives a power cut, not only a crash
    cursor.close()


def sqlite_begin(connection: Any) -> None:
    """Reads begin deferred; anything that may write takes the write lock at BEGIN.

    A deferred transaction that later writes can fail with SQLITE_BUSY without waiting;
    BEGIN IMMEDIATE waits its turn under the busy timeout instead.
    """
    reading = has_request_context() and request.method in READ_METHODS
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")
