"""市级拉练排名: the city's districts side by side for a period, scored under the city's rule for the year.

The figures are the teams' figures module grouped by district: signed, 亿元以上 signed, signed investment,
started, producing, trips and enterprises visited (an enterprise record is one district's, so it is counted once
in it). A district's targets are the sums of its teams' targets; its deduction counts its overdue projects.

Ranking and ties, as for teams: score (to 0.01 point), then signed investment, then the number of 亿元以上
projects signed, all highest first; districts equal on all three share a rank and the next is skipped (1, 2, 2, 4);
districts that share a rank are listed by name.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from ..access.tenancy import published
from ..domain.periods import Period
from ..extensions import db
from ..models import District, Project, TargetMetric, Team, TeamTarget
from .figures import Figures, districts_figures, whole_district
from .rules import counted_start_overdue
from .scoring import ScoringRule, city_rule_for
from .targets import time_progress, year_to_date
from .team_ranking import TeamRanking, ranked, scored_rows

# What the city ranks districts by: the team ranking's figures less the two that measure a team's own legwork.
DISTRICT_METRICS = (TargetMetric.SIGNED_PROJECTS, TargetMetric.YI_PROJECTS, TargetMetric.SIGNED_INVESTMENT,
                    TargetMetric.STARTED_PROJECTS, TargetMetric.PRODUCING_PROJECTS, TargetMetric.TRIPS,
                    TargetMetric.ENTERPRISES_VISITED, TargetMetric.FUNDS, TargetMetric.FIXED_ASSET_DONE)


def district_targets_all(year: int) -> dict[int, dict[TargetMetric, int]]:
    """Every district's targets for a year: the sums of its teams' targets."""
    targets: dict[int, dict[TargetMetric, int]] = {}
    for district_id, metric, total in db.session.execute(
            select(Team.district_id, TeamTarget.metric, func.sum(TeamTarget.target))
            .join(Team, Team.id == TeamTarget.team_id).where(TeamTarget.year == year)
            .group_by(Team.district_id, TeamTarget.metric)):
        targets.setdefault(district_id, {})[metric] = int(total)
    return targets


def district_overdue(on: date) -> dict[int, int]:
    """Each district's counted projects overdue to start (超时限未开工) on a day."""
    return dict(db.session.execute(
        select(Team.district_id, func.count()).select_from(Project).join(Team, Team.id == Project.team_id)
        .where(counted_start_overdue(on)).group_by(Team.district_id)).all())


@published
def district_ranking(period: Period, today: date, rule: ScoringRule | None = None) -> TeamRanking:
    """Rank the city's districts for a period under the city's rule for the year (or the one given).

    A published aggregate: the same figures whoever reads it, a district's leader or the city.

    The rows are TeamRows whose team_id and team_name are the district's; the totals row is the city's.
    """
    rule = rule or city_rule_for(period.end.year)
    figures = districts_figures(period)
    ytd_period = year_to_date(period)
    same = (ytd_period.start, ytd_period.end) == (period.start, period.end)
    ytd = figures if same else districts_figures(ytd_period)
    overdue = district_overdue(min(period.end, today)) if rule.deduct_overdue else {}
    districts = db.session.execute(
        select(District.id, District.name).where(or_(District.active.is_(True), District.id.in_(list(figures))))
        .order_by(District.name)).all()
    rows = scored_rows(districts, figures, ytd, district_targets_all(period.end.year), overdue, rule, period)
    return TeamRanking(period, rule, time_progress(period, today), ranked(rows), whole_district(period))


def city_figures(period: Period) -> Figures:
    """The whole city's figures for a period (every district's records)."""
    return whole_district(period)
