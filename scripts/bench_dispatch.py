"""The 调度会 page and the 到资 roll-up, which bench_reports.py times beside the other reports, by their SQL.

- 调度会: the page for the meeting's day (/dispatch/?day=D&since=S, the last meeting a fortnight before, as the
  district's leader): every red and yellow project of the district with the node that makes it so, its unit and
  whether it turned red since the last meeting; every open 督办; the nodes reached and the verified money arrived
  since. The SQL by hand reads the same in four statements under the district's 红黄绿 thresholds. Before timing,
  the page's projects, colours, orders and money are checked against it, and so are the app's own causes, units and
  changes (crm/reports/dispatch.meeting).
- 到资 roll-up (bench_funds.py): a year's 到资额 and 固投完成额 of the district and of a team, each beside 同比, as a
  team's lead's dashboard shows them, checked against the dashboard's cards.

Both are timed as the list pages are (bench_list_pages.py), by the driver time of the statements the request runs
(for the roll-up, those on funds_tranche) against the driver time of the SQL by hand: at province scale the
meeting's page lists thousands of rows, whose HTML takes longer than their SQL, and the dashboard spends most of
its time on the other figures. The whole request's time is shown beside them. The SQL by hand carries every limit
the app adds to what a district's user reads, a project's records (nodes, issues, orders, tranches) through their
project included.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bench_common import (
    DISTRICT_TEAMS,
    PASSWORD,
    PlainDB,
    StatementClock,
    alternately,
    day_bounds,
    signed_in_client,
)
from bench_funds import FundsClock, funds_sums, of_its_project, same_funds
from bench_list_pages import page_measure, person

HELD = "('started', 'producing', 'capacity')"  # nodes whose dates the project keeps (planned_start_on, started_on …)
HELD_DATES = (("started", "planned_start_on", "started_on"), ("producing", "planned_production_on", "production_on"),
              ("capacity", "planned_capacity_on", "capacity_on"))
SEVERITY = {2: "red", 1: "yellow"}
DEFAULT_THRESHOLDS = (15, 30, 30)  # N soon, M late, K an open issue's days (crm/reports/colours.py)
def of_district(db: PlainDB, project: str = "p", team: str = "t") -> str:
    """The district's limit on a project (through its team) and on its team."""
    return f"{db.likely(f'{project}.{DISTRICT_TEAMS}')} AND {db.likely(f'{team}.district_id = :district')}"


def project_dates(db: PlainDB, condition: str) -> str:
    """Each node's dates that meet the condition (on planned_on and actual_on): the path's own rows, and the three
    the project keeps, each read with the district's limit."""
    held = " ".join(f"UNION ALL SELECT id, '{node}', {planned}, {actual} FROM project WHERE "
                    + condition.replace("planned_on", planned).replace("actual_on", actual)
                    + f" AND {db.likely(DISTRICT_TEAMS)}" for node, planned, actual in HELD_DATES)
    return (f"SELECT project_id, node, planned_on, actual_on FROM project_node WHERE {condition} "
            f"AND node NOT IN {HELD} AND {of_its_project(db, 'project_node')} {held}")


COLOURED = "p.verified = TRUE AND p.voided = FALSE AND p.status <> 'terminated'"  # counted, and not terminated


def late_rows(db: PlainDB) -> str:
    """The rule's yellow and red rows on :day (late), of its nodes (kept) and old open issues: only the nodes not
    reached and planned by the end of the yellow window (:soon) can colour a project."""
    coloured = f"{COLOURED} AND {of_district(db)}"
    return f"""
WITH kept AS (
  SELECT n.project_id, n.node, n.planned_on FROM ({project_dates(db, "actual_on IS NULL AND planned_on <= :soon")}) n
  JOIN project p ON p.id = n.project_id JOIN team t ON t.id = p.team_id
  LEFT JOIN path_step s ON s.district_id = t.district_id AND s.node = n.node
    AND {db.likely("s.district_id = :district")}
  WHERE coalesce(s.enabled, TRUE) AND {coloured}),
raised AS MATERIALIZED (  -- read first by the index on the day raised, as the app reads them
  SELECT project_id, raised_on, resolved_on FROM project_issue
  WHERE raised_on < :issue_before AND {of_its_project(db, "project_issue")}),
old_issues AS (
  SELECT i.project_id, i.raised_on, i.resolved_on FROM raised i JOIN project p ON p.id = i.project_id
  JOIN team t ON t.id = p.team_id WHERE {coloured}),
late AS (
  SELECT project_id, node, planned_on, CASE WHEN planned_on < :red_before THEN 2 ELSE 1 END AS severity FROM kept
  UNION ALL SELECT project_id, 'issue', raised_on, 2 FROM old_issues WHERE resolved_on IS NULL OR resolved_on > :day)"""


