"""The list pages bench_reports.py times: the first page of visits, leads and projects, as a district's leader.

Each page is set against hand-written SQL that reads what the page shows: the filters' choices, the first page's
rows (the columns its table needs, joined to the names it prints, in the list's order, LIMIT the page size),
the pager's count as the page counts it (up to a bound past the page), and for projects the totals row, whose
count is the pager's. A row's team is named from the teams the filter lists. Every statement carries the district
limit the app adds: a record is the district's through its team, an enterprise and a person by their own
district; on SQLite the limit is marked `likely`, as the app marks it, so that both sides get the plan that walks
the list's index.

Each page is first checked (it shows the SQL's rows, count and totals), then timed in interleaved runs, each
run requesting the leader's page, running the SQL by hand and requesting the city's page:
- the SQL: the driver time of every statement the leader's request runs (bench_common.StatementClock: from
  before the cursor executes each statement until its rows are fetched, the signed-in user's own row included;
  not the ORM's work around the driver, nor the connection pool's pre-ping, which bypasses the events), against
  the driver time of the SQL by hand (PlainDB.driver_seconds) with the same limit. This is the target, a ratio of
  at most 1.5: the wall's SQL costs no more than SQL written by hand. The city's page's SQL is shown beside it.
- the whole page: the leader's request against the same page requested by the city's user (市招商局, whom the
  wall limits to nothing) asking for the district, `?district=<id>`. Only the project list has that filter; the
  visits and leads lists read every district for the city. So the city's page is compared only when it shows the
  same rows, count and totals as the SQL (at province scale, one district, all three do); otherwise a note says
  so. The ratio is what the wall costs a user in the time they feel (informational, target at most 1.5).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench_common import (
    DISTRICT_TEAMS,
    PAGE_SIZE,
    PASSWORD,
    SIZE_FLOORS,
    TARGET_RATIO,
    YI_TEAM_OPTIONS,
    PlainDB,
    StatementClock,
    alternately,
    signed_in_client,
)

TEAMS_BY_NAME = "SELECT id, name FROM team WHERE district_id = :district ORDER BY name"
COUNTED = "p.verified = TRUE AND p.voided = FALSE"
PENDING = "p.verified = FALSE AND p.voided = FALSE"


def of_district(db: PlainDB, record: str) -> str:
    """The district's limit on a record (by its team) and on the enterprise it is joined to."""
    return f"{db.likely(f'{record}.{DISTRICT_TEAMS}')} AND {db.likely('e.district_id = :district')}"


def person(db: PlainDB, column: str) -> str:
    """The person a column names, if any, kept to the district."""
    return f'LEFT JOIN "user" u ON u.id = {column} AND {db.likely("u.district_id = :district")}'


def visit_rows(db: PlainDB) -> str:
    return f"""
SELECT v.id, v.visited_on, e.name, v.kind, v.team_id, u.display_name, v.follow_up_on
FROM visit v JOIN enterprise e ON e.id = v.enterprise_id {person(db, "v.created_by_id")}
WHERE {of_district(db, "v")}
ORDER BY v.visited_on DESC, v.id DESC LIMIT :limit"""


def visits_listed(db: PlainDB) -> str:
    return f"""SELECT v.id FROM visit v JOIN enterprise e ON e.id = v.enterprise_id
WHERE {db.likely(f"v.{DISTRICT_TEAMS}")} AND {db.likely("e.district_id = :district")}"""


LEAD_TEAMS = "SELECT id, name FROM team WHERE district_id = :district ORDER BY active DESC, name"
LEAD_OWNERS = """
SELECT u.id, u.display_name, t.name FROM "user" u LEFT JOIN team t ON t.id = u.team_id AND t.district_id = :district
WHERE u.active = TRUE AND u.team_id IS NOT NULL AND u.district_id = :district ORDER BY u.team_id, u.display_name"""


