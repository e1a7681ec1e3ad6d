"""The seeded world the truth tests run over, once per seed, and a browser per user who reads it."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from crm.domain import periods

from .counts import COUNTED, SIGNED, Truth, number, rows
from .pages import Browsers
from .scopes import CITY, NOW, SPANS, YI, Scope
from .world import World, build

SEEDS = (5, 17, 2026)


def check_edges(world: World) -> None:
    """The generator made what the rules turn on, so the tests can catch a rule broken at an edge."""
    year, truth = SPANS[0], Truth()
    amounts = {amount for amount, in rows(f"SELECT p.total_investment_yuan FROM project p WHERE {COUNTED}"
                                          f" AND {SIGNED}", start=year.start, end=year.end)}
    assert {99_999_999, YI} <= amounts
    voided, pending, dollars = rows(
        "SELECT SUM(CASE WHEN p.voided THEN 1 ELSE 0 END), SUM(CASE WHEN NOT p.verified THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN p.currency <> 'CNY' AND p.original_amount < {YI} AND {COUNTED} THEN 1 ELSE 0 END)"
        " FROM project p")[0]
    assert number(voided) and number(pending) and number(dollars)
    for day in (date(2026, 3, 31), date(2026, 4, 1), date(2026, 12, 31)):
        assert number(rows(f"SELECT COUNT(*) FROM project p WHERE {COUNTED} AND p.signed_on = :day", day=day)[0][0])
    # a company held by several districts was visited in more than one: the city counts fewer than the districts' sum
    by_district = sum(truth.figures(year, Scope(district_id=place.id))["enterprises_visited"]
                      for place in world.districts)
    assert truth.figures(year, CITY)["enterprises_visited"] < by_district


@pytest.fixture(params=SEEDS, ids=[f"seed{seed}" for seed in SEEDS])
def world(app: Flask, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> World:
    monkeypatch.setattr(periods, "now", lambda: NOW)
    made = build(request.param)
    check_edges(made)
    return made


@pytest.fixture
def browsers(app: Flask, world: World) -> Browsers:
    return Browsers(app)
