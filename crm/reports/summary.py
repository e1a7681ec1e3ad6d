"""The district summary: the totals a report opens with, aggregated in the database."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, distinct, func, select

from ..extensions import db
from ..models import YI, Project, ProjectStatus, Team, Trip, Visit
from ..money import format_yi
from ..periods import Period


@dataclass(frozen=True)
class DistrictSummary:
    """The district's figures for one period."""

    period_start: str
    period_end: str
    teams: int
    trips: int
    visits: int
    enterprises_visited: int
    signed_projects: int
    yi_projects: int
    signed_investment_yuan: int
    pending_verification: int
    chief_officers: int
    key_projects: int

    @property
    def signed_investment_yi(self) -> str:
        return format_yi(self.signed_investment_yuan)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"signed_investment_yi": self.signed_investment_yi}


def counted_projects():
    """Projects that count: verified and not voided."""
    return (Project.verified.is_(True), Project.voided.is_(False))


def district_summary(period: Period) -> DistrictSummary:
    """Compute the district's totals for a period, one aggregate query per table."""
    teams = db.session.scalar(select(func.count()).select_from(Team).where(Team.active.is_(True)))
    trips = db.session.scalar(select(func.count()).select_from(Trip)
                              .where(Trip.start_on.between(period.start, period.end)))
    visits, enterprises = db.session.execute(
        select(func.count(), func.count(distinct(Visit.enterprise_id)))
        .where(Visit.visited_on.between(period.start, period.end))).one()
    in_period = Project.signed_on.between(period.start, period.end)
    signed, yi, investment, pending = db.session.execute(
        select(func.count().filter(Project.verified.is_(True)),
               func.count().filter(Project.verified.is_(True), Project.total_investment_yuan >= YI),
               func.coalesce(func.sum(case((Project.verified.is_(True), Project.total_investment_yuan),
                                           else_=0)), 0),
               func.count().filter(Project.verified.is_(False)))
        .where(in_period, Project.voided.is_(False))).one()
    officers, key = db.session.execute(
        select(func.count(distinct(Project.chief_officer_id)), func.count())
        .where(*counted_projects(), Project.total_investment_yuan >= YI, Project.signed_on <= period.end,
               Project.status != ProjectStatus.TERMINATED, Project.chief_officer_id.is_not(None))).one()
    return DistrictSummary(period.start.isoformat(), period.end.isoformat(), teams, trips, visits, enterprises,
                           signed, yi, int(investment), pending, officers, key)


def brief(summary: DistrictSummary, district: str) -> str:
    """The sentence a report opens with (简报), made from the figures."""
    return _("%(district)s%(teams)d支驻外招商工作专班外出招商%(trips)d次，拜访企业%(enterprises)d家；"
             "招商引资签约项目%(signed)d个，其中亿元以上项目%(yi)d个，总投资%(amount)s亿元；"
             "%(officers)d名县级领导担任首席服务官，包联%(key)d个亿元以上重点项目。",
             district=district, teams=summary.teams, trips=summary.trips,
             enterprises=summary.enterprises_visited, signed=summary.signed_projects, yi=summary.yi_projects,
             amount=format_yi(summary.signed_investment_yuan, 0) if summary.signed_investment_yuan % YI == 0
             else format_yi(summary.signed_investment_yuan), officers=summary.chief_officers,
             key=summary.key_projects)
