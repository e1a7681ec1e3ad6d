"""The 到资 roll-up bench_reports.py times (bench_dispatch.py runs it): a year's 到资额 and 固投完成额 of the
district and of a team, each beside 同比, as a team's lead's dashboard shows them, read by hand with the limits the
app adds; the dashboard's own cards to check them against; and a clock of the statements the app runs on
funds_tranche, since the page spends most of its time on the other figures (a million visits).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from bench_common import DISTRICT_TEAMS, PlainDB, StatementClock, TimedCursor

# 到资: verified tranches of counted projects that arrived in the window, and of them those for fixed assets
FUNDS_FIGURES = """coalesce(sum(f.amount_yuan), 0),
  coalesce(sum(f.amount_yuan) FILTER (WHERE f.kind = 'fixed_asset'), 0)"""


def of_its_project(db: PlainDB, table: str) -> str:
    """The district's limit on a project's record (a node, an issue, an order, a tranche): its project is the
    district's. The app adds it to every such table a statement reads (crm/access/wall_tables.py), marked likely on
    SQLite, and so does the SQL by hand, as it carries every other limit the app adds (bench_list_pages.py)."""
    return db.likely(f"{table}.project_id IN (SELECT id FROM project WHERE {DISTRICT_TEAMS})")


def funds_in(db: PlainDB) -> str:
    return f"""funds_tranche f JOIN project p ON p.id = f.project_id WHERE f.verified = TRUE AND p.verified = TRUE
  AND p.voided = FALSE AND f.received_on BETWEEN :start AND :end AND {of_its_project(db, "f")}"""


def funds_sums(db: PlainDB, now: tuple[date, date], before: tuple[date, date], team: int) -> dict[str, Any]:
    """The district's and the team's 到资额 and 固投完成额, in the period and on its 同比 days."""
    found = {}
    district = db.likely(f"p.{DISTRICT_TEAMS}")
    for scope, limit in (("district", district), ("team", f"p.team_id = :team AND {district}")):
        for when, (start, end) in (("now", now), ("before", before)):
            found[scope, when] = tuple(int(value) for value in db.rows(
                f"SELECT {FUNDS_FIGURES} FROM {funds_in(db)} AND {limit}", start=start.isoformat(), end=end.isoformat(),
                team=team)[0])
    db.end()
    return found


class FundsClock(StatementClock):
    """The driver time of the statements that read funds_tranche, and of no other."""

    def _before(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.counting = "funds_tranche" in statement
        if self.counting:
            super()._before()

    def _after(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if not self.counting:
            return
        if context is not None and isinstance(context.cursor, TimedCursor) and context.cursor._cursor is cursor:
            self.seconds += time.perf_counter() - self._started  # another clock times the fetches: so does this one
            context.cursor = TimedCursor(context.cursor, self)
            return
        super()._after(conn, cursor, statement, params, context, many)


def same_funds(app: Any, period: Any, team: int, result: dict[str, Any]) -> str | None:
    """Compare the dashboard's 到资 cards (district and team, the figure and its 同比) with the SQL's sums."""
    from crm.access.districts import home_district
    from crm.access.tenancy import within
    from crm.domain.periods import today
    from crm.reports.dashboard import dashboard_cards

    with app.app_context(), within(home_district().id, "as the district's users read"):
        board = dashboard_cards(period, today(), team, home_district().id)
    for scope, block in (("district", board.district), ("team", board.team)):
        cards = [block.card(key) for key in ("funds_yuan", "fixed_asset_done_yuan")]
        shown = {(scope, "now"): tuple(card.value for card in cards),
                 (scope, "before"): tuple(card.last_year for card in cards)}
        for key, value in shown.items():
            if value != result[key]:
                return f"{key}: app {value}, SQL {result[key]}"
    return None
