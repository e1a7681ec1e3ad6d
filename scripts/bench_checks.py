"""The checks bench_reports.py makes before it times a report: the figures its SQL by hand computed are the ones
the page shows, or the ones the app's own functions give, read as the home district's users read them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench_reports import Window


def as_the_home_districts_user() -> None:
    """Read the app's figures as the signed-in pages do: limited to the home district (the SQL's :district)."""
    from crm.access.districts import home_district
    from crm.access.tenancy import declare

    declare(home_district().id, "as the district's users read")


def same_figures(app_figures: dict[int, Any], sql_figures: dict[int, dict[str, int]]) -> str | None:
    mine = {team: figures.as_dict() for team, figures in app_figures.items()}
    if mine != sql_figures:
        wrong = sorted(set(mine) ^ set(sql_figures)) or [t for t in mine if mine[t] != sql_figures.get(t)][:3]
        return f"per-team figures differ (teams {wrong})"
    return None


def check_team_ranking(app: Any, window: Window, result: dict[str, Any], _body: bytes) -> str | None:
    from crm.domain.periods import Period
    from crm.reports.figures import team_figures as app_team_figures

    with app.app_context():
        as_the_home_districts_user()
        return (same_figures(app_team_figures(Period(window.start, window.end)), result["figures"])
                or same_figures(app_team_figures(Period(date(window.end.year, 1, 1), window.end)), result["ytd"]))


def check_yi(_app: Any, _window: Window, result: dict[str, Any], body: bytes) -> str | None:
    html = body.decode()
    count = re.search(r'data-count="(\d+)" data-total-yuan="(\d+)"', html)
    if not count or (int(count[1]), int(count[2])) != (result["count"], result["total_yuan"]):
        return f"totals differ: page {count and count.groups()}, SQL {result['count']}, {result['total_yuan']}"
    codes = re.findall(r'<tr data-code="([^"]+)"', html)
    if codes != [row[1] for row in result["rows"]]:
        return "the first page's projects differ"
    return None


def check_dashboard(app: Any, window: Window, result: dict[str, Any], _body: bytes) -> str | None:
    from crm.access.districts import home_district
    from crm.domain.periods import Period, today
    from crm.reports.colours import colour_board
    from crm.reports.figures import district_figures as app_district_figures
    from crm.reports.summary import district_summary

    with app.app_context():
        as_the_home_districts_user()
        period = Period(window.start, window.end)
        if app_district_figures(period).as_dict() != result["now"]:
            return "the period's district figures differ"
        if app_district_figures(period.same_period_last_year()).as_dict() != result["before"]:
            return "last year's district figures differ"
        summary = district_summary(period, today())
        extra = (summary.teams, summary.pending_verification, summary.chief_officers, summary.key_projects)
        board = colour_board(today(), home_district().id)
    if {colour.value: count for colour, count in board.counts.items() if count} != result["colours"]:
        return f"the 红黄绿 counts differ: app {board.counts}, SQL {result['colours']}"
    if extra != (result["teams"], result["pending"], result["officers"], result["key_projects"]):
        return f"summary counts differ: app {extra}"
    return None


def check_chart(name: str) -> Callable[[Any, Window, Any, bytes], str | None]:
    def check(app: Any, window: Window, result: Any, body: bytes) -> str | None:
        data = json.loads(body)
        if name == "monthly":
            shown = {m["month"]: (m["signed"], m["investment_yuan"]) for m in data["months"] if m["signed"]}
        elif name == "funnel":
            shown = {s["stage"]: (s["count"], s["investment_yuan"]) for s in data["stages"] if s["count"]}
            result = {stage: pair for stage, pair in result.items() if pair[0]}
        elif name == "industries":
            shown = [(i["industry"], i["signed"], i["investment_yuan"]) for i in data["industries"]][:10]
            result = [(name or "未分类", n, total) for name, n, total in result][:10]
        elif name == "sizes":
            shown = [s["count"] for s in data["sizes"]]
        else:
            return check_team_ranking(app, window, result, body) or (
                None if len(data["teams"]) == len([t for t in result["teams"] if t[2] or t[0] in result["figures"]])
                else "the number of teams differs")
        return None if shown == result else f"{name} differs: app {shown}, SQL {result}"
    return check
