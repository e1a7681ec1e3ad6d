"""The district summary: the totals a report opens with, aggregated in the database."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from babel.dates import format_skeleton
from flask_babel import get_locale
from sqlalchemy import distinct, func, select

from ..domain.money import YUAN_PER_YI, Unit, format_yi, written
from ..domain.periods import Period
from ..extensions import db
from ..models import Project, ProjectStatus, Team
from ..web.i18n import gettext as _
from .figures import Figures, district_figures, of_district
from .rules import counted, pending, yi_project


@dataclass(frozen=True)
class DistrictSummary:
    """The district's figures for one period."""

    period_start: str
    period_end: str
    as_of: str  # the period's end, or today if the period has not ended
    teams: int
    trips: int
    visits: int
    enterprises_visited: int
    new_leads: int
    signed_projects: int
    yi_projects: int
    signed_investment_yuan: int
    started_projects: int
    producing_projects: int
    pending_verification: int
    chief_officers: int
    key_projects: int
    funds_yuan: int = 0  # 到资: verified money in place in the period (crm/reports/funds.py)
    fixed_asset_done_yuan: int = 0  # 固投完成额: of it, for fixed assets

    @property
    def signed_investment_yi(self) -> str:
        return format_yi(self.signed_investment_yuan)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"signed_investment_yi": self.signed_investment_yi,
                               "funds_yi": format_yi(self.funds_yuan),
                               "fixed_asset_done_yi": format_yi(self.fixed_asset_done_yuan)}


def district_summary(period: Period, today: date, figures: Figures | None = None,
                     district_id: int | None = None) -> DistrictSummary:
    """A district's totals for a period (the city's, without one): the shared figures, plus teams, pending
    signings and service officers."""
    figures = figures or district_figures(period, district_id=district_id)
    in_district = of_district(Project.team_id, district_id)
    teams = db.session.scalar(select(func.count()).select_from(Team).where(
        Team.active.is_(True), *(() if district_id is None else (Team.district_id == district_id,))))
    awaiting = db.session.scalar(select(func.count()).select_from(Project).where(
        Project.signed_on.between(period.start, period.end), pending(), in_district))
    officers, key = db.session.execute(
        select(func.count(distinct(Project.chief_officer_id)), func.count())
        .where(counted(), yi_project(), Project.signed_on <= period.end,
               Project.status != ProjectStatus.TERMINATED, Project.chief_officer_id.is_not(None),
               in_district)).one()
    return DistrictSummary(period_start=period.start.isoformat(), period_end=period.end.isoformat(),
                           as_of=min(period.end, today).isoformat(), teams=teams or 0,
                           pending_verification=awaiting or 0, chief_officers=officers, key_projects=key,
                           **figures.as_dict())


def brief(summary: DistrictSummary, today: date, *, city: bool = False) -> str:
    """The sentence a district report opens with (简报), made from the figures.

    截至5月31日，全区招商引资签约项目60个，其中亿元以上项目38个，总投资572亿元；10支驻外招商专班外出招商192次，拜访企业95家。
    """
    as_of = date.fromisoformat(summary.as_of)
    # the locale's own way of writing a day: 5月31日 / May 31, with the year when it is not this year's
    day = format_skeleton("MMMMd" if as_of.year == today.year else "yMMMMd", as_of, locale=get_locale() or "zh_CN")
    whole = summary.signed_investment_yuan % YUAN_PER_YI == 0  # 572亿元, not 572.00亿元
    sentence = (_("截至%(day)s，全市招商引资签约项目%(signed)d个，其中亿元以上项目%(yi)d个，总投资%(amount)s；"
                  "%(teams)d支驻外招商专班外出招商%(trips)d次，拜访企业%(enterprises)d家。") if city else
                _("截至%(day)s，全区招商引资签约项目%(signed)d个，其中亿元以上项目%(yi)d个，总投资%(amount)s；"
                  "%(teams)d支驻外招商专班外出招商%(trips)d次，拜访企业%(enterprises)d家。"))
    return sentence % dict(day=day, signed=summary.signed_projects, yi=summary.yi_projects,
                           amount=written(summary.signed_investment_yuan, Unit.YI, 0 if whole else 2),
                           teams=summary.teams, trips=summary.trips, enterprises=summary.enterprises_visited)
