"""Reading the pages: a signed-in browser per user, the figures a page or chart shows, and how a figure is shown."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from flask.testing import FlaskClient

from ..conftest import PASSWORD
from .counts import Truth
from .scopes import CITY, FUNDS, MONEY, YI, Scope, Span

# the rankings' pages name their cells data-metric / data-total="…"
PAGE_METRICS = {"trips": "trips", "enterprises": "enterprises_visited", "visits": "visits", "new_leads": "new_leads",
                "signed": "signed_projects", "yi_signed": "yi_projects", "investment": "signed_investment_yuan",
                "started": "started_projects", "producing": "producing_projects", "funds": "funds_yuan",
                "fixed_asset": "fixed_asset_done_yuan"}


def yi_shown(yuan: int) -> str:
    """Yuan in 亿元 as people read it: two decimals, halves up, grouped digits."""
    return f"{(Decimal(yuan) / YI).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def on_card(figure: str, value: int) -> str:
    return yi_shown(value) if figure == MONEY else f"{value:,}"


def on_page(figure: str, value: int) -> str:
    return f"{yi_shown(value)}亿元" if figure in (MONEY, *FUNDS) else str(value)


def shown_figures(figures: dict[str, int], keys: tuple[str, ...], style: Any) -> dict[str, str]:
    return {key: style(key, figures[key]) for key in keys}


def sign_in(app: Flask, username: str) -> FlaskClient:
    """A browser of its own, signed in through the real form."""
    browser = app.test_client()
    response = browser.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return browser


def page(browser: FlaskClient, path: str, query: dict[str, Any]) -> str:
    response = browser.get(f"{path}?{urlencode(query)}")
    assert response.status_code == 200, (path, query, response.status_code)
    return response.text


def chart(browser: FlaskClient, name: str, query: dict[str, Any]) -> dict[str, Any]:
    response = browser.get(f"/dashboard/data/{name}?{urlencode(query)}")
    assert response.status_code == 200, (name, query, response.text)
    return response.json


def card_blocks(html: str) -> list[dict[str, str]]:
    """Each block of KPI cards, in page order: {figure: the number shown}."""
    return [dict(re.findall(r'<strong class="figure" data-key="([^"]+)">([^<]*)</strong>', block))
            for block in html.split('<section class="cards kpi-cards"')[1:]]


BRIEF = re.compile(r"截至([^，]+)，全(区|市)招商引资签约项目(\d+)个，其中亿元以上项目(\d+)个，总投资([\d,.]+)亿元；"
                   r"(\d+)支驻外招商专班外出招商(\d+)次，拜访企业(\d+)家。")


def brief_figures(sentence: str) -> dict[str, Any]:
    found = BRIEF.search(sentence)
    if found is None:
        return {}
    day, whole, signed, yi, amount, teams, trips, companies = found.groups()
    return {"as_of": day, "whole": whole, "signed_projects": int(signed), "yi_projects": int(yi), MONEY: amount,
            "teams": int(teams), "trips": int(trips), "enterprises_visited": int(companies)}


def expected_brief(truth: Truth, span: Span, scope: Scope) -> dict[str, Any]:
    figures = truth.figures(span, scope)
    amount = figures[MONEY]
    return {"as_of": f"{span.end.year}年{span.end.month}月{span.end.day}日",  # the period is over, in a past year
            "whole": "市" if scope == CITY else "区", "signed_projects": figures["signed_projects"],
            "yi_projects": figures["yi_projects"], MONEY: f"{amount // YI:,}" if amount % YI == 0 else yi_shown(amount),
            "teams": truth.active_teams(scope), "trips": figures["trips"],
            "enterprises_visited": figures["enterprises_visited"]}


def ranking_rows(html: str, key: str) -> dict[str, dict[str, str]]:
    """A ranking table's rows by unit name: rank, score and each figure cell as shown."""
    found = {}
    for name, rank, score, cells in re.findall(
            rf'<tr {key}="([^"]+)" data-rank="(\d+)" data-score="([^"]+)">(.*?)</tr>', html, re.S):
        shown = {PAGE_METRICS[metric]: value.strip() for metric, value in re.findall(
            r'data-metric="([^"]+)">([^<]*)<', cells)}
        found[name] = {"rank": rank, "score": score} | shown
    return found


def ranking_totals(html: str) -> dict[str, str]:
    return {PAGE_METRICS[metric]: value.strip() for metric, value in re.findall(r'data-total="([^"]+)">([^<]*)<', html)}


class Browsers(dict[str, FlaskClient]):
    """A browser per user, signed in when first wanted."""

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app

    def __missing__(self, username: str) -> FlaskClient:
        browser = self[username] = sign_in(self.app, username)
        return browser
