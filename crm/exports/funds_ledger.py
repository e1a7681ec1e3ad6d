"""到资台账: the period's verified money in place, tranche by tranche, in the government table's form.

Rows are the counted tranches (crm/reports/funds.py) that arrived in the period, of the teams the viewer may see;
the 合计 row sums them, so it is the 到资额 the figures give for the same period and scope.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Select, select

from ..access.districts import DistrictNames, district_name, district_names
from ..access.visibility import team_filter
from ..domain.refused import Refused
from ..extensions import db
from ..models import Enterprise, FundKind, FundSource, FundsTranche, Project, Team, User
from ..reports.forms import ReportPeriodForm
from ..reports.funds import counted_tranche, funds_columns, in_period
from ..web.i18n import gettext as _
from .forms import form_errors, labels, period_title
from .query import count_of, stream
from .sheet import DATE, INT, LONG, TEXT, YI, Column, Export, Table, district_column


def ledger_query(period: Any, viewer: User) -> Select[Any]:
    """The counted tranches of the period the viewer may see, by day, then project code."""
    return (select(FundsTranche.received_on, Project.code, Project.name, Enterprise.name, Team.name, Team.district_id,
                   Project.total_investment_yuan, FundsTranche.amount_yuan, FundsTranche.currency,
                   FundsTranche.original_amount, FundsTranche.source, FundsTranche.kind)
            .select_from(FundsTranche).join(Project, Project.id == FundsTranche.project_id)
            .join(Enterprise, Enterprise.id == Project.enterprise_id).join(Team, Team.id == Project.team_id)
            .where(counted_tranche(), in_period(period), team_filter(viewer, Project.team_id))
            .order_by(FundsTranche.received_on, Project.code, FundsTranche.id))


def ledger_rows(query: Select[Any], districts: DistrictNames | None) -> Iterator[tuple[Any, ...]]:
    sources, kinds = labels(FundSource), labels(FundKind)
    for number, row in enumerate(stream(query), start=1):
        (day, code, name, investor, team, district_id, total, amount, currency, original, source, kind) = row
        foreign = f"{original} {currency}" if currency != "CNY" else ""
        whose = (districts.of(district_id),) if districts else ()
        yield (number, code, name, investor, team, *whose, total, day, amount, foreign, sources[source], kinds[kind])


def funds_ledger(args: Mapping[str, str], viewer: User) -> Export:
    """到资台账 for a period (this year by default) of the teams the viewer may see."""
    form = ReportPeriodForm(args)
    if not form.validate():
        raise Refused(form_errors(form))
    period = form.report_period()
    query = ledger_query(period, viewer)
    funds, fixed = db.session.execute(
        select(*funds_columns(period)).select_from(FundsTranche).join(Project, Project.id == FundsTranche.project_id)
        .where(counted_tranche(), team_filter(viewer, Project.team_id))).one()
    count = count_of(query)
    title = period_title(district_name(), _("招商引资项目到资台账"), period)
    districts = district_names()
    columns = [Column(_("序号"), INT), Column(_("项目编号"), TEXT, 16), Column(_("项目名称"), LONG, 36),
               Column(_("投资方"), LONG, 30), Column(_("招商专班"), TEXT, 14), *district_column(districts),
               Column(_("签约总投资（亿元）"), YI), Column(_("到资日期"), DATE), Column(_("到资金额（亿元）"), YI),
               Column(_("外币原币金额"), TEXT, 16), Column(_("资金来源"), TEXT, 10), Column(_("资金用途"), TEXT, 10)]
    at = len(columns) - 4  # under 到资金额

    def line(label: str, note: str, amount: int) -> list[Any]:
        cells: list[Any] = [""] * len(columns)
        cells[0], cells[1], cells[at] = label, note, int(amount)
        return cells
    footer = [line(_("合计"), _("%(n)s笔", n=count), funds), line(_("其中固定资产投资完成额"), "", fixed)]
    table = Table(_("到资台账"), title, columns, rows=lambda: ledger_rows(query, districts), footer=lambda: footer,
                  frozen_columns=3)
    return Export("funds", title, [table], count)
