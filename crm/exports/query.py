"""Rows read for an export: streamed from the database a batch at a time, never all at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, func, select

from ..access.tenancy import carried, limited_core
from ..extensions import db

BATCH = 1000  # rows fetched at a time (a server-side cursor on PostgreSQL)


def stream(query: Select[Any]) -> Iterator[Any]:
    """The query's rows, fetched in batches, inside the district's reach of the work that asked for them.

    Run on the session's connection as a plain select of columns: no ORM objects are wanted, and the ORM's
    row handling would cost a third more than reading the rows. The connection runs no session events, so the
    district's criteria are added here, when the rows are first asked for (a CSV download reads them after its
    view has returned): the reach is taken now and carried to that moment.
    """
    def rows() -> Iterator[Any]:
        limited = limited_core(query).execution_options(yield_per=BATCH)
        yield from db.session.connection().execute(limited)
    return carried(rows())


def count_of(query: Select[Any]) -> int:
    """How many rows the query gives."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
