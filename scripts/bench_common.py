"""What the report benchmarks share: the databases, plain SQL through the driver, the app signed in, timing.

The benchmarks compare the app against hand-written SQL on the same database in the same run, so both sides
see the same data, the same caches and the same machine load. The SQL here is written plainly for the DB-API
drivers (sqlite3, psycopg) with :name parameters; it reads the same columns the models map.

Besides wall-clock time, both sides can be read by *driver time*: the time spent inside the DB-API driver's
calls that execute a statement and fetch its rows, summed over the statements (`PlainDB.driver_seconds`, and
`StatementClock` for the app's engine). On SQLite that is the database engine's own work, which runs in-process
and partly while rows are fetched; on PostgreSQL it is the round trip, the server's work and the driver turning
the rows into Python values. It leaves out what lies around the driver: building the statement, the ORM making
objects of the rows, the page's Python.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python scripts/x.py` from anywhere: the crm package is beside scripts/
    sys.path.insert(0, str(ROOT))

from crm.domain.money import YUAN_PER_YI as YI  # noqa: E402  the app's one 亿
from crm.domain.sizes import SIZE_FLOORS_YI  # noqa: E402

DEFAULT_URLS = ("sqlite:////tmp/province.db", "postgresql://postgres@127.0.0.1:5432/bench")
PASSWORD = "magnet-demo-2026"  # the demo logins' password
LOCAL = ZoneInfo("Asia/Shanghai")
SIZE_FLOORS = tuple(floor * YI for floor in SIZE_FLOORS_YI)  # 亿元以上, 10亿元以上 … 100亿元以上, in yuan
PAGE_SIZE = 50
TARGET_RATIO = 1.5
SECOND_STEP = ("/login/code", "/account/second-factor")  # where a sign-in still waiting for a code is sent

# The signed-in user's district: a record belongs to it through its team (the app limits every query so).
DISTRICT_TEAMS = "team_id IN (SELECT id FROM team WHERE district_id = :district)"
# 亿元以上项目榜, first page: counted (verified, not voided) projects of at least 1亿元 signed in the period.
YI_WHERE = f"""p.verified = TRUE AND p.voided = FALSE AND p.signed_on BETWEEN :start AND :end
  AND p.total_investment_yuan >= :floor AND p.{DISTRICT_TEAMS}"""
YI_TEAM_OPTIONS = "SELECT id, name FROM team WHERE district_id = :district ORDER BY active DESC, name"
YI_INDUSTRY_OPTIONS = f"""SELECT DISTINCT industry FROM project WHERE industry IS NOT NULL AND {DISTRICT_TEAMS}
  ORDER BY industry"""
YI_PAGE = f"""
SELECT p.id, p.code, p.name, p.total_investment_yuan, p.industry, p.signed_on, p.status, e.name, t.name
FROM project p JOIN enterprise e ON e.id = p.enterprise_id JOIN team t ON t.id = p.team_id
WHERE {YI_WHERE} AND e.district_id = :district AND t.district_id = :district
ORDER BY p.total_investment_yuan DESC, p.signed_on, p.code
LIMIT :limit OFFSET :offset"""
YI_TOTALS = f"""
SELECT count(*), coalesce(sum(p.total_investment_yuan), 0),
       {", ".join(f"count(*) FILTER (WHERE p.total_investment_yuan >= {floor})" for floor in SIZE_FLOORS)}