def late_projects(db: PlainDB) -> str:
    """The red and yellow projects: each one's worst node (the most severe, then the longest overdue), its unit,
    and whether it was red already on the last meeting's day (a node is red then when planned more than M days
    before it)."""
    return f"""{late_rows(db)},
red_then AS (
  SELECT project_id FROM kept WHERE planned_on < :red_before_since
  UNION SELECT project_id FROM old_issues
  WHERE raised_on < :issue_before_since AND (resolved_on IS NULL OR resolved_on > :since)),
ranked AS (
  SELECT project_id, node, planned_on, severity,
    row_number() OVER (PARTITION BY project_id ORDER BY severity DESC, planned_on, node) AS nth FROM late)
SELECT p.id, p.code, p.name, t.name, u.display_name, r.severity, r.node, r.planned_on, n.responsible_unit,
  r.severity = 2 AND r.project_id NOT IN (SELECT project_id FROM red_then)
FROM ranked r JOIN project p ON p.id = r.project_id JOIN team t ON t.id = p.team_id {person(db, "p.chief_officer_id")}
LEFT JOIN project_node n ON n.project_id = r.project_id AND n.node = r.node AND {of_its_project(db, "n")}
WHERE r.nth = 1 AND {of_district(db)} ORDER BY r.severity DESC, p.code"""


def colour_counts(db: PlainDB) -> str:
    """The district's counted projects by colour (the dashboard's 红黄绿 line): green those without a late row."""
    return f"""{late_rows(db)},
worst AS (SELECT project_id, max(severity) AS severity FROM late GROUP BY project_id)
SELECT coalesce(w.severity, 0), count(*) FROM project p JOIN team t ON t.id = p.team_id
LEFT JOIN worst w ON w.project_id = p.id WHERE {COLOURED} AND {of_district(db)} GROUP BY coalesce(w.severity, 0)"""


def open_orders(db: PlainDB) -> str:
    return f"""
SELECT s.id, p.id, p.code, p.name, s.what, s.receiver_unit, u.display_name, s.deadline
FROM supervision s JOIN project p ON p.id = s.project_id {person(db, "s.receiver_id")}
WHERE s.status <> 'closed' AND s.issued_at < :issued_by AND {of_its_project(db, "s")}
  AND {db.likely(f"p.{DISTRICT_TEAMS}")}
ORDER BY CASE WHEN s.deadline < :day THEN 0 ELSE 1 END, s.deadline, s.id"""


def nodes_reached(db: PlainDB) -> str:
    return f"""
SELECT p.id, p.code, p.name, d.node, d.actual_on FROM ({project_dates(db, "actual_on BETWEEN :start AND :day")}) d
JOIN project p ON p.id = d.project_id
WHERE p.verified = TRUE AND p.voided = FALSE AND {db.likely(f"p.{DISTRICT_TEAMS}")} ORDER BY d.actual_on, p.code"""


def money_arrived(db: PlainDB) -> str:
    return f"""
SELECT p.id, p.code, p.name, f.received_on, f.amount_yuan FROM funds_tranche f JOIN project p ON p.id = f.project_id
WHERE f.verified = TRUE AND f.received_on BETWEEN :start AND :day AND p.verified = TRUE AND p.voided = FALSE
  AND {of_its_project(db, "f")} AND {db.likely(f"p.{DISTRICT_TEAMS}")} ORDER BY f.received_on, p.code"""


