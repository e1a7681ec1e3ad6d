"""The district wall: every read of a district's records runs inside a declared reach, or raises.

A *reach* says which district a unit of work reads: one district (its users, a command given --district, a
job an admin started) or every district (the city's bureau, the operator's command line, a published
aggregate such as the city's ranking of its districts). It lives in a context variable, so it follows the
work it was declared for and nothing else: a request declares it once its user is known and forgets it at
teardown; a new thread starts with none; a stream or job carries the reach of the request that made it
(`carried`, `current`/`within`).

Two checks keep it, and both fail closed:
- every ORM read (pages, the API, exports, figures, lazy loads) gets the district's criteria added
  (`criteria`), or raises `WallError` when no reach was declared and it touches a district's table;
- every statement a connection runs is checked again below the ORM (`before_execute`): a select of a
  district's tables that the ORM did not limit raises unless the reach is every district.

A read that must cross the wall on purpose says so with `.execution_options(all_districts=True)`: finding a
user by session id or username before anyone is signed in, and the city-wide uniqueness of usernames.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import util as sql_util
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.selectable import Select, SelectBase

from .wall_tables import LIMITS

T = TypeVar("T")
CROSSING = "all_districts"  # execution option of a read that crosses the wall on purpose
MARK = "district_reach"
READ_SQL = re.compile(r"\s*(SELECT|WITH|VALUES|TABLE)\b", re.IGNORECASE)  # raw SQL that reads


@dataclass(frozen=True)
class Reach:
    """The district a unit of work reads (None: every district), and why it may."""

    district_id: int | None
    why: str


class WallError(RuntimeError):
    """A read of a district's records outside any declared reach, or around the wall's criteria."""


_reach: ContextVar[Reach | None] = ContextVar("district_reach", default=None)
_END = object()  # the end of a carried stream


def current() -> Reach | None:
    """The reach declared for the work running now (None: none was)."""
    return _reach.get()


def declare(district_id: int | None, why: str) -> Reach:
    """Read one district (None: every district) for the rest of the enclosing work (a script, a test's set-up)."""
    reach = Reach(district_id, why)
    _reach.set(reach)
    return reach


@contextmanager
def entered(reach: Reach | None) -> Iterator[Reach | None]:
    """Run the block inside a reach taken from elsewhere (a request's, carried into its stream or job)."""
    token = _reach.set(reach)
    try:
        yield reach
    finally:
        _reach.reset(token)


def within(district_id: int | None, why: str) -> AbstractContextManager[Reach | None]:
    """Run the block reading one district (None: every district)."""
    return entered(Reach(district_id, why))


def published(aggregate: Callable[..., T]) -> Callable[..., T]:
    """An aggregate the city publishes to every district (its ranking of them): computed over every district.

    Only figures leave it, never a district's records, so a district's leader reads the same numbers as the city.
    """
    @wraps(aggregate)
    def computed(*args: Any, **kwargs: Any) -> T:
        with within(None, f"a published aggregate: {aggregate.__name__}"):
            return aggregate(*args, **kwargs)
    return computed


def carried(rows: Iterable[Any]) -> Iterator[Any]:
    """The rows, read inside the reach declared now, however late the reader asks for them."""
    reach = current()
    if reach is None:
        raise WallError("a stream was made outside any district's reach")
    iterator = iter(rows)

    def read() -> Iterator[Any]:
        # the reach is entered for each row's reading only: a generator that set it across its yields would lend
        # it to whatever runs between them, and could not reset it if closed from another context
        while True:
            with entered(reach):
                row = next(iterator, _END)
            if row is _END:
                return
            yield row
    return read()


def scoped_district() -> int | None:
    """The district the work reads (None: every district); raises when no reach was declared."""
    reach = current()
    if reach is None:
        raise WallError("no district's reach was declared for this work")
    return reach.district_id


@lru_cache(maxsize=1024)
def criteria(district: int) -> tuple[Any, ...]:
    """The WHERE criteria that keep each model's rows to the district (lambdas, so SQLAlchemy caches their SQL).

    Made once per district: every query a district's user makes carries them. Each is `likely`: a district's
    user reads mostly the district's rows, and SQLite's planner, told so, walks a list's index in its order and
    stops after the page instead of reading the whole district through the limit's index to sort it.
    """
    return tuple(with_loader_criteria(model, limit(district), include_aliases=True) for model, limit in LIMITS.items())


@lru_cache(maxsize=1)
def scoped_models() -> dict[Any, Any]:
    """The models the criteria limit, by their table: every table holding a district's records."""
    return {model.__table__: model for model in LIMITS}


@lru_cache(maxsize=1)
def _scoped_names() -> re.Pattern[str]:
    names = "|".join(sorted((table.name for table in scoped_models()), key=len, reverse=True))
    return re.compile(rf"\b({names})\b", re.IGNORECASE)


def touches_district_tables(statement: Any) -> bool:
    """Whether a statement reads a table holding a district's records (raw SQL: whether it names one)."""
    if isinstance(statement, TextClause):  # raw SQL: a read (not a write, not DDL) naming a district's table
        return READ_SQL.match(statement.text) is not None and _scoped_names().search(statement.text) is not None
    tables = scoped_models()
    return any(table in tables for table in sql_util.find_tables(statement, include_aliases=True,
                                                                  include_joins=True))


def limited(statement: Any, district: int, *, orm: bool) -> Any:
    """The select with the district's criteria, marked as limited.

    A select whose columns name a model only inside an aggregate's FILTER (count(*) FILTER (WHERE project…)) runs
    as a Core statement, and the ORM would skip its criteria: naming the model in FROM makes it the ORM's.
    """
    if not orm:
        models = [scoped_models()[table] for table in statement.get_final_froms() if table in scoped_models()]
        if models:
            statement = statement.select_from(*models)
    return statement.options(*criteria(district))


def limited_core(statement: Select[Any]) -> Select[Any]:
    """A Core select for a connection of the session (a stream): limited to the reach, marked as checked."""
    district = scoped_district()
    if district is not None:
        statement = limited(statement, district, orm=False)
    return statement.execution_options(**{MARK: district})


@event.listens_for(Session, "do_orm_execute")
def _keep_to_the_reach(state: ORMExecuteState) -> None:
    if not state.is_select or state.execution_options.get(CROSSING):
        return
    reach = current()
    if reach is None:
        # refreshing an object already held (read inside a reach) is no new read; anything else of a district is
        if not state.is_column_load and touches_district_tables(state.statement):
            raise WallError("a district's records were read outside any district's reach")
    elif reach.district_id is not None:
        state.statement = limited(state.statement, reach.district_id, orm=state.is_orm_statement)
    state.update_execution_options(**{MARK: reach.district_id if reach else None})


@event.listens_for(Engine, "before_execute")
def _no_read_around_the_wall(conn: Any, clause: Any, multiparams: Any, params: Any,
                             execution_options: dict[str, Any]) -> None:
    if not isinstance(clause, SelectBase | TextClause):
        return  # writes, DDL and the driver's own statements (BEGIN, PRAGMA)
    options = {**getattr(clause, "_execution_options", {}), **execution_options}
    reach = current()
    if MARK in options or options.get(CROSSING) or (reach is not None and reach.district_id is None):
        return  # the session's check passed it, or it crosses on purpose, or it may read every district
    if touches_district_tables(clause):
        raise WallError("a district's records were read around the wall's criteria")


def forget() -> Token[Reach | None]:
    """Declare no reach until `restore`: what a request does as it starts, before its user is known."""
    return _reach.set(None)


def restore(token: Token[Reach | None]) -> None:
    """Go back to the reach declared before `forget`."""
    try:
        _reach.reset(token)
    except ValueError:  # restored in another context than the one it was forgotten in
        _reach.set(None)
