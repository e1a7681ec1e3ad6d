"""Time each report request against hand-written SQL computing the same figures, on SQLite and PostgreSQL.

Load the province demo first (see README), e.g. for SQLite:

    FLASK_SECRET_KEY=x DATABASE_URL=sqlite:////tmp/province.db .venv/bin/flask --app crm db upgrade
    FLASK_SECRET_KEY=x DATABASE_URL=sqlite:////tmp/province.db .venv/bin/flask --app crm demo --scale province

and the same with DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench. Then:

    .venv/bin/python scripts/bench_reports.py                 # both databases, when they answer
    .venv/bin/python scripts/bench_reports.py --database-url sqlite:////tmp/small.db --quick

Each report is requested through the app (signed in as a district leader, production settings) and its
figures are computed by plain SQL through the driver on the same database, alternately, after a warm-up;
the table shows the medians and their ratio, which should be at most 1.5. Before timing, each report's
figures from the SQL are checked against what the app shows, so both sides compute the same thing.
The 多维分析 page's three tables come next (bench_pivot.py). The 调度会 and the 到资 roll-up follow, timed
by their SQL's driver time (bench_dispatch.py); the first pages of the visits, leads and projects lists in a
table of their own (bench_list_pages.py): their SQL's driver time against the SQL by hand (the target), and the
whole page against the city's.
The exit status is 1 when a ratio misses the target or a check fails. On a small database (--quick, for a
smoke run) the checks still mean something but the ratios only show the app's fixed cost per request.
"""

from __future__ import annotations

import argparse
import calendar
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bench_checks import check_chart, check_dashboard, check_team_ranking, check_yi
from bench_common import (
    DISTRICT_TEAMS,
    TARGET_RATIO,
    YI,
    PlainDB,
    StatementClock,
    chosen_urls,
    day_bounds,
    interleaved,
    leader_login,
    production_app,
    signed_in_client,
    yi_first_page,
)
from bench_dispatch import colours_by_hand, scheduling_rows
from bench_funds import FUNDS_FIGURES, funds_in
from bench_list_pages import time_list_pages
from bench_pivot import pivot_reports

from crm.domain.sizes import SIZE_BANDS  # 亿元, lower bound included

FIGURES = ("trips", "enterprises_visited", "visits", "new_leads", "signed_projects", "yi_projects",
           "signed_investment_yuan", "started_projects", "producing_projects", "funds_yuan", "fixed_asset_done_yuan")
COUNTED = "verified = TRUE AND voided = FALSE"
PROJECT_FIGURES = """count(*) FILTER (WHERE signed_on BETWEEN :start AND :end),
  count(*) FILTER (WHERE signed_on BETWEEN :start AND :end AND total_investment_yuan >= :yi),
  coalesce(sum(total_investment_yuan) FILTER (WHERE signed_on BETWEEN :start AND :end), 0),
  count(*) FILTER (WHERE started_on BETWEEN :start AND :end),
  count(*) FILTER (WHERE production_on BETWEEN :start AND :end)"""
PROJECTS_IN = f"""{COUNTED} AND (signed_on BETWEEN :start AND :end OR started_on BETWEEN :start AND :end
  OR production_on BETWEEN :start AND :end)"""
OPEN_STAGES = ("clue", "contacted", "negotiating", "agreed")


@dataclass(frozen=True)
class Window:
    """A period as the SQL takes it: both ends included, plus its local days as instants for timestamps."""

    start: date
    end: date

    def params(self, db: PlainDB) -> dict[str, Any]:
        since, until = day_bounds(self.start, self.end)
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "since": db.instant(since),
                "until": db.instant(until), "yi": YI}

    def last_year(self) -> Window:
        """同比: the same dates a year earlier (29 February becomes the 28th)."""
        def back(day: date) -> date:
            return day.replace(year=day.year - 1, day=min(day.day, 28 if day.month == 2 else day.day))
        return Window(back(self.start), back(self.end))

    def year_to_date(self) -> Window:
        return Window(date(self.end.year, 1, 1), self.end)