def as_day(value: Any) -> date:
    """A date column as read by either driver (sqlite3 gives text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def rule_dates(db: PlainDB, day: date) -> dict[str, str]:
    """The district's 红黄绿 thresholds as the days they set on `day`: the end of the yellow window, the planned
    date before which a node is red, the day raised before which an open issue is."""
    rule = db.rows("SELECT soon_days, late_days, issue_days FROM colour_rule WHERE district_id = :district")
    soon, late, issue = rule[0] if rule else DEFAULT_THRESHOLDS
    return {"soon": (day + timedelta(days=soon)).isoformat(), "red_before": (day - timedelta(days=late)).isoformat(),
            "issue_before": (day - timedelta(days=issue)).isoformat(), "day": day.isoformat()}


def colours_by_hand(db: PlainDB, day: date) -> dict[str, int]:
    """The dashboard's 红黄绿 line on the day: how many of the district's counted projects are of each colour."""
    found = {("green", "yellow", "red")[severity]: count for severity, count in db.rows(colour_counts(db),
                                                                                     **rule_dates(db, day))}
    db.end()
    return found


def meeting_sql(db: PlainDB, day: date, since: date) -> dict[str, Any]:
    """Everything the meeting's page lists, read by hand."""
    then = {f"{key}_since": value for key, value in rule_dates(db, since).items() if key != "day"}
    dates = {"since": since.isoformat(), "start": (since + timedelta(days=1)).isoformat(), **rule_dates(db, day)}
    projects = [(pid, code, name, team, chief, SEVERITY[severity], node, as_day(planned), unit, bool(new))
                for pid, code, name, team, chief, severity, node, planned, unit, new in db.rows(
                    late_projects(db), **dates, **then)]
    issued_by = db.instant(day_bounds(day, day)[1])  # issued by the end of the meeting's day
    orders = [(oid, pid, code, unit or person or "", as_day(deadline)) for oid, pid, code, _name, _what, unit, person,
              deadline in db.rows(open_orders(db), day=dates["day"], issued_by=issued_by)]
    reached = [(pid, node, as_day(on)) for pid, _code, _name, node, on in db.rows(nodes_reached(db), **dates)]
    arrived = [(pid, as_day(on), amount) for pid, _code, _name, on, amount in db.rows(money_arrived(db), **dates)]
    db.end()
    return {"projects": projects, "orders": orders, "reached": reached, "arrived": arrived,
            "arrived_yuan": sum(amount for _pid, _on, amount in arrived)}


def check_meeting(day: date, since: date) -> Callable[[Any, dict[str, Any], bytes], str | None]:
    """A check that the page, and the app's meeting behind it, list what the SQL does."""
    def check(app: Any, result: dict[str, Any], body: bytes) -> str | None:
        html = body.decode()
        colours = dict((int(pid), colour) for pid, colour in re.findall(r'data-project="(\d+)" data-colour="(\w+)"',
                                                                        html))
        if colours != {row[0]: row[5] for row in result["projects"]}:
            return f"the red and yellow projects differ: page {len(colours)}, SQL {len(result['projects'])}"
        if [int(n) for n in re.findall(r'data-order="(\d+)"', html)] != [row[0] for row in result["orders"]]:
            return "the open orders differ"
        arrived = re.search(r'data-arrived="(\d+)"', html)
        if not arrived or int(arrived[1]) != result["arrived_yuan"]:
            return f"the money arrived differs: page {arrived and arrived[1]}, SQL {result['arrived_yuan']}"
        return same_meeting(app, day, since, result)
    return check