FROM project p WHERE {YI_WHERE}"""


class PlainDB:
    """One connection through the plain DB-API driver, with :name parameters on both databases."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            self.kind = "sqlite"
            self.conn: Any = sqlite3.connect(url.removeprefix("sqlite:///"), check_same_thread=False)
        elif url.startswith(("postgresql://", "postgres://")):
            import psycopg

            self.kind = "postgresql"
            self.conn = psycopg.connect(url)
        else:
            raise ValueError(f"not a SQLite or PostgreSQL URL: {url}")
        self._sql: dict[str, str] = {}
        self.driver_seconds = 0.0  # time inside the driver's execute and fetch calls, summed (see the module's doc)
        # the home district, whose admin the benchmarks sign in as (:district in every statement that needs it)
        self.district = self.conn.execute("SELECT min(id) FROM district").fetchone()[0]
        self.conn.rollback()

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """Run one statement and fetch all its rows."""
        statement, given = self.spelled(sql), {"district": self.district} | params
        started = time.perf_counter()
        found = self.conn.execute(statement, given).fetchall()
        self.driver_seconds += time.perf_counter() - started
        return found

    def spelled(self, sql: str) -> str:
        """The statement in the driver's parameter style (sqlite3 takes :name; psycopg wants %(name)s)."""
        if self.kind == "sqlite":
            return sql
        if sql not in self._sql:
            self._sql[sql] = re.sub(r"(?<!:):([a-z_]+)", r"%(\1)s", sql.replace("%", "%%"))
        return self._sql[sql]

    def instant(self, moment: datetime) -> Any:
        """A timestamp parameter as each database stores UTC instants (SQLite: naive UTC text)."""
        utc = moment.astimezone(UTC)
        return utc.replace(tzinfo=None).isoformat(" ", "microseconds") if self.kind == "sqlite" else utc

    def likely(self, condition: str) -> str:
        """A condition that holds for most rows, said so to SQLite's planner as the app says it of a district's limit
        (crm.core.database.likely): without statistics SQLite takes an indexed equality to keep a handful of rows."""
        return f"likely({condition})" if self.kind == "sqlite" else condition

    def month(self, column: str) -> str:
        """SQL for the 'YYYY-MM' of a date column."""
        return f"substr({column}, 1, 7)" if self.kind == "sqlite" else f"to_char({column}, 'YYYY-MM')"

    def end(self) -> None:
        """End the read transaction, as the app does at the end of a request."""
        self.conn.rollback()

    def close(self) -> None:
        self.conn.close()


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Local days start..end as a half-open range of instants."""
    return (datetime.combine(start, clock.min, LOCAL), datetime.combine(end + timedelta(days=1), clock.min, LOCAL))


def yi_first_page(db: PlainDB, start: date, end: date) -> dict[str, Any]:
    """Everything the ranking's first page shows: the filters' choices, the totals, the first 50 rows."""
    window = {"start": start.isoformat(), "end": end.isoformat(), "floor": YI}
    teams = db.rows(YI_TEAM_OPTIONS)
    industries = [name for (name,) in db.rows(YI_INDUSTRY_OPTIONS)]
    count, total, *buckets = db.rows(YI_TOTALS, **window)[0]
    rows = db.rows(YI_PAGE, **window, limit=PAGE_SIZE, offset=0)
    db.end()
    return {"teams": teams, "industries": industries, "count": count, "total_yuan": int(total),
            "buckets": [int(n) for n in buckets], "rows": rows}


def sqlalchemy_url(url: str) -> str:
    """The URL spelled for SQLAlchemy's psycopg 3 driver."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def reachable(url: str) -> bool:
    """Whether the database exists and has the demo data's tables."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return False  # sqlite3 would create an empty file
    try:
        db = PlainDB(url)
        try:
            db.rows("SELECT count(*) FROM project")
        finally:
            db.close()
    except Exception as error:
        print(f"skipping {url}: {str(error).strip().splitlines()[0]}", file=sys.stderr)
        return False
    return True


def chosen_urls(given: Sequence[str] | None) -> list[str]:
    """The databases to run on: those given, else the default ones that answer."""
    if given:
        return list(given)
    return [url for url in DEFAULT_URLS if reachable(url)]


def leader_login(db: PlainDB) -> str:
    """The username of the first active district leader (leader001 in the province demo)."""
    found = db.rows("""SELECT username FROM "user" WHERE role = 'leader' AND active = TRUE
                       AND district_id = :district ORDER BY id LIMIT 1""")
    db.end()
    if not found:
        raise SystemExit("no active leader in this database: load the demo data first")
    return found[0][0]


def production_app(url: str) -> Any:
    """The app as served: production settings, a random secret, cookies allowed over loopback http.

    The demo's logins sign in with their password alone, as under `make run` (MFA_REQUIRED_ROLES empty): the
    benchmarks time pages, not sign-in, and enrolling a second factor would change the demo database they read.
    """
    from crm import create_app
    from crm.access.tenancy import declare

    declare(None, "a benchmark's own set-up and checks read every district")
    return create_app({"SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url), "SECRET_KEY": secrets.token_hex(32),
                       "SESSION_COOKIE_SECURE": False, "MFA_REQUIRED_ROLES": []})


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not found:
        raise SystemExit("the sign-in page has no CSRF token")
    return found.group(1)


def signed_in_client(app: Any, username: str, password: str = PASSWORD) -> Any:
    """A test client signed in through the real form."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    if response.status_code != 302 or urlsplit(response.location).path in SECOND_STEP:
        raise SystemExit(f"signing in as {username} failed: HTTP {response.status_code} to {response.location} "
                         "(a login with a second factor enrolled cannot be benchmarked)")
    return client