# ---- the hand-written SQL, one function per page ---------------------------------------------------------

def team_figures(db: PlainDB, window: Window) -> dict[int, dict[str, int]]:
    """Every team's figures: one grouped query per table."""
    p = window.params(db)
    rows: dict[int, dict[str, int]] = {}
    for team, trips in db.rows("SELECT team_id, count(*) FROM trip WHERE start_on BETWEEN :start AND :end "
                               f"AND {DISTRICT_TEAMS} GROUP BY team_id", **p):
        rows.setdefault(team, {})["trips"] = trips
    for team, visits, enterprises in db.rows(
            "SELECT team_id, count(*), count(DISTINCT enterprise_id) FROM visit "
            f"WHERE visited_on BETWEEN :start AND :end AND {DISTRICT_TEAMS} GROUP BY team_id", **p):
        rows.setdefault(team, {}).update(visits=visits, enterprises_visited=enterprises)
    for team, leads in db.rows("SELECT team_id, count(*) FROM lead WHERE created_at >= :since "
                               f"AND created_at < :until AND {DISTRICT_TEAMS} GROUP BY team_id", **p):
        rows.setdefault(team, {})["new_leads"] = leads
    for team, *values in db.rows(f"SELECT team_id, {PROJECT_FIGURES} FROM project WHERE {PROJECTS_IN} "
                                 f"AND {DISTRICT_TEAMS} GROUP BY team_id", **p):
        rows.setdefault(team, {}).update(zip(FIGURES[4:9], (int(v) for v in values), strict=True))
    for team, *values in db.rows(f"SELECT p.team_id, {FUNDS_FIGURES} FROM {funds_in(db)} AND p.{DISTRICT_TEAMS} "
                                 "GROUP BY p.team_id", **p):
        rows.setdefault(team, {}).update(zip(FIGURES[9:], (int(v) for v in values), strict=True))
    return {team: {name: values.get(name, 0) for name in FIGURES} for team, values in rows.items()}


def district_figures(db: PlainDB, window: Window) -> dict[str, int]:
    """The district's figures: one query per table, enterprises visited counted once across teams."""
    p = window.params(db)
    (trips,), = db.rows(f"SELECT count(*) FROM trip WHERE start_on BETWEEN :start AND :end AND {DISTRICT_TEAMS}", **p)
    (visits, enterprises), = db.rows("SELECT count(*), count(DISTINCT enterprise_id) FROM visit "
                                     f"WHERE visited_on BETWEEN :start AND :end AND {DISTRICT_TEAMS}", **p)
    (leads,), = db.rows(f"SELECT count(*) FROM lead WHERE created_at >= :since AND created_at < :until "
                        f"AND {DISTRICT_TEAMS}", **p)
    projects = db.rows(f"SELECT {PROJECT_FIGURES} FROM project WHERE {PROJECTS_IN} AND {DISTRICT_TEAMS}", **p)[0]
    funds = db.rows(f"SELECT {FUNDS_FIGURES} FROM {funds_in(db)} AND p.{DISTRICT_TEAMS}", **p)[0]
    return dict(zip(FIGURES, (trips, enterprises, visits, leads, *(int(v) for v in (*projects, *funds))), strict=True))


