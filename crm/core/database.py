"""Engine settings per database: SQLite is tuned for many readers and one writer, and told what it cannot count."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Boolean, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_writing_apart: ContextVar[bool] = ContextVar("writing_apart", default=False)


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
    reading = has_request_context() and request.method in READ_METHODS and not _writing_apart.get()
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


@contextmanager
def written_apart(session: Session) -> Iterator[None]:
    """Write in a transaction of its own, committed on leaving: an audit row or a touch from a request that reads.

    The request's reading transaction ends first. On SQLite the new one takes the write lock at BEGIN even in a
    GET: a deferred transaction that reads and then writes fails at once (SQLITE_BUSY_SNAPSHOT) if another
    connection wrote in between, where BEGIN IMMEDIATE waits its turn.
    """
    session.commit()
    token = _writing_apart.set(True)
    try:
        yield
        session.commit()
    finally:
        _writing_apart.reset(token)


class likely(FunctionElement[bool]):  # lower case, as SQLAlchemy names its SQL functions
    """A condition that holds for most rows, said so to SQLite's planner (likely(X) is X); other databases read X.

    SQLite plans without statistics (nothing here runs ANALYZE, and the reports are tuned to plans made without
    them): it takes an equality or IN on an indexed column to keep about ten rows a value. Where a condition keeps
    nearly every row, such as a district's limit in its own user's reads, that guess makes it read the district
    through the index and sort it all for a page of 50; told the truth, it walks the list's order and stops.
    """

    type = Boolean()
    name = "likely"
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition as it stands: SQLite must not read it as `likely(X) = 1`


@compiles(likely)
def _plain(element: likely, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)})"


@compiles(likely, "sqlite")
def _hinted(element: likely, compiler: Any, **kw: Any) -> str:
    return f"likely({compiler.process(element.clauses, **kw)})"