def lead_rows(db: PlainDB) -> str:
    """The lead list's rows, with the amount it shows: intended until signed, then the signing's (unless voided)."""
    return f"""
SELECT l.id, l.title, e.name, l.team_id, l.stage, l.status,
  CASE WHEN l.stage = 'signed' THEN p.total_investment_yuan ELSE l.intended_investment_yuan END, u.display_name,
  l.next_action_on
FROM lead l JOIN enterprise e ON e.id = l.enterprise_id {person(db, "l.owner_id")}
  LEFT JOIN project p ON p.lead_id = l.id AND p.voided = FALSE AND {db.likely(f"p.{DISTRICT_TEAMS}")}
WHERE {of_district(db, "l")}
ORDER BY l.created_at DESC, l.id DESC LIMIT :limit"""


def leads_listed(db: PlainDB) -> str:
    return f"""SELECT l.id FROM lead l JOIN enterprise e ON e.id = l.enterprise_id
WHERE {db.likely(f"l.{DISTRICT_TEAMS}")} AND {db.likely("e.district_id = :district")}"""


def project_rows(db: PlainDB) -> str:
    """The project list as it opens: what the figures count (verified, not voided), newest signing first."""
    return f"""
SELECT p.id, p.code, p.name, e.name, p.team_id, p.signed_on, p.total_investment_yuan, p.status, p.verified,
  p.voided, p.started_on, p.planned_start_on, p.production_on, p.planned_production_on, p.capacity_on,
  p.planned_capacity_on, u.display_name
FROM project p JOIN enterprise e ON e.id = p.enterprise_id {person(db, "p.chief_officer_id")}
WHERE {COUNTED} AND {of_district(db, "p")}
ORDER BY p.signed_on DESC, p.id DESC LIMIT :limit"""


def project_industries(db: PlainDB) -> str:
    return f"""SELECT DISTINCT industry FROM project
WHERE industry IS NOT NULL AND {db.likely(DISTRICT_TEAMS)} ORDER BY industry"""


def tally(where: str) -> str:
    return (f"count(*) FILTER (WHERE {where}), coalesce(sum(p.total_investment_yuan) FILTER (WHERE {where}), 0), "
            f"coalesce(sum(p.fixed_asset_investment_yuan) FILTER (WHERE {where}), 0)")


def project_totals(db: PlainDB) -> str:
    """The totals under the list: the counted line and its size buckets; pending signings the filters also pick."""
    buckets = ", ".join(tally(f"{COUNTED} AND p.total_investment_yuan >= {floor}") for floor in SIZE_FLOORS)
    return f"""
SELECT {tally(COUNTED)}, {buckets}, count(*) FILTER (WHERE {PENDING})
FROM project p JOIN enterprise e ON e.id = p.enterprise_id
WHERE p.voided = FALSE AND {db.likely(f"p.{DISTRICT_TEAMS}")} AND {db.likely("e.district_id = :district")}"""


def listed(db: PlainDB, rows: str, bound: int) -> int:
    """How many rows a list holds, counted as its pager counts them: at most `bound` + 1."""
    return db.rows(f"SELECT count(*) FROM ({rows} LIMIT :bound) listed", bound=bound + 1)[0][0]


def named(rows: list[tuple[Any, ...]], teams: list[tuple[Any, ...]], column: int) -> list[tuple[Any, ...]]:
    """The rows with the team id in `column` replaced by the team's name."""
    names = dict(teams)
    return [(*row[:column], names.get(row[column]), *row[column + 1:]) for row in rows]


def visits_page(db: PlainDB, bound: int) -> dict[str, Any]:
    """The visits' first page: the team choices, 50 rows, the count."""
    teams = db.rows(TEAMS_BY_NAME)
    result = {"teams": teams, "rows": named(db.rows(visit_rows(db), limit=PAGE_SIZE), teams, 4),
              "count": listed(db, visits_listed(db), bound)}
    db.end()
    return result