def median_ms(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1000


def alternately(measures: Sequence[Callable[[], Sequence[float]]], runs: int, warmup: int) -> list[list[float]]:
    """Median milliseconds of measures run in turn, so drift in machine load hits them alike.

    Each measure does its work once and returns the seconds it measured (one figure or more, such as a page's wall
    time and its driver time); the result holds the median of each figure of each measure.
    """
    for _ in range(warmup):
        for measure in measures:
            measure()
    samples: list[list[list[float]]] = [[] for _ in measures]
    for _ in range(runs):
        for measure, taken in zip(measures, samples, strict=True):
            taken.append(list(measure()))
    return [[median_ms(figure) for figure in zip(*taken, strict=True)] for taken in samples]


def wall_time(work: Callable[[], Any]) -> Callable[[], tuple[float]]:
    """A measure of the work's wall-clock time."""
    def measure() -> tuple[float]:
        started = time.perf_counter()
        work()
        return (time.perf_counter() - started,)
    return measure


def interleaved(first: Callable[[], Any], second: Callable[[], Any], runs: int, warmup: int) -> tuple[float, float]:
    """Median milliseconds of two callables run alternately, so drift in machine load hits both alike."""
    (a,), (b,) = alternately([wall_time(first), wall_time(second)], runs, warmup)
    return a, b


class TimedCursor:
    """A DB-API cursor whose fetches add their time to a clock; everything else goes to the cursor itself."""

    def __init__(self, cursor: Any, clock: StatementClock) -> None:
        object.__setattr__(self, "_cursor", cursor)
        object.__setattr__(self, "_clock", clock)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._cursor, name, value)

    def fetchone(self) -> Any:
        return self._clock.timed(self._cursor.fetchone)

    def fetchmany(self, *size: int) -> Any:
        return self._clock.timed(self._cursor.fetchmany, *size)

    def fetchall(self) -> Any:
        return self._clock.timed(self._cursor.fetchall)


class StatementClock:
    """The statements an engine runs, counted, and their driver time: from before the cursor executes a statement
    until the execute returns (the engine's before_cursor_execute and after_cursor_execute events), plus each
    fetch of its rows (the result reads them through a `TimedCursor`), so a statement counts until its last row
    is in Python, whenever the app reads it. One thread at a time: a test client's requests."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.statements, self.seconds, self._started = 0, 0.0, 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_args: Any) -> None:
        self.statements += 1
        self._started = time.perf_counter()

    def _after(self, _conn: Any, cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
        self.seconds += time.perf_counter() - self._started
        if context is not None and context.cursor is cursor:  # the result fetches from the context's cursor
            context.cursor = TimedCursor(cursor, self)

    def timed(self, fetch: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return fetch(*args)
        finally:
            self.seconds += time.perf_counter() - started

    def read(self) -> tuple[int, float]:
        """The statements run and their driver seconds since the last read."""
        read, self.statements, self.seconds = (self.statements, self.seconds), 0, 0.0
        return read


def env_with(**values: str) -> dict[str, str]:
    """The environment for a child process, with the given variables set."""
    return {**os.environ, **values}
