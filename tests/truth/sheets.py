"""Reading the exports back: a .csv or .xlsx sheet as rows, its 合计 and 其中 lines, and its cells' numbers."""

from __future__ import annotations

import csv
import io
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from flask.testing import FlaskClient

from .scopes import FUNDS, MONEY, YI

# the ranking exports' column headers
EXPORT_HEADERS = {"外出招商次数": "trips", "拜访企业数": "enterprises_visited", "拜访次数": "visits",
                  "新增线索": "new_leads", "签约项目数": "signed_projects", "亿元以上签约项目数": "yi_projects",
                  "签约投资额（亿元）": "signed_investment_yuan", "开工项目数": "started_projects",
                  "投产项目数": "producing_projects", "到资额（亿元）": "funds_yuan",
                  "固投完成额（亿元）": "fixed_asset_done_yuan"}


def sheet(browser: FlaskClient, name: str, ext: str, query: dict[str, Any]) -> list[list[Any]]:
    """An export's first sheet read back, title row first; empty cells are None."""
    response = browser.get(f"/exports/{name}.{ext}?{urlencode(query)}")
    assert response.status_code == 200, (name, ext, query, response.status_code)
    data = response.data
    response.close()  # a workbook is sent from an open file
    if ext == "csv":
        return [[cell or None for cell in line] for line in csv.reader(io.StringIO(data.decode("utf-8-sig")))]
    frame = pd.read_excel(io.BytesIO(data), engine="calamine", header=None)
    return [[None if pd.isna(cell) else cell for cell in line] for line in frame.itertuples(index=False)]


def whole(cell: Any) -> int | str:
    """A count as written (a CSV's text, a workbook's number)."""
    try:
        return int(Decimal(str(cell)))
    except ArithmeticError:
        return f"not a number: {cell!r}"


def yuan(cell: Any) -> int | str:
    """An amount written in 亿元 (exact text in a CSV, a number in a workbook), back in yuan."""
    try:
        amount = Decimal(cell) if isinstance(cell, str) else Decimal(repr(float(cell)))
    except (ArithmeticError, TypeError, ValueError):
        return f"not an amount: {cell!r}"
    return int((amount * YI).to_integral_value(ROUND_HALF_UP))


def n_in(cell: Any) -> int | None:
    """The number inside a text such as 12个项目."""
    found = re.search(r"\d+", str(cell or ""))
    return int(found.group()) if found else None


def data_and_footer(table: list[list[Any]]) -> tuple[list[list[Any]], list[list[Any]]]:
    """The data rows under the title and header, and the rows after them that start with 合计 or 其中."""
    body = table[2:]
    for index, line in enumerate(body):
        if str(line[0] or "").startswith(("合计", "其中")):
            return body[:index], body[index:]
    return body, []


def unit_rows(table: list[list[Any]], total_label: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """A ranking export: each unit's figures by name, and the totals row's, by the header of each column."""
    header = [str(cell or "") for cell in table[1]]
    columns = {EXPORT_HEADERS[title]: index for index, title in enumerate(header) if title in EXPORT_HEADERS}

    def figures(line: list[Any]) -> dict[str, Any]:
        return {key: (yuan if key in (MONEY, *FUNDS) else whole)(line[index]) for key, index in columns.items()}
    units, totals = {}, {}
    for line in table[2:]:
        if line[1] == total_label:
            totals = figures(line)
            break
        units[str(line[1])] = figures(line) | {"rank": whole(line[0]), "score": str(line[2])}
    return units, totals


def floor_of(label: Any) -> int | None:
    """The size floor in 亿元 a 其中 line names: 亿元以上项目3个 → 1, 10亿元以上项目2个 → 10."""
    found = re.match(r"(\d*)亿元以上", str(label or ""))
    return (int(found.group(1)) if found.group(1) else 1) if found else None