def leads_page(db: PlainDB, bound: int) -> dict[str, Any]:
    """The lead list's first page: the team and owner choices, 50 rows, the count."""
    teams = db.rows(LEAD_TEAMS)
    result = {"teams": teams, "owners": db.rows(LEAD_OWNERS),
              "rows": named(db.rows(lead_rows(db), limit=PAGE_SIZE), teams, 3),
              "count": listed(db, leads_listed(db), bound)}
    db.end()
    return result


def projects_page(db: PlainDB) -> dict[str, Any]:
    """The project list's first page: team and industry choices, the totals (their count is the pager's), 50 rows."""
    totals, teams = db.rows(project_totals(db))[0], db.rows(YI_TEAM_OPTIONS)
    result = {"teams": teams, "industries": db.rows(project_industries(db)),
              "count": totals[0], "total_yuan": int(totals[1]), "pending": totals[-1],
              "rows": named(db.rows(project_rows(db), limit=PAGE_SIZE), teams, 4)}
    db.end()
    return result


def shown_count(html: str) -> str | None:
    """The count a list prints ('共 1000+ 条' reads '1000+')."""
    found = re.search(r"共 ([\d,]+\+?) 条", html)
    return found[1].replace(",", "") if found else None


def check_list(kind: str, bound: int) -> Callable[[dict[str, Any], bytes], str | None]:
    """A check that the page shows the SQL's rows, in its order, and its count (its totals, for projects)."""
    def check(result: dict[str, Any], body: bytes) -> str | None:
        html = body.decode()
        # each row's links, once (a visit links its day and its enterprise to the visit)
        ids = list(dict.fromkeys(int(n) for n in re.findall(rf'href="/{kind}/(\d+)"', html)))
        if not ids or ids != [row[0] for row in result["rows"]]:
            return f"the first page's {kind} differ"
        if kind == "projects":
            shown = re.search(r'data-count="(\d+)" data-total-yuan="(\d+)" data-pending="(\d+)"', html)
            wanted = (result["count"], result["total_yuan"], result["pending"])
            if not shown or tuple(int(n) for n in shown.groups()) != wanted:
                return f"totals differ: page {shown and shown.groups()}, SQL {wanted}"
            return None
        shown, wanted_count = shown_count(html), f"{bound}+" if result["count"] > bound else str(result["count"])
        if (shown is not None or result["count"] > PAGE_SIZE) and shown != wanted_count:  # one page: no pager
            return f"the count differs: page {shown}, SQL {wanted_count}"
        return None
    return check


# ---- timing ----------------------------------------------------------------------------------------------

CITY_LOGIN = "city"  # the district demo's login of the city's bureau; the province demo has none


@dataclass(frozen=True)
class ListPage:
    name: str
    url: str
    sql: Callable[[PlainDB], dict[str, Any]]
    check: Callable[[dict[str, Any], bytes], str | None]


def list_pages() -> list[ListPage]:
    from crm.web.pagination import COUNT_AHEAD as bound  # a first page's count stops past this many rows

    return [ListPage("list: visits, first page", "/visits/", lambda db: visits_page(db, bound),
                     check_list("visits", bound)),
            ListPage("list: leads, first page", "/leads/list", lambda db: leads_page(db, bound),
                     check_list("leads", bound)),
            ListPage("list: projects, first page", "/projects/", projects_page, check_list("projects", bound))]


def city_client(app: Any, db: PlainDB) -> Any | None:
    """The city's user signed in; a database without one (the province demo) gets the district demo's login."""
    found = db.rows("""SELECT username FROM "user" WHERE role = 'city' AND active = TRUE ORDER BY id LIMIT 1""")
    db.end()
    username = found[0][0] if found else CITY_LOGIN
    if not found:
        from crm.auth.services import AccountError, create_user
        from crm.extensions import db as orm
        from crm.models import Role

        with app.app_context():
            try:
                create_user(username=CITY_LOGIN, display_name="市招商局", role=Role.CITY, password=PASSWORD,
                            title="市招商局综合科")
            except AccountError as error:
                print(f"no city's login to compare the list pages with: {error}", file=sys.stderr)
                return None
            orm.session.commit()
        print(f"added the city's login {CITY_LOGIN} (the demo's password), as the district demo has it",
              file=sys.stderr)
    try:
        return signed_in_client(app, username)
    except SystemExit as refused:
        print(f"the city's pages are not compared: {refused}", file=sys.stderr)
        return None


