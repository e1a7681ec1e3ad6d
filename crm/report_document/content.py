"""Everything a 月报/季报 says, gathered from the reports package (the dashboard's own functions): never recounted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app

from ..domain.periods import Period
from ..extensions import db
from ..models import District, Project
from ..reports.charts import chart_data
from ..reports.colours import Colour, ColourBoard, colour_board
from ..reports.dashboard import DashboardCards, dashboard_cards
from ..reports.dispatch import Meeting, meeting
from ..reports.district_ranking import district_ranking
from ..reports.figures import of_district
from ..reports.project_ranking import YiCriteria, YiTotals, yi_ranking, yi_totals
from ..reports.summary import DistrictSummary, brief, district_summary
from ..reports.supervision import OrderCounts, order_counts, order_counts_by_district
from ..reports.team_ranking import TeamRanking, team_ranking
from ..web.i18n import gettext as _

CHARTS = ("monthly", "industries", "teams")  # the dashboard's charts the document draws


@dataclass(frozen=True)
class YiRow:
    """One line of the 亿元以上项目榜, as the ranking lists it."""

    rank: int
    code: str
    name: str
    investor: str
    team_name: str
    industry: str | None
    signed_on: date
    total_investment_yuan: int


@dataclass(frozen=True)
class DistrictOrders:
    """One district's 督办 counts and 红黄绿 counts: what the city may read of its districts' follow-up."""

    name: str
    colours: dict[Colour, int]
    orders: OrderCounts


@dataclass(frozen=True)
class Front:
    """The report's heading and headline figures: what the page previews before the document is made."""

    period: Period
    today: date
    district_id: int | None
    place: str  # 张湾区, or the city's name
    brief: str
    summary: DistrictSummary
    board: DashboardCards

    @property
    def city(self) -> bool:
        return self.district_id is None

    @property
    def kind(self) -> str:
        """月报, 季报, 年报, or a report on a chosen period."""
        return {"month": _("月报"), "quarter": _("季报"), "year": _("年报")}.get(self.period.kind, _("专报"))

    @property
    def title(self) -> str:
        return _("%(place)s招商引资工作%(kind)s（%(period)s）", place=self.place, kind=self.kind,
                 period=self.period.label)

    @property
    def issuer(self) -> str:
        return _("%(place)s招商局", place=self.place)

    @property
    def issue(self) -> str | None:
        """第 11 期: a month's report is numbered by its month, a quarter's by its quarter."""
        if self.period.kind == "month":
            return _("第 %(number)s 期", number=self.period.start.month)
        if self.period.kind == "quarter":
            return _("第 %(number)s 期", number=(self.period.start.month + 2) // 3)
        return None

    @property
    def as_of(self) -> date:
        """The day the colours and 督办 are read on: the period's end, or today while it runs."""
        return min(self.period.end, self.today)


@dataclass(frozen=True)
class ReportContent(Front):
    """What the document shows, for one district or (district_id None) the whole city."""

    yi_rows: tuple[YiRow, ...]
    yi_totals: YiTotals
    ranking: TeamRanking  # the district's teams, or the city's districts
    colours: ColourBoard
    meeting: Meeting | None  # red and yellow projects and open 督办: a district's own only
    orders: OrderCounts | None
    district_orders: tuple[DistrictOrders, ...]  # the city's report: per district
    charts: dict[str, dict[str, Any]]


def place_name(district_id: int | None) -> str:
    district = db.session.get(District, district_id) if district_id is not None else None
    return district.name if district is not None else current_app.config.get("CITY_NAME", "")


def yi_rows(criteria: YiCriteria) -> tuple[YiRow, ...]:
    """The 亿元以上项目榜's rows in its order (the reader's reach decides whose)."""
    return tuple(YiRow(rank, row.code, row.name, row.investor, row.team_name, row.industry, row.signed_on,
                       row.total_investment_yuan)
                 for rank, row in enumerate(db.session.execute(yi_ranking(criteria)), start=1))


def city_orders(on: date) -> tuple[DistrictOrders, ...]:
    board, orders = colour_board(on, None), order_counts_by_district(on)
    return tuple(DistrictOrders(name, counts, orders.get(district_id, OrderCounts()))
                 for district_id, name, counts in board.districts)


def front(period: Period, today: date, district_id: int | None) -> Front:
    """The heading, brief and cards of a district's (or, district_id None, the city's) report: the dashboard's."""
    board = dashboard_cards(period, today, None, district_id)
    summary = district_summary(period, today, board.district_figures, district_id)
    return Front(period, today, district_id, place_name(district_id),
                 brief(summary, today, city=district_id is None), summary, board)


def gather(period: Period, today: date, district_id: int | None) -> ReportContent:
    """The whole report of a district (or, district_id None, the city) for a period, as the dashboard shows it."""
    heading = front(period, today, district_id)
    on, city = heading.as_of, heading.city
    ranking = district_ranking(period, today) if city else team_ranking(period, today, district_id=district_id)
    criteria = YiCriteria(period=period, district_id=district_id)
    late = None if city else meeting(on, period.start - timedelta(days=1), district_id=district_id)
    return ReportContent(
        **vars(heading), yi_rows=yi_rows(criteria),
        yi_totals=yi_totals(criteria), ranking=ranking, colours=colour_board(on, district_id),
        meeting=late, orders=None if city else order_counts(on, of_district(Project.team_id, district_id)),
        district_orders=city_orders(on) if city else (),
        charts={name: chart_data(name, period, today, None, district_id) for name in CHARTS})