def team_ranking(db: PlainDB, window: Window, quarter: int | None, today: date) -> dict[str, Any]:
    """The team ranking's inputs: the frozen quarter if any, the year's rule, the period's and the year-to-date
    figures per team, the district's enterprises visited (the totals row), the targets, overdue projects when
    the rule deducts for them, and the teams."""
    year = window.end.year
    snapshot = db.rows("SELECT * FROM ranking_snapshot WHERE year = :year AND quarter = :quarter "
                       "AND district_id = :district",
                       year=year, quarter=quarter) if quarter else []
    rule = db.rows("SELECT weights, normalisation, deduct_overdue, overdue_deduction FROM ranking_settings "
                   "WHERE year = :year AND district_id = :district", year=year)
    figures = team_figures(db, window)
    (district_enterprises,), = db.rows("SELECT count(DISTINCT enterprise_id) FROM visit "
                                       f"WHERE visited_on BETWEEN :start AND :end AND {DISTRICT_TEAMS}",
                                       **window.params(db))
    ytd = window.year_to_date()
    year_to_date = figures if ytd == window else team_figures(db, ytd)
    targets = db.rows(f"SELECT team_id, metric, target FROM team_target WHERE year = :year AND {DISTRICT_TEAMS}",
                      year=year)
    overdue = []
    if rule and rule[0][2]:
        from crm.reports.rules import months_before

        overdue = db.rows(f"""SELECT team_id, count(*) FROM project WHERE status = 'signed' AND started_on IS NULL
            AND signed_on < :deadline AND voided = FALSE AND verified = TRUE AND {DISTRICT_TEAMS} GROUP BY team_id""",
                          deadline=months_before(min(window.end, today), 6).isoformat())
    teams = db.rows("SELECT id, name, active FROM team WHERE district_id = :district ORDER BY name")
    db.end()
    return {"snapshot": snapshot, "figures": figures, "ytd": year_to_date, "targets": targets,
            "overdue": overdue, "teams": teams, "district_enterprises": district_enterprises}


def open_issues(db: PlainDB, on: date) -> int:
    (count,), = db.rows(f"""SELECT count(*) FROM project_issue i JOIN project p ON p.id = i.project_id
        WHERE p.voided = FALSE AND p.{DISTRICT_TEAMS} AND i.raised_on <= :on
        AND (i.resolved_on IS NULL OR i.resolved_on > :on)""",
                        on=on.isoformat())
    return count


def dashboard(db: PlainDB, window: Window, today: date) -> dict[str, Any]:
    """The district's cards (the period, 同比, year to date), targets, the summary's extra counts, chart scopes, and
    today's 红黄绿 line (bench_dispatch.py)."""
    before = window.last_year()
    now = district_figures(db, window)
    result = {"now": now, "before": district_figures(db, before),
              "ytd": now if window.year_to_date() == window else district_figures(db, window.year_to_date()),
              "issues": (open_issues(db, window.end), open_issues(db, before.end)),
              "targets": db.rows(f"SELECT metric, sum(target) FROM team_target WHERE year = :year AND {DISTRICT_TEAMS} "
                                 "GROUP BY metric",
                                 year=window.end.year)}
    (result["teams"],), = db.rows("SELECT count(*) FROM team WHERE active = TRUE AND district_id = :district")
    (result["pending"],), = db.rows("SELECT count(*) FROM project WHERE signed_on BETWEEN :start AND :end "
                                    f"AND verified = FALSE AND voided = FALSE AND {DISTRICT_TEAMS}",
                                    **window.params(db))
    result["officers"], result["key_projects"] = db.rows(
        f"""SELECT count(DISTINCT chief_officer_id), count(*) FROM project WHERE {COUNTED}
        AND total_investment_yuan >= :yi AND signed_on <= :end AND status <> 'terminated'
        AND chief_officer_id IS NOT NULL AND {DISTRICT_TEAMS}""", yi=YI, end=window.end.isoformat())[0]
    result["scopes"] = db.rows(
        "SELECT id, name FROM team WHERE active = TRUE AND district_id = :district ORDER BY name")
    result["colours"] = colours_by_hand(db, today)
    return result


def signed(window: Window) -> str:
    return f"{COUNTED} AND signed_on BETWEEN :start AND :end AND {DISTRICT_TEAMS}"


def chart_monthly(db: PlainDB, window: Window) -> dict[str, tuple[int, int]]:
    month = db.month("signed_on")
    found = {m: (n, int(total)) for m, n, total in db.rows(
        f"SELECT {month}, count(*), coalesce(sum(total_investment_yuan), 0) FROM project "
        f"WHERE {signed(window)} GROUP BY {month}", **window.params(db))}
    db.end()
    return found