def page_measure(client: Any, url: str, clock: StatementClock) -> Callable[[], tuple[float, float]]:
    """A measure of a page: the request's wall time and its statements' driver time."""
    def measure() -> tuple[float, float]:
        clock.read()
        started = time.perf_counter()
        client.get(url)
        return time.perf_counter() - started, clock.read()[1]
    return measure


def sql_measure(page: ListPage, db: PlainDB) -> Callable[[], tuple[float]]:
    """A measure of the SQL by hand: its driver time."""
    def measure() -> tuple[float]:
        db.driver_seconds = 0.0
        page.sql(db)
        return (db.driver_seconds,)
    return measure


HEADER = (f"{'':28} {'whole page, ms':^22}  {'the SQL (driver time), ms':^31}".rstrip() + "\n"
          f"{'list page':28} {'leader':>7} {'city':>7} {'ratio':>6}  {'leader':>7} {'city':>7} {'by hand':>8} "
          f"{'ratio':>6}  {'queries':>7}  result")


def time_list_pages(app: Any, db: PlainDB, leader: Any, clock: StatementClock, runs: int, warmup: int,
                    only: str | None) -> bool:
    """Print each list page's measurements; whether every page checks out and its SQL is within the target."""
    pages = [page for page in list_pages() if not only or only in page.name]
    if not pages:
        return True
    city = city_client(app, db)
    print(f"\nlist pages as the district's leader, against the city's user asking for the district (?district="
          f"{db.district}) when the city's page shows the same rows,\nand the page's SQL against the SQL by hand "
          f"(target ratio ≤ {TARGET_RATIO}; the whole page's ratio is informational, target ≤ {TARGET_RATIO})")
    print(HEADER)
    passed, notes = True, []
    for page in pages:
        clock.read()
        response = leader.get(page.url)
        statements = clock.read()[0]
        if response.status_code != 200:
            print(f"{page.name:28} HTTP {response.status_code} from {page.url}: FAIL")
            passed = False
            continue
        result = page.sql(db)
        problem = page.check(result, response.data)
        if problem:
            print(f"{page.name:28} figures differ from the SQL's: {problem}: FAIL")
            passed = False
            continue
        measures = [page_measure(leader, page.url, clock), sql_measure(page, db)]
        city_url = f"{page.url}?district={db.district}"
        if city is not None:
            answer = city.get(city_url)
            differs = f"HTTP {answer.status_code}" if answer.status_code != 200 else page.check(result, answer.data)
            if differs:
                notes.append(f"{page.name}: the city's {city_url} shows other rows than the leader's ({differs})")
            else:
                measures.append(page_measure(city, city_url, clock))
        (page_ms, sql_ms), (hand_ms,), *city_ms = alternately(measures, runs, warmup)
        ratio = sql_ms / hand_ms
        ok = ratio <= TARGET_RATIO
        passed &= ok
        city_page, city_sql = (f"{city_ms[0][0]:7.1f} {page_ms / city_ms[0][0]:6.2f}", f"{city_ms[0][1]:7.2f}") \
            if city_ms else (f"{'-':>7} {'-':>6}", f"{'-':>7}")
        print(f"{page.name:28} {page_ms:7.1f} {city_page}  {sql_ms:7.2f} {city_sql} {hand_ms:8.2f} {ratio:6.2f}  "
              f"{statements:7d}  {'PASS' if ok else 'FAIL'}", flush=True)
    for note in notes:
        print(f"  {note}")
    return passed
