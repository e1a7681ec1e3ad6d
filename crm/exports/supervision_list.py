"""督办台账: the 台账 page's filters and rows as the government's ledger (序号, 项目, 督办事项, 责任单位/责任人,
办理时限, 办理情况, 状态, 是否逾期), with its counts under it by the reports' rule."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Select

from ..access.districts import DistrictNames, district_name, district_names
from ..domain.periods import today
from ..domain.refused import Refused
from ..models import SupervisionStatus, User
from ..projects.supervision import services
from ..projects.supervision.forms import LedgerFilterForm
from ..reports.supervision import order_counts
from ..web.i18n import gettext as _
from .forms import form_errors, labels
from .query import stream
from .sheet import DATE, INT, LONG, TEXT, Column, Export, Table, district_column


def ledger_columns(districts: DistrictNames | None) -> list[Column]:
    return [Column(_("序号"), INT), Column(_("项目"), LONG, 36), Column(_("专班"), TEXT, 14),
            *district_column(districts), Column(_("督办事项"), LONG, 40), Column(_("责任单位/责任人"), TEXT, 24),
            Column(_("办理时限"), DATE), Column(_("办理情况"), LONG, 40), Column(_("状态"), TEXT, 8),
            Column(_("是否逾期"), TEXT, 8), Column(_("督办人"), TEXT, 10), Column(_("销号日期"), DATE)]


def ledger_file_rows(query: Select[Any], districts: DistrictNames | None) -> Iterator[tuple[Any, ...]]:
    """The file's rows, in the page's order, numbered from 1."""
    statuses, yes, no = labels(SupervisionStatus), _("是"), _("否")
    for number, values in enumerate(stream(query), start=1):
        row = services.LedgerRow(*values)
        whose = (districts.of(row.district_id),) if districts else ()
        yield (number, f"{row.project_code} {row.project_name}", row.team, *whose, row.what, row.receiver,
               row.deadline, row.answer, statuses[row.status], yes if row.overdue else no, row.issuer, row.closed_on)


def supervision_list(args: Mapping[str, str], viewer: User) -> Export:
    """督办台账 of the viewer's district, with the 台账 page's filters (the city reads no district's orders)."""
    form = LedgerFilterForm(args, teams=services.team_options())
    if not form.validate():
        raise Refused(form_errors(form))
    day: date = today()
    filters = services.OrderFilters(**form.filters())
    query = services.ledger_query(filters, day)
    rows = services.count_rows(query)
    counts = order_counts(day, *filters.where(day))
    districts = district_names()
    title = _("%(district)s督办台账", district=district_name())
    footer = [[_("合计"), _("%(n)s件", n=rows), None, *[None] * len(district_column(districts)),
               _("督办中%(open)s件，其中逾期%(overdue)s件；已办结%(closed)s件", open=counts.open,
                 overdue=counts.overdue, closed=counts.closed)]]
    table = Table(_("督办台账"), title, ledger_columns(districts), rows=lambda: ledger_file_rows(query, districts),
                  footer=lambda: footer, frozen_columns=2)
    return Export("supervision", title, [table], rows)



