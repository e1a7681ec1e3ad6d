"""The analysis table: the query read and checked for the viewer, the counts pivoted by pandas, the chart's data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..access.visibility import is_city, viewed_district
from ..domain.money import YUAN_PER_YI, format_yi
from ..domain.refused import Refused
from ..models import User
from ..reports.pivot import (
    BUCKETS,
    DIMENSIONS,
    MEASURES,
    PivotQuery,
    applies,
    buckets,
    pivot,
    row_labels,
    team_districts,
)
from ..web.forms import field_errors, id_arg
from ..web.i18n import gettext as _
from .forms import AnalysisForm

MAX_COLUMNS = 120  # a custom range of more months than this is asked by quarter or year
CHART_ROWS = 10  # the chart draws the largest rows; the table holds them all


@dataclass
class PivotTable:
    """The table as shown and exported: row labels, bucket labels, cells, each row's total, the totals' row; and
    the same as the page writes them (body: each row's label, cells and total; foot: the totals and the grand)."""

    asked: PivotQuery  # what the table counts
    row_header: str
    columns: list[str]
    rows: list[tuple[str, list[int], int]]
    totals: list[int]
    grand: int
    body: list[tuple[str, list[str], str]]
    foot: tuple[list[str], str]
    districts: list[str] | None = None  # each row's 区县: the city's table of teams, whose names repeat by district

    @property
    def money(self) -> bool:
        return self.asked.of.money

    @property
    def columns_header(self) -> str:
        return str(BUCKETS[self.asked.cols])

    @property
    def measure_label(self) -> str:
        return str(self.asked.of.label)

    def shown(self, value: int) -> str:
        """A cell as the page writes it: 亿元 with two decimals for money, else the count."""
        return format_yi(value) if self.money else str(value)

    def chart(self) -> dict[str, Any]:
        """The chart's data: the buckets, and the largest rows' values (money as 亿元 numbers, as written)."""
        named = [f"{label}（{district}）" for (label, _c, _t), district in zip(self.body, self.districts, strict=True)
                 ] if self.districts else [label for label, _c, _t in self.body]
        largest = sorted(zip(self.rows, self.body, named, strict=True), key=lambda row: -row[0][2])[:CHART_ROWS]
        value = float if self.money else int
        return {"buckets": self.columns, "unit": self.measure_label, "stacked": not self.asked.of.distinct,
                "series": [{"name": name, "values": [value(cell) for cell in cells]}
                           for _row, (_label, cells, _total), name in largest]}


def form_query(form: AnalysisForm, viewer: User, district: int | None = None) -> PivotQuery:
    """The query the form names for the viewer; Refused (with the reason) when it names none that can be counted."""
    if not form.validate():
        raise Refused(_("条件有误：%(problems)s", problems=field_errors(form)))
    try:
        period = form.report_period()
    except ValueError as error:
        raise Refused(_("条件有误：时段不成立")) from error
    rows, cols, measure = form.rows.data, form.cols.data, form.measure.data
    if rows == "district" and not is_city(viewer):
        raise Refused(_("区县维度仅供市招商局使用"), field="rows")
    if not applies(measure, rows):
        raise Refused(_("“%(measure)s”不能按“%(rows)s”分析：拜访只能按专班、区县、行业或投资方来源省份分析",
                        measure=MEASURES[measure].label, rows=DIMENSIONS[rows]), field="rows")
    if len(buckets(period, cols)) > MAX_COLUMNS:
        raise Refused(_("时段太长：按%(cols)s分列不能超过%(n)d列，请按季度或年分列", cols=BUCKETS[cols], n=MAX_COLUMNS),
                      field="cols")
    return PivotQuery(rows, cols, measure, period, viewed_district(viewer, district))


def read_query(args: Any, viewer: User) -> tuple[AnalysisForm, PivotQuery]:
    """The page's form for the query string, and the query it names (Refused when it names none)."""
    form = AnalysisForm(args, city=is_city(viewer))
    return form, form_query(form, viewer, id_arg("district", args))


def written_yi(values: np.ndarray) -> np.ndarray:
    """Yuan written as 亿元 with two decimals, rounded half-up as format_yi does, all at once."""
    hundredths = (np.abs(values) + YUAN_PER_YI // 200) // (YUAN_PER_YI // 100)
    return np.char.mod("%.2f", np.where(values < 0, -hundredths, hundredths) / 100)


def pivot_table(query: PivotQuery) -> PivotTable:
    """Count the table in the database, then pivot it: rows in order, every bucket of the period, 0 where none;
    the totals joined on as the last column and row, and every figure written once for the page."""
    counted = pivot(query)
    rows = row_labels(query, counted.row_totals)
    columns = buckets(query.period, query.cols)
    keys, last = [key for key, _label in columns], len(rows)  # the totals: the last row and the last column
    position, bucket = {key: index for index, (key, _label) in enumerate(rows)}, {key: n for n, key in enumerate(keys)}
    found = [*((position[unit], bucket[when], value) for (unit, when), value in counted.cells.items()),
             *((position[unit], len(keys), value) for unit, value in counted.row_totals.items()),
             *((last, bucket[when], value) for when, value in counted.col_totals.items()),
             (last, len(keys), counted.grand)]
    at_row, at_column, values = zip(*found, strict=True)
    index = pd.MultiIndex(levels=[range(last + 1), range(len(keys) + 1)], codes=[at_row, at_column])
    table = (pd.Series(values, index=index, dtype="int64").unstack(fill_value=0)
             .reindex(index=range(last + 1), columns=range(len(keys) + 1), fill_value=0))
    figures = table.to_numpy(dtype="int64")
    written = (written_yi(figures) if query.of.money else figures.astype(str)).tolist()
    labels = [label for _key, label in rows]
    districts = team_districts(query, counted.row_totals)
    *lines, totals = figures.tolist()
    return PivotTable(query, str(DIMENSIONS[query.rows]), [label for _key, label in columns],
                      [(label, line[:-1], line[-1]) for label, line in zip(labels, lines, strict=True)],
                      totals[:-1], totals[-1],
                      [(label, line[:-1], line[-1]) for label, line in zip(labels, written[:-1], strict=True)],
                      (written[-1][:-1], written[-1][-1]),
                      [districts.get(key, "") for key, _label in rows] if districts else None)
