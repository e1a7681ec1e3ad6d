"""多维分析 rows of the report benchmark: the analysis page against hand-written SQL counting the same table.

Three tables over a year: signed investment by industry × month (a small table over a small query), visits by
team × quarter (a million visits), and 到资 by team × month (a hundred rows of twelve months, tranches joined to their
projects). Before timing, the page's grand total and its number of rows are checked against the SQL's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from bench_common import DISTRICT_TEAMS, PlainDB
from bench_funds import funds_in

from crm.domain.money import format_yi

GRAND = re.compile(r'<td class="num total">([^<]*)</td></tr></tfoot>')
ROW = re.compile(r'<tr><th scope="row">')


def investment_by_industry_month(db: PlainDB, start: date, end: date) -> list[tuple[Any, ...]]:
    """Counted projects signed in the period: investment summed per industry and month."""
    month = db.month("signed_on")
    rows = db.rows(f"""SELECT industry, {month}, coalesce(sum(total_investment_yuan), 0) FROM project
        WHERE verified = TRUE AND voided = FALSE AND signed_on BETWEEN :start AND :end AND {DISTRICT_TEAMS}
        GROUP BY industry, {month}""", start=start.isoformat(), end=end.isoformat())
    db.end()
    return rows


def visits_by_team_quarter(db: PlainDB, start: date, end: date) -> list[tuple[Any, ...]]:
    """Visits in the period, counted per team and quarter."""
    quarter = ("substr(visited_on, 1, 4) || '-Q' || ((CAST(substr(visited_on, 6, 2) AS INTEGER) + 2) / 3)"
               if db.kind == "sqlite" else "to_char(visited_on, 'YYYY-\"Q\"Q')")
    rows = db.rows(f"""SELECT team_id, {quarter}, count(*) FROM visit
        WHERE visited_on BETWEEN :start AND :end AND {DISTRICT_TEAMS} GROUP BY team_id, {quarter}""",
                   start=start.isoformat(), end=end.isoformat())
    db.end()
    return rows


def funds_by_team_month(db: PlainDB, start: date, end: date) -> list[tuple[Any, ...]]:
    """Counted tranches of counted projects arrived in the period: 到资 summed per team and month."""
    month = db.month("f.received_on")
    rows = db.rows(f"""SELECT p.team_id, {month}, coalesce(sum(f.amount_yuan), 0) FROM {funds_in(db)}
        AND p.{DISTRICT_TEAMS} GROUP BY p.team_id, {month}""", start=start.isoformat(), end=end.isoformat())
    db.end()
    return rows


def check_table(money: bool) -> Callable[[Any, Any, list[tuple[Any, ...]], bytes], str | None]:
    """The page's grand total and rows against the SQL's grouped rows."""
    def check(_app: Any, _window: Any, rows: list[tuple[Any, ...]], page: bytes) -> str | None:
        text = page.decode()
        found = GRAND.search(text)
        total = sum(int(value) for _key, _when, value in rows)
        expected = format_yi(total) if money else str(total)
        if not found or found.group(1) != expected:
            return f"grand total {found.group(1) if found else None} against {expected}"
        shown, keys = len(ROW.findall(text)) - 1, len({key for key, _when, _value in rows})  # less the 合计 row
        return None if shown == keys else f"{shown} rows against {keys}"
    return check


def pivot_reports(year: int, window: Any, report: Callable[..., Any]) -> list[tuple[Any, Any]]:
    """The three tables as the benchmark's reports, over the year's window."""
    start, end = window.start, window.end
    return [
        (report(f"pivot invest ind×month {year}",
                f"/analysis/?rows=industry&cols=month&measure=investment&year={year}",
                lambda db: investment_by_industry_month(db, start, end), check_table(money=True)), window),
        (report(f"pivot visits team×qtr {year}", f"/analysis/?rows=team&cols=quarter&measure=visits&year={year}",
                lambda db: visits_by_team_quarter(db, start, end), check_table(money=False)), window),
        (report(f"pivot funds team×month {year}", f"/analysis/?rows=team&cols=month&measure=funds&year={year}",
                lambda db: funds_by_team_month(db, start, end), check_table(money=True)), window),
    ]
