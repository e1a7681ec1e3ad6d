"""The 月报/季报 Word document against the dashboard's page and the SQL: for each period, a district's leader's
report and the city's, downloaded and read back with python-docx; every headline figure, 同比 and target completion
as the dashboard shows them, the brief, the 亿元以上 rows and totals, the ranking's ranks and scores as its page shows
them, and the red and yellow counts of the rule folded by hand."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import urlencode

from docx import Document
from docx.document import Document as WordDocument
from flask.testing import FlaskClient

from .colours import RED, YELLOW, colours_on, counts
from .counts import Truth
from .ledger import Ledger
from .pages import (
    Browsers,
    brief_figures,
    expected_brief,
    on_card,
    page,
    ranking_rows,
    shown_figures,
    yi_shown,
)
from .scopes import CITY, SPANS, Scope, Span
from .world import World, readers

CARD_FIGURES = ("signed_projects", "yi_projects", "signed_investment_yuan", "trips", "enterprises_visited",
                "started_projects", "producing_projects")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(browser: FlaskClient, query: dict[str, str]) -> WordDocument:
    response = browser.get(f"/reports/report.docx?{urlencode(query)}")
    assert response.status_code == 200 and response.mimetype == DOCX, (query, response.status_code)
    return Document(io.BytesIO(response.data))


def tables(document: WordDocument) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def table_with(document: WordDocument, heading: str) -> list[list[str]]:
    return next((rows for rows in tables(document) if heading in rows[0]), [[]])


def text_of(document: WordDocument) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def dashboard_cards(html: str) -> list[tuple[str, str, str, str | None]]:
    """The district's (or city's) cards as the dashboard shows them: (figure, 同比, last year's, completion)."""
    block = html.split('<section class="cards kpi-cards"')[1].split("</section>")[0]
    cards = []
    for body in block.split('<article class="card kpi"')[1:]:
        figure = re.search(r'<strong class="figure" data-key="[^"]+">([^<]*)</strong>', body).group(1)
        change = re.search(r'<span class="change[^"]*" data-key="[^"]+">([^<]*)</span>', body).group(1).strip()
        last = re.search(r'上年同期 [^：]+：([^<]*)</small>', body).group(1).strip()
        done = re.search(r"完成年度目标 ([\d.]+)%", body)
        cards.append((figure, change, last, f"{done.group(1)}%" if done else None))
    return cards


def document_cards(document: WordDocument) -> list[tuple[str, str, str, str | None]]:
    rows = table_with(document, "同比")[1:]
    return [(row[1], row[3], row[4], None if row[6] == "—" else row[6]) for row in rows]


def test_every_report_tells_the_dashboards_truth(world: World, browsers: Browsers) -> None:
    truth, ledger = Truth(), Ledger(world.seed)
    for index, span in enumerate(SPANS):
        for label, username, scope in readers(world, index):
            where = f"{span.name} · {label}"
            browser = browsers[username]
            document = download(browser, span.query)
            check_front(ledger, truth, where, span, scope, document, page(browser, "/", span.query))
            check_tables(ledger, truth, where, span, scope, document, browser)
    ledger.verdict()


def check_front(ledger: Ledger, truth: Truth, where: str, span: Span, scope: Scope, document: WordDocument,
                html: str) -> None:
    """The brief and the headline figures: the dashboard's cards, one by one, and the SQL's figures."""
    ledger.check("report brief", where, "brief", expected_brief(truth, span, scope), brief_figures(text_of(document)))
    shown = document_cards(document)
    ledger.check("report figures", where, "cards = the dashboard's (figure, 同比, last year, completion)",
                 dashboard_cards(html), shown)
    expected = shown_figures(truth.figures(span, scope), CARD_FIGURES, on_card)
    ledger.check_all("report figures", where, expected, dict(zip(CARD_FIGURES, [row[0] for row in shown[:7]],
                                                                 strict=False)))


def yi_part(rows: list[list[str]]) -> tuple[list[str], Any]:
    if len(rows) < 2:
        return [], None
    return [row[1] for row in rows[1:-1]], rows[-1][-1]


def check_tables(ledger: Ledger, truth: Truth, where: str, span: Span, scope: Scope, document: WordDocument,
                 browser: FlaskClient) -> None:
    """The 亿元以上 rows and totals, the ranking's ranks and scores as its page shows them, red and yellow counts."""
    codes, total = yi_part(table_with(document, "项目名称"))
    count, amount = truth.floors(span, scope)[1]
    ledger.check("report 亿元以上", where, "codes in order", truth.yi_codes(span, scope), codes)
    ledger.check("report 亿元以上", where, "total", yi_shown(amount) if count else None, total)
    city = scope == CITY
    html = page(browser, "/rankings/districts" if city else "/rankings/teams", span.query)
    listed = ranking_rows(html, "data-district" if city else "data-team")
    ledger.check("report ranking", where, "rank and score per unit",
                 {name: (row["rank"], row["score"]) for name, row in listed.items()},
                 {row[1]: (row[0], row[2]) for row in table_with(document, "得分")[1:]})
    colours = counts(colours_on(span.end), scope)
    said = re.search(r"红色项目(\d+)个，黄色项目(\d+)个", text_of(document))
    ledger.check("report colours", where, "red and yellow", (colours[RED], colours[YELLOW]),
                 tuple(int(n) for n in said.groups()) if said else None)
