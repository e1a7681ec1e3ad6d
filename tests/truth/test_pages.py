"""The dashboard (cards, brief, pending note, charts) and the three rankings' pages against the SQL's figures."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from .counts import Truth
from .ledger import Ledger
from .pages import (
    Browsers,
    brief_figures,
    card_blocks,
    chart,
    expected_brief,
    on_card,
    on_page,
    page,
    ranking_rows,
    ranking_totals,
    shown_figures,
)
from .scopes import CITY, FIGURES, FUNDS, MONEY, SPANS, Scope, Span
from .world import Place, World, on_turn, readers

CARD_FIGURES = ("signed_projects", "yi_projects", "signed_investment_yuan", "trips", "enterprises_visited",
                "started_projects", "producing_projects")
DISTRICT_PAGE_FIGURES = ("signed_projects", "yi_projects", "signed_investment_yuan", "started_projects",
                         "producing_projects", "trips", "enterprises_visited", *FUNDS)


def test_every_page_tells_the_sql_truth(world: World, browsers: Browsers) -> None:
    """The dashboard (cards, brief, charts) and the three rankings' pages, as the city and the districts' people."""
    truth, ledger = Truth(), Ledger(world.seed)
    check_dashboard(ledger, truth, world, browsers)
    check_rankings(ledger, truth, world, browsers)
    ledger.verdict()


def check_dashboard(ledger: Ledger, truth: Truth, world: World, browsers: Browsers) -> None:
    """Cards, the brief and the pending note for a district's leader, the city, the city narrowed to a district or an
    admin, and a team member (with the team's cards); the charts' JSON for the city, the leader and the team."""
    first = world.districts[0]
    for index, span in enumerate(SPANS):
        turn = on_turn(world, index)
        other = (("招商局管理员", world.admin, Scope(district_id=first.id), {}) if index % 2 else
                 (f"市招商局选{turn.name}", world.city, Scope(district_id=turn.id), {"district": str(turn.id)}))
        for label, username, scope, extra in [*((*reader, {}) for reader in readers(world, index)), other]:
            where = f"{span.name} · {label}"
            html = page(browsers[username], "/", span.query | extra)
            blocks = card_blocks(html)
            ledger.check_all("dashboard cards", where, shown_figures(truth.figures(span, scope), CARD_FIGURES, on_card),
                             blocks[0] if blocks else {})
            ledger.check_all("dashboard brief", where, expected_brief(truth, span, scope), brief_figures(html))
            note = re.search(r"另有 (\d+) 个签约项目待认定", html)
            ledger.check("dashboard pending note", where, "pending_verification", truth.pending(span, scope),
                         int(note.group(1)) if note else 0)
            if username != world.admin and not extra:
                check_charts(ledger, truth, span, where, browsers[username], scope, span.query)
        where, own = f"{span.name} · 专班成员", Scope(team_id=world.member_team)
        blocks = card_blocks(page(browsers[world.member], "/", span.query))
        ledger.check_all("dashboard cards", where, shown_figures(truth.figures(span, Scope(district_id=first.id)),
                                                                CARD_FIGURES, on_card), blocks[0] if blocks else {})
        ledger.check_all("dashboard team cards", where, shown_figures(truth.figures(span, own), CARD_FIGURES, on_card),
                         blocks[1] if len(blocks) > 1 else {})
        check_charts(ledger, truth, span, f"{where} · 本专班", browsers[world.member], own,
                     span.query | {"team": str(world.member_team)})


def check_charts(ledger: Ledger, truth: Truth, span: Span, where: str, browser: FlaskClient, scope: Scope,
                 query: dict[str, str]) -> None:
    """The monthly, sizes, industries and funnel charts' numbers for the scope."""
    expected = truth.figures(span, scope)
    months = chart(browser, "monthly", query)["months"]
    ledger.check("chart monthly", where, "per month", truth.months(span, scope),
                 {m["month"]: (m["signed"], m["investment_yuan"]) for m in months})
    ledger.check("chart monthly", where, "signed_projects", expected["signed_projects"],
                 sum(m["signed"] for m in months))
    ledger.check("chart monthly", where, MONEY, expected[MONEY], sum(m["investment_yuan"] for m in months))
    sizes = chart(browser, "sizes", query)["sizes"]
    ledger.check("chart sizes", where, "per band", truth.bands(span, scope),
                 {(band["low_yi"], band["high_yi"]): band["count"] for band in sizes})
    ledger.check("chart sizes", where, "yi_projects", expected["yi_projects"], sum(band["count"] for band in sizes))
    industries = chart(browser, "industries", query)["industries"]
    ledger.check("chart industries", where, "per industry", truth.industries(span, scope),
                 {row["industry"]: (row["signed"], row["investment_yuan"]) for row in industries})
    stages = chart(browser, "funnel", query)["stages"]
    signed = next((stage for stage in stages if stage["stage"] == "signed"), {})
    ledger.check("chart funnel", where, "signed from leads", truth.from_leads(span, scope),
                 (signed.get("count"), signed.get("investment_yuan")))


def check_rankings(ledger: Ledger, truth: Truth, world: World, browsers: Browsers) -> None:
    """专班排名, 亿元以上项目榜 and 区县排名 as the city and as a district's leader, and the scores charts."""
    for index, span in enumerate(SPANS):
        turn = on_turn(world, index)
        (leader, username, _scope), (city, *_rest) = readers(world, index)
        tables = {label: check_team_ranking(ledger, truth, span, turn, f"{span.name} · {turn.name} · {label}",
                                            page(browsers[name], "/rankings/teams", span.query | query))
                  for label, name, query in ((leader, username, {}), (city, world.city, {"district": str(turn.id)}))}
        ledger.check("team ranking page", f"{span.name} · {turn.name}", "the city's view = the leader's",
                     tables[leader], tables[city])
        scores = {row["team_name"]: (str(row["rank"]), row["score"])
                  for row in chart(browsers[username], "teams", span.query)["teams"]}
        ledger.check("chart teams", f"{span.name} · {turn.name}", "rank and score as ranked",
                     {name: (row["rank"], row["score"]) for name, row in tables[leader].items()}, scores)
        for label, name, scope in readers(world, index):
            where = f"{span.name} · {label}"
            html = page(browsers[name], "/rankings/projects", span.query)
            found = re.search(r'data-count="(\d+)" data-total-yuan="(\d+)"', html)
            floors = truth.floors(span, scope)
            ledger.check("project ranking page", where, "count and sum", floors[1],
                         tuple(int(n) for n in found.groups()) if found else None)
            ledger.check("project ranking page", where, "per size", {str(f): n for f, (n, _sum) in floors.items()},
                         {key: int(n) for key, n in re.findall(
                             r'<li data-bucket="(\d+)"><span>[^<]*</span> <strong>(\d+)</strong>', html)})
            ledger.check("project ranking page", where, "order (first page)", truth.yi_codes(span, scope)[:50],
                         re.findall(r'<tr data-code="([^"]+)" data-rank="\d+"', html))
        check_district_ranking(ledger, truth, world, span, [(city, browsers[world.city]),
                                                            (leader, browsers[username])])


def check_team_ranking(ledger: Ledger, truth: Truth, span: Span, place: Place, where: str,
                       html: str) -> dict[str, dict[str, str]]:
    """A district's team ranking page: the teams it lists, each one's figures and the district's; its rows."""
    listed = ranking_rows(html, "data-team")
    ledger.check("team ranking page", where, "teams listed", truth.ranked_teams(span, place), set(listed))
    for team_id, name, _active in place.teams:
        if name in listed:
            team = Scope(team_id=team_id)
            ledger.check_all("team ranking page", f"{where} · {name}", shown_figures(
                truth.figures(span, team) | truth.funds(span, team), (*FIGURES, *FUNDS), on_page), listed[name])
    district = Scope(district_id=place.id)
    ledger.check_all("team ranking page totals", where, shown_figures(
        truth.figures(span, district) | truth.funds(span, district), (*FIGURES, *FUNDS), on_page), ranking_totals(html))
    return listed


def check_district_ranking(ledger: Ledger, truth: Truth, world: World, span: Span,
                           viewers: list[tuple[str, FlaskClient]]) -> None:
    """区县排名 as the city (first) and as a district's leader: the same table, and every figure the SQL's."""
    tables = {}
    for label, browser in viewers:
        where = f"{span.name} · {label}"
        html = page(browser, "/rankings/districts", span.query)
        listed, totals = ranking_rows(html, "data-district"), ranking_totals(html)
        tables[label] = (listed, totals)
        for place in world.districts:
            district = Scope(district_id=place.id)
            ledger.check_all("district ranking page", f"{where} · {place.name}", shown_figures(
                truth.figures(span, district) | truth.funds(span, district), DISTRICT_PAGE_FIGURES, on_page),
                listed.get(place.name, {}))
        ledger.check_all("district ranking page totals", where, shown_figures(
            truth.figures(span, CITY) | truth.funds(span, CITY), DISTRICT_PAGE_FIGURES, on_page), totals)
    (city, city_table), *others = tables.items()
    for label, table in others:
        ledger.check("district ranking page", f"{span.name} · {label}", "the leader's view = the city's",
                     city_table, table)
    scores = {row["team_name"]: (str(row["rank"]), row["score"])
              for row in chart(viewers[0][1], "teams", span.query)["teams"]}
    ledger.check("chart teams", f"{span.name} · {city}", "rank and score as ranked",
                 {name: (row["rank"], row["score"]) for name, row in city_table[0].items()}, scores)
