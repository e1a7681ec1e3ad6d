"""红黄绿 and the 调度会 against the rule folded by hand: the dashboard's board, both rankings' counts, the project
list's filter, the 调度会 page and `flask dispatch --json`, for each district's leader and the city."""

from __future__ import annotations

import json
import re

from flask.testing import FlaskCliRunner

from .colours import GREEN, RED, YELLOW, colours_on, counts, meeting, order_counts
from .ledger import Ledger
from .pages import Browsers, page
from .paths import MEETINGS, TODAY
from .scopes import CITY, Scope
from .sheets import data_and_footer, sheet
from .world import World


def test_every_colour_and_meeting_tells_the_truth(world: World, browsers: Browsers, runner: FlaskCliRunner) -> None:
    ledger, today = Ledger(world.seed), colours_on(TODAY)
    assert {p.colour for p in today if p.counted} == {RED, YELLOW, GREEN}  # the world holds every colour
    for place in world.districts:
        scope, browser = Scope(district_id=place.id), browsers[world.leaders[place.id]]
        where = f"{place.name}领导"
        ledger.check("dashboard colours", where, "by colour", counts(today, scope), board(page(browser, "/", {})))
        for colour in (RED, YELLOW, GREEN):
            listed = re.search(r'class="project-totals" data-count="(\d+)"', page(browser, "/projects/",
                                                                                  {"colour": colour}))
            ledger.check("project list ?colour", where, colour, counts(today, scope)[colour],
                         int(listed.group(1)) if listed else None)
        shown = colour_cells(page(browser, "/rankings/teams", {"year": "2026"}), "data-team")
        ledger.check("team ranking colours", where, "red and yellow per team",
                     {name: pick(counts(today, Scope(team_id=team_id))) for team_id, name, _active in place.teams
                      if name in shown}, shown)
        for day, since in MEETINGS:
            check_meeting(ledger, runner, browser, f"{where} · {day}", day, since, place)
        check_orders(ledger, browser, where, place.id)
    city = browsers[world.city]
    html = page(city, "/", {})
    ledger.check("dashboard colours", "市招商局", "by colour", counts(today, CITY), board(html))
    ledger.check("dashboard colours", "市招商局", "per district",
                 {str(place.id): counts(today, Scope(district_id=place.id)) for place in world.districts},
                 {district: {colour: int(n) for colour, n in re.findall(r'<td data-colour="(\w+)">(\d+)</td>', cells)}
                  for district, cells in re.findall(r'<tr data-district="(\d+)">(.*?)</tr>', html, re.S)})
    ledger.check("district ranking colours", "市招商局", "red and yellow per district",
                 {place.name: pick(counts(today, Scope(district_id=place.id))) for place in world.districts},
                 colour_cells(page(city, "/rankings/districts", {"year": "2026"}), "data-district"))
    ledger.verdict()


def check_meeting(ledger: Ledger, runner: FlaskCliRunner, browser, where: str, day, since, place) -> None:
    """The meeting's list on the page and from the command line."""
    truth = meeting(day, since, place.id)
    result = runner.invoke(args=["dispatch", "--date", day.isoformat(), "--since", since.isoformat(),
                                 "--district", place.name, "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    projects = listed["projects"]
    ledger.check("flask dispatch --json", where, "red, then yellow, by code", truth.red + truth.yellow,
                 [row["code"] for row in projects])
    ledger.check("flask dispatch --json", where, "colours", [RED] * len(truth.red) + [YELLOW] * len(truth.yellow),
                 [row["colour"] for row in projects])
    ledger.check("flask dispatch --json", where, "newly red", truth.newly_red,
                 sorted(row["code"] for row in projects if row["newly_red"]))
    ledger.check("flask dispatch --json", where, "open orders, overdue first", truth.orders,
                 [(row["code"], row["overdue"]) for row in listed["orders"]])
    ledger.check("flask dispatch --json", where, "nodes reached", truth.reached, len(listed["reached"]))
    ledger.check("flask dispatch --json", where, "money arrived", truth.arrived_yuan, listed["arrived_yuan"])
    html = page(browser, "/dispatch/", {"day": day.isoformat(), "since": since.isoformat()})
    shown = {key: int(n) for key, n in re.findall(r'<li data-count="([\w-]+)">.*?(\d+)\D*</li>', html)}
    ledger.check("dispatch page", where, "counts", {"red": len(truth.red), "yellow": len(truth.yellow),
                                                   "orders": len(truth.orders), "new-red": len(truth.newly_red)},
                 shown)
    arrived = re.search(r'data-arrived="(\d+)"', html)
    ledger.check("dispatch page", where, "money arrived", truth.arrived_yuan, int(arrived.group(1)) if arrived else 0)


def check_orders(ledger: Ledger, browser, where: str, district_id: int) -> None:
    """The 督办台账's counts, and its export's rows (the city reads no district's orders)."""
    truth = order_counts(TODAY, district_id)
    html = page(browser, "/projects/supervision", {})
    standings = ("open", "overdue", "returned", "closed")
    ledger.check("督办台账 page", where, "counts", {key: truth[key] for key in standings},
                 {key: int(n) for key, n in re.findall(r'data-figure="(\w+)">(\d+)<', html)})
    ledger.check("export supervision.csv", where, "rows", truth["rows"],
                 len(data_and_footer(sheet(browser, "supervision", "csv", {}))[0]))


def board(html: str) -> dict[str, int]:
    return {colour: int(n) for colour, n in re.findall(r'class="colour-count" data-colour="(\w+)" data-count="(\d+)"',
                                                        html)}


def pick(found: dict[str, int]) -> dict[str, int]:
    return {RED: found[RED], YELLOW: found[YELLOW]}


def colour_cells(html: str, key: str) -> dict[str, dict[str, int]]:
    """A ranking's red and yellow cells by row (team or district name)."""
    return {name: {colour: int(re.sub(r"<[^>]+>", "", text).strip()) for colour, text in re.findall(
        r'class="number colour-cell" data-colour="(\w+)">(.*?)</td>', cells, re.S)}
        for name, cells in re.findall(rf'<tr {key}="([^"]+)" data-rank="\d+" data-score="[^"]+">(.*?)</tr>', html,
                                      re.S)}
