"""Every export's totals and rows, and `flask summary` and `flask rankings`, against the SQL's figures."""

from __future__ import annotations

import json

from flask.testing import FlaskClient, FlaskCliRunner

from crm.exports.catalogue import EXPORTS as CATALOGUE

from .analysis import check_analysis
from .counts import Truth
from .ledger import Ledger
from .pages import Browsers, brief_figures, expected_brief
from .scopes import CITY, MONEY, SPANS, Scope, Span
from .sheets import data_and_footer, floor_of, n_in, sheet, unit_rows, yuan
from .world import World, on_turn, readers

EXPORTS = ("projects", "ranking", "teams", "districts", "visits", "funds", "analysis")


def test_every_export_and_command_tells_the_sql_truth(world: World, browsers: Browsers,
                                                      runner: FlaskCliRunner) -> None:
    """Every export's totals and rows, and `flask summary` and `flask rankings`."""
    truth, ledger = Truth(), Ledger(world.seed)
    check_exports(ledger, truth, world, browsers)
    check_command_line(ledger, truth, world, runner)
    ledger.verdict()


def check_command_line(ledger: Ledger, truth: Truth, world: World, runner: FlaskCliRunner) -> None:
    """`flask summary --json` for every district; `--brief` and the rankings' `--json` for each district in turn (not
    the one whose pages were read in that period)."""
    def run(*args: str) -> str:
        result = runner.invoke(args=list(args))
        assert result.exit_code == 0, (args, result.output)
        return result.output

    for index, span in enumerate(SPANS):
        turn = on_turn(world, index + 1)
        for place in world.districts:
            where, scope = f"{span.name} · --district {place.name}", Scope(district_id=place.id)
            summary = json.loads(run("summary", *span.options, "--district", place.name, "--json"))
            ledger.check_all("flask summary --json", where, truth.figures(span, scope) | truth.funds(span, scope) | {
                "pending_verification": truth.pending(span, scope), "teams": truth.active_teams(scope),
                "period_start": span.start.isoformat(), "period_end": span.end.isoformat()}, summary)
        where, scope = f"{span.name} · --district {turn.name}", Scope(district_id=turn.id)
        ledger.check_all("flask summary --brief", where, expected_brief(truth, span, scope),
                         brief_figures(run("summary", *span.options, "--district", turn.name, "--brief")))
        teams = json.loads(run("rankings", "teams", *span.options, "--district", turn.name, "--json"))["teams"]
        listed = {row["team_name"]: row["figures"] for row in teams}
        ledger.check("flask rankings teams --json", where, "teams listed", truth.ranked_teams(span, turn), set(listed))
        for team_id, name, _active in turn.teams:
            if name in listed:
                team = Scope(team_id=team_id)
                ledger.check_all("flask rankings teams --json", f"{where} · {name}",
                                 truth.figures(span, team) | truth.funds(span, team), listed[name])
        ranking = json.loads(run("rankings", "projects", *span.options, "--district", turn.name, "--json"))
        floors = truth.floors(span, scope)
        ledger.check_all("flask rankings projects --json", where, {
            "count": floors[1][0], "total_investment_yuan": floors[1][1],
            "buckets": {str(floor): n for floor, (n, _sum) in floors.items()}}, ranking)
        ledger.check("flask rankings projects --json", where, "order", truth.yi_codes(span, scope),
                     [row["code"] for row in ranking["projects"]])
        districts = json.loads(run("rankings", "districts", *span.options, "--json"))
        listed = {row["district"]: row["figures"] for row in districts["districts"]}
        for place in world.districts:
            district = Scope(district_id=place.id)
            ledger.check_all("flask rankings districts --json", f"{span.name} · {place.name}",
                             truth.figures(span, district) | truth.funds(span, district), listed.get(place.name, {}))
        ledger.check_all("flask rankings districts --json (city)", span.name,
                         truth.figures(span, CITY) | truth.funds(span, CITY), districts["city"])


def check_exports(ledger: Ledger, truth: Truth, world: World, browsers: Browsers) -> None:
    """Every export as the city and as a district's leader: its totals rows and its rows' figures; each list as
    .csv in every period (the two team rankings' by one reader or the other), and as .xlsx in the year (the same
    table, written by another writer)."""
    # 督办台账: the city reads no district's orders; its rows and counts are checked in test_colours_and_dispatch.py
    assert set(CATALOGUE) == {*EXPORTS, "leads", "supervision"}, "an export was added: check its totals here too"
    for label, username, scope in readers(world, 0):
        for ext in ("csv", "xlsx") if scope == CITY else ("csv",):
            table = sheet(browsers[username], "leads", ext, {})
            amount = [str(cell or "") for cell in table[1]].index("投资额（亿元）")  # after 区县 for the city
            _data, footer = data_and_footer(table)
            line = footer[0] if footer else [None] * (amount + 1)
            ledger.check(f"export leads.{ext}", label, "合计 count and amount", truth.lead_list(scope),
                         (n_in(line[1]), yuan(line[amount])))
    for index, span in enumerate(SPANS):
        for label, username, scope in readers(world, index):
            named = {"district": str(on_turn(world, index + 1).id)} if scope == CITY else {}  # its team ranking's
            for ext in ("csv", "xlsx") if index == 0 else ("csv",):
                rankings = ext == "xlsx" or (scope == CITY) == (index % 2 == 0)
                check_period_exports(ledger, truth, world, span, ext, f"{span.name} · {label}", browsers[username],
                                     scope, named if rankings else None)