def chart_funnel(db: PlainDB, window: Window) -> dict[str, tuple[int, int]]:
    """Of the leads worked in the period (open at some moment of it), how many reached each stage by its end."""
    p = window.params(db)
    stages = (*OPEN_STAGES, "signed")
    rank = " ".join(f"WHEN '{stage}' THEN {n}" for n, stage in enumerate(stages, 1))
    totals = ", ".join(f"count(*) FILTER (WHERE reached >= {n}), "
                       f"coalesce(sum(intended) FILTER (WHERE reached >= {n}), 0)" for n in range(1, len(stages)))
    row = db.rows(f"""WITH log AS (
          SELECT lead_id, max(CASE to_stage {rank} END) FILTER (WHERE changed_at < :until) AS reached,
            max(changed_at) FILTER (WHERE changed_at < :since) AS last_before,
            max(changed_at) FILTER (WHERE changed_at < :since AND to_stage IN ('signed', 'dropped')) AS closed_before,
            count(*) FILTER (WHERE changed_at >= :since AND changed_at < :until) AS moves
          FROM lead_stage_change WHERE lead_id IN (SELECT id FROM lead WHERE {DISTRICT_TEAMS}) GROUP BY lead_id),
        worked AS (
          SELECT CASE WHEN p.id IS NOT NULL THEN 5 ELSE coalesce(log.reached, CASE l.stage {rank} END, 1) END
            AS reached, l.intended_investment_yuan AS intended, p.id AS project, p.total_investment_yuan AS total
          FROM lead l LEFT JOIN log ON log.lead_id = l.id
          LEFT JOIN project p ON p.lead_id = l.id AND p.verified = TRUE AND p.voided = FALSE
            AND p.signed_on BETWEEN :start AND :end AND p.{DISTRICT_TEAMS}
          WHERE l.{DISTRICT_TEAMS} AND (p.id IS NOT NULL OR (l.created_at < :until AND NOT (
            log.closed_before IS NOT NULL AND log.closed_before = log.last_before AND log.moves = 0))))
        SELECT {totals}, count(project), coalesce(sum(total), 0) FROM worked""", **p)[0]
    db.end()
    return {stage: (row[2 * i], int(row[2 * i + 1])) for i, stage in enumerate(stages)}


def chart_industries(db: PlainDB, window: Window) -> list[tuple[str, int, int]]:
    rows = [(name, n, int(total)) for name, n, total in db.rows(
        f"""SELECT coalesce(industry, ''), count(*), coalesce(sum(total_investment_yuan), 0) AS total FROM project
        WHERE {signed(window)} GROUP BY coalesce(industry, '') ORDER BY total DESC, 1""", **window.params(db))]
    db.end()
    return rows


def chart_sizes(db: PlainDB, window: Window) -> list[int]:
    bands = ", ".join(f"count(*) FILTER (WHERE total_investment_yuan >= {low * YI}"
                      + ("" if high is None else f" AND total_investment_yuan < {high * YI}") + ")"
                      for low, high in SIZE_BANDS)
    counts = db.rows(f"SELECT {bands} FROM project WHERE {signed(window)}", **window.params(db))[0]
    db.end()
    return list(counts)


# ---- running ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    name: str
    url: str
    sql: Callable[[PlainDB], Any]
    check: Callable[[Any, Window, Any, bytes], str | None]


def reports(year: int, quarter: int, today: date) -> list[tuple[Report, Window]]:
    last_month = 3 * quarter
    quarter_window = Window(date(year, last_month - 2, 1),
                            date(year, last_month, calendar.monthrange(year, last_month)[1]))
    year_window = Window(date(year, 1, 1), date(year, 12, 31))
    charts = {"monthly": chart_monthly, "funnel": chart_funnel, "industries": chart_industries,
              "teams": lambda db, w: team_ranking(db, w, None, today), "sizes": chart_sizes}
    found = [
        (Report(f"team ranking {year}Q{quarter}", f"/rankings/teams?year={year}&quarter={quarter}",
                lambda db: team_ranking(db, quarter_window, quarter, today), check_team_ranking), quarter_window),
        (Report(f"亿元以上 ranking {year}", f"/rankings/projects?year={year}",
                lambda db: yi_first_page(db, year_window.start, year_window.end), check_yi), year_window),
        (Report(f"dashboard {year}", f"/?year={year}", lambda db: dashboard(db, year_window, today), check_dashboard),
         year_window),
    ]
    for name, function in charts.items():
        found.append((Report(f"chart {name} {year}", f"/dashboard/data/{name}?year={year}",
                             lambda db, f=function: f(db, year_window), check_chart(name)), year_window))
    return found + pivot_reports(year, year_window, Report)


