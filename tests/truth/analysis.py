"""多维分析's export against the SQL's figures: its grand total is the period's figure, and its rows add up to it."""

from __future__ import annotations

from flask.testing import FlaskClient

from .counts import Truth
from .ledger import Ledger
from .scopes import MONEY, Scope, Span
from .sheets import data_and_footer, sheet, whole, yuan

# each measure, the figure its grand total is, and the rows it is split by here
MEASURES = {"signed": ("signed_projects", "type"), "yi": ("yi_projects", "size"),
            "investment": (MONEY, "industry"), "funds": ("funds_yuan", "team"),
            "visits": ("visits", "province"), "enterprises": ("enterprises_visited", "team")}
ADDS_UP = frozenset(MEASURES) - {"enterprises"}  # a company visited by two teams is one in the total


def check_analysis(ledger: Ledger, truth: Truth, span: Span, ext: str, where: str, browser: FlaskClient,
                   scope: Scope) -> None:
    """Each measure's table as the reader downloads it, by month, quarter or year in turn."""
    figures = truth.figures(span, scope) | truth.funds(span, scope)
    for index, (measure, (field, rows)) in enumerate(MEASURES.items()):
        cols = ("month", "quarter", "year")[index % 3]
        data, footer = data_and_footer(sheet(browser, "analysis", ext,
                                             span.query | {"measure": measure, "rows": rows, "cols": cols}))
        read = yuan if field in (MONEY, "funds_yuan") else whole
        name = f"export analysis.{ext}?measure={measure}&rows={rows}&cols={cols}"
        grand = read(footer[0][-1]) if footer else None
        ledger.check(name, where, "合计", figures[field], grand)
        if measure in ADDS_UP:
            ledger.check(name, where, "rows' totals add up", figures[field],
                         sum(read(line[-1]) for line in data) if data else 0)
            ledger.check(name, where, "columns' totals add up", figures[field],
                         sum(read(cell) for cell in footer[0][1:-1] if cell not in ("", None)) if footer else 0)