def check_period_exports(ledger: Ledger, truth: Truth, world: World, span: Span, ext: str, where: str,
                         browser: FlaskClient, scope: Scope, teams_query: dict[str, str] | None) -> None:
    """The period's exports as one reader downloads them; the team rankings' unless `teams_query` is None."""
    figures, floors = truth.figures(span, scope), truth.floors(span, scope)
    # 签约项目清单: by default what the figures count; 合计 with its fixed assets, then 其中 per size floor
    data, footer = data_and_footer(sheet(browser, "projects", ext, span.query))
    line = next((line for line in footer if line[0] == "合计"), [None] * 7)
    ledger.check(f"export projects.{ext}", where, "rows", figures["signed_projects"], len(data))
    ledger.check(f"export projects.{ext}", where, "合计 count, sum and fixed assets",
                 (figures["signed_projects"], figures[MONEY], truth.fixed_assets(span, scope)),
                 (n_in(line[1]), yuan(line[5]), yuan(line[6])))
    ledger.check(f"export projects.{ext}", where, "其中 per size (count, sum)", floors,
                 {floor_of(line[1]): (n_in(str(line[1]).split("以上")[-1]), yuan(line[5]))
                  for line in footer if line[0] == "其中"})
    if ext == "csv" and scope == CITY:  # with the signings awaiting verification: a 合计 line for each standing
        _data, footer = data_and_footer(sheet(browser, "projects", ext, span.query | {"verified": "all"}))
        ledger.check(f"export projects.{ext}?verified=all", where, "合计 per standing",
                     {"合计（已认定）": figures["signed_projects"], "合计（待认定）": truth.pending(span, scope)},
                     {str(line[0]): n_in(line[1]) for line in footer if str(line[0]).startswith("合计")})
    # 亿元以上项目榜
    data, footer = data_and_footer(sheet(browser, "ranking", ext, span.query))
    line = next((line for line in footer if line[0] == "合计"), [None] * 3)
    ledger.check(f"export ranking.{ext}", where, "合计 count and sum", floors[1], (n_in(line[1]), yuan(line[2])))
    ledger.check(f"export ranking.{ext}", where, "其中 per size", {floor: n for floor, (n, _sum) in floors.items()},
                 {floor_of(line[1]): n_in(str(line[1]).split("以上")[-1]) for line in footer if line[0] == "其中"})
    ledger.check(f"export ranking.{ext}", where, "order", truth.yi_codes(span, scope), [str(row[3]) for row in data])
    # 到资台账: the counted tranches, 合计 and 其中固定资产投资完成额 under 到资金额
    table = sheet(browser, "funds", ext, span.query)
    data, footer = data_and_footer(table)
    at = [str(cell or "") for cell in table[1]].index("到资金额（亿元）")
    lines = {str(line[0]): line for line in footer}
    funds = truth.funds(span, scope)
    ledger.check(f"export funds.{ext}", where, "rows, 合计 and 固投", (truth.funds_rows(span, scope),
                 funds["funds_yuan"], funds["fixed_asset_done_yuan"]),
                 (len(data), yuan(lines.get("合计", [None] * (at + 1))[at]),
                  yuan(lines.get("其中固定资产投资完成额", [None] * (at + 1))[at])))
    # 拜访记录 over the period's days
    data, footer = data_and_footer(sheet(browser, "visits", ext, {"start": span.start.isoformat(),
                                                                   "end": span.end.isoformat()}))
    ledger.check(f"export visits.{ext}", where, "rows and 合计 count", (figures["visits"], figures["visits"]),
                 (len(data), n_in(footer[0][1]) if footer else None))
    check_analysis(ledger, truth, span, ext, where, browser, scope)
    if teams_query is None:
        return
    # 专班排名: a district's (for the city, the one it names)
    place = next(p for p in world.districts if p.id == (scope.district_id or int(teams_query["district"])))
    units, totals = unit_rows(sheet(browser, "teams", ext, span.query | teams_query), "全区合计")
    ledger.check(f"export teams.{ext}", f"{where} · {place.name}", "teams listed", truth.ranked_teams(span, place),
                 set(units))
    for team_id, name, _active in place.teams:
        if name in units:
            team = Scope(team_id=team_id)
            ledger.check_all(f"export teams.{ext}", f"{where} · {name}",
                             truth.figures(span, team) | truth.funds(span, team), units[name])
    district = Scope(district_id=place.id)
    ledger.check_all(f"export teams.{ext} totals", f"{where} · {place.name}",
                     truth.figures(span, district) | truth.funds(span, district), totals)
    # 区县排名: the same for every reader
    units, totals = unit_rows(sheet(browser, "districts", ext, span.query), "全市合计")
    for place in world.districts:
        district = Scope(district_id=place.id)
        ledger.check_all(f"export districts.{ext}", f"{where} · {place.name}",
                         truth.figures(span, district) | truth.funds(span, district), units.get(place.name, {}))
    ledger.check_all(f"export districts.{ext} totals", where, truth.figures(span, CITY) | truth.funds(span, CITY),
                     totals)