def statement_clock(app: Any) -> StatementClock:
    """A clock of the statements the app sends from now on: their count and driver time."""
    from crm.extensions import db

    with app.app_context():
        return StatementClock(db.engine)


def verdict(name: str, app_ms: float, sql_ms: float, queries: int) -> bool:
    """Print a report's row; whether its ratio meets the target."""
    ratio = app_ms / sql_ms
    ok = ratio <= TARGET_RATIO
    print(f"{name:28} {app_ms:9.1f} {sql_ms:9.1f} {ratio:6.2f}  {queries:7d}  {'PASS' if ok else 'FAIL'}", flush=True)
    return ok


def run(url: str, year: int, quarter: int, runs: int, warmup: int, only: str | None) -> bool:
    from crm.domain.periods import today

    plain = PlainDB(url)
    app = production_app(url)
    client = signed_in_client(app, leader_login(plain))
    clock = statement_clock(app)
    print(f"\n{plain.kind}: {url}  (median of {runs} after {warmup} warm-up; target ratio ≤ {TARGET_RATIO})")
    chosen = [(report, window) for report, window in reports(year, quarter, today())
              if not only or only in report.name]
    print(f"{'report':28} {'app ms':>9} {'SQL ms':>9} {'ratio':>6}  {'queries':>7}  result")
    passed = True
    for report, window in chosen:
        clock.read()
        response = client.get(report.url)
        app_queries = clock.read()[0]
        if response.status_code != 200:
            print(f"{report.name:28} HTTP {response.status_code} from {report.url}: FAIL")
            passed = False
            continue
        problem = report.check(app, window, report.sql(plain), response.data)
        if problem:
            print(f"{report.name:28} figures differ from the SQL's: {problem}: FAIL")
            passed = False
            continue
        app_ms, sql_ms = interleaved(lambda r=report: client.get(r.url), lambda r=report: r.sql(plain), runs, warmup)
        passed &= verdict(report.name, app_ms, sql_ms, app_queries)
    for row in scheduling_rows(app, plain, client, clock, year, runs, warmup, only):  # timed by their SQL
        if row.problem:
            print(f"{row.name:28} {row.problem}: FAIL")
            passed = False
            continue
        passed &= verdict(row.name, row.app_ms, row.sql_ms, row.statements)
        print(f"{'':28} the whole page: {row.page_ms:.0f} ms")
    passed &= time_list_pages(app, plain, client, clock, runs, warmup, only)
    plain.close()
    return passed


def main(argv: list[str] | None = None) -> int:
    from crm.domain.periods import today

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append",
                        help="a database with demo data (repeatable; default: /tmp/province.db and the "
                             "PostgreSQL database bench, those that answer)")
    parser.add_argument("--year", type=int, default=today().year, help="the reports' year (default: this year)")
    parser.add_argument("--quarter", type=int, choices=range(1, 5),
                        help="the team ranking's quarter (default: this quarter, or Q4 of a past year)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per report (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 timed runs, no warm-up")
    parser.add_argument("--only", help="only the reports whose name contains this text")
    args = parser.parse_args(argv)
    quarter = args.quarter or ((today().month + 2) // 3 if args.year == today().year else 4)
    runs, warmup = (2, 0) if args.quick else (args.runs, args.warmup)
    urls = chosen_urls(args.database_url)
    if not urls:
        print("no database to run on: load the province demo (see --help)", file=sys.stderr)
        return 2
    results = [run(url, args.year, quarter, runs, warmup, args.only) for url in urls]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