def same_meeting(app: Any, day: date, since: date, result: dict[str, Any]) -> str | None:
    """Compare the app's meeting (as the district's user reads it) with the SQL's, part by part."""
    from crm.access.districts import home_district
    from crm.access.tenancy import within
    from crm.reports.dispatch import meeting

    with app.app_context(), within(home_district().id, "as the district's users read"):
        board = meeting(day, since, district_id=home_district().id)
    parts = {
        "projects": ([(p.id, p.code, p.name, p.team, p.chief, p.colour.value, p.cause.node, p.cause.planned_on, p.unit,
                       p.newly_red) for p in board.projects], result["projects"]),
        "orders": ([(o.id, o.project_id, o.code, o.receiver, o.deadline) for o in board.orders], result["orders"]),
        "nodes reached": (sorted((r.project_id, r.node, r.day) for r in board.reached), sorted(result["reached"])),
        "money arrived": (sorted((a.project_id, a.day, a.amount_yuan) for a in board.arrived),
                          sorted(result["arrived"])),
    }
    for part, (app_rows, sql_rows) in parts.items():
        if app_rows != sql_rows:
            wrong = next((pair for pair in zip(app_rows, sql_rows, strict=False) if pair[0] != pair[1]), None)
            return f"the {part} differ: app {len(app_rows)}, SQL {len(sql_rows)}; first apart: {wrong}"
    return None


# ---- running ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Measured:
    """A row of the report table timed by its SQL: the driver time of the statements the app's request runs (the
    target's side) and of the SQL by hand, and the whole request's wall time beside them."""

    name: str
    app_ms: float = 0.0
    sql_ms: float = 0.0
    statements: int = 0
    page_ms: float = 0.0
    problem: str | None = None


def sql_timed(name: str, client: Any, url: str, clock: StatementClock, db: PlainDB, by_hand: Callable[[], Any],
              check: Callable[[bytes], str | None], runs: int, warmup: int) -> Measured:
    """Request the page and check it, then time it and the SQL by hand alternately."""
    clock.read()
    response = client.get(url)
    statements = clock.read()[0]
    if response.status_code != 200:
        return Measured(name, problem=f"HTTP {response.status_code} from {url}")
    problem = check(response.data)
    if problem:
        return Measured(name, problem=f"figures differ from the SQL's: {problem}")

    def hand() -> tuple[float]:
        db.driver_seconds = 0.0
        by_hand()
        return (db.driver_seconds,)

    (page_ms, app_ms), (sql_ms,) = alternately([page_measure(client, url, clock), hand], runs, warmup)
    return Measured(name, app_ms, sql_ms, statements, page_ms)


def scheduling_rows(app: Any, db: PlainDB, leader: Any, clock: StatementClock, year: int, runs: int, warmup: int,
                    only: str | None) -> Iterator[Measured]:
    """The 调度会 (as the district's leader) and the 到资 roll-up (as a team's lead), each timed by its SQL."""
    from crm.dispatch.forms import SINCE_DAYS
    from crm.domain.periods import Period, today
    from crm.extensions import db as orm
    from crm.reports.year_on_year import compared_period

    day = min(today(), date(year, 12, 31))  # the meeting's day, the last one a fortnight before (the page's default)
    since = day - timedelta(days=SINCE_DAYS)
    name = f"调度会 {day} (SQL)"
    if not only or only in name:
        check = check_meeting(day, since)
        yield sql_timed(name, leader, f"/dispatch/?day={day}&since={since}", clock, db,
                        lambda: meeting_sql(db, day, since), lambda body: check(app, meeting_sql(db, day, since), body),
                        runs, warmup)
    name = f"到资 roll-up {year} (SQL)"
    if only and only not in name:
        return
    lead = db.rows("""SELECT username, team_id FROM "user" WHERE role = 'lead' AND active = TRUE
                      AND district_id = :district ORDER BY id LIMIT 1""")
    db.end()
    if not lead:
        yield Measured(name, problem="no team's lead in this database")
        return
    (username, team), = lead
    period = Period.year(year)
    compared = compared_period(period, today())
    now, before = (period.start, period.end), (compared.start, compared.end)
    with app.app_context():
        funds_clock = FundsClock(orm.engine)
    yield sql_timed(name, signed_in_client(app, username, PASSWORD), f"/?year={year}", funds_clock, db,
                    lambda: funds_sums(db, now, before, team),
                    lambda _body: same_funds(app, period, team, funds_sums(db, now, before, team)), runs, warmup)
