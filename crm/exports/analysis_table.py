"""多维分析 as a file: the analysis page's table for its query, with its row totals and the totals' row."""

from __future__ import annotations

from collections.abc import Mapping

from ..access.districts import district_name
from ..analysis.services import PivotTable, pivot_table, read_query
from ..extensions import db
from ..models import District, User
from ..web.i18n import gettext as _
from .forms import period_title
from .sheet import INT, TEXT, YI, Column, Export, Table


def analysis_title(table: PivotTable) -> str:
    """张湾区2026年多维分析（签约项目数，按专班×月）; the city's without a district named."""
    query = table.asked
    chosen = db.session.get(District, query.district_id) if query.district_id else None
    name = _("多维分析（%(measure)s，按%(rows)s×%(cols)s）", measure=table.measure_label, rows=table.row_header,
             cols=table.columns_header)
    return period_title(chosen.name if chosen else district_name(), name, query.period)


def analysis_export(args: Mapping[str, str], viewer: User) -> Export:
    """The analysis table for the page's query: a row per row of the page, then 合计; money in 亿元."""
    _form, query = read_query(args, viewer)
    table = pivot_table(query)
    kind = YI if table.money else INT
    title = analysis_title(table)
    whose = [Column(_("区县"), TEXT, 10)] if table.districts else []  # the city's teams: each one's district
    columns = [Column(table.row_header, TEXT, 24), *whose, *(Column(label, kind, 14) for label in table.columns),
               Column(_("合计"), kind, 14)]
    districts = table.districts or [None] * len(table.rows)
    sheet = Table(_("多维分析"), title, columns,
                  rows=lambda: ([label, *([district] if whose else []), *cells, total]
                                for (label, cells, total), district in zip(table.rows, districts, strict=True)),
                  footer=lambda: [[_("合计"), *([""] if whose else []), *table.totals, table.grand]],
                  frozen_columns=1 + len(whose))
    return Export("analysis", title, [sheet], len(table.rows))
