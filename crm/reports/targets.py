"""Yearly targets: what each team (and so the district) is set, and how far along it is."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import func, select

from ..domain.periods import Period
from ..extensions import db
from ..models import TargetMetric, TeamTarget
from .figures import days_in, of_district

PERCENT = Decimal("0.1")


def team_targets(year: int, district_id: int | None = None) -> dict[int, dict[TargetMetric, int]]:
    """Every team's (of a district's) targets for a year: {team id: {metric: target}}."""
    targets: dict[int, dict[TargetMetric, int]] = {}
    for team_id, metric, target in db.session.execute(
            select(TeamTarget.team_id, TeamTarget.metric, TeamTarget.target)
            .where(TeamTarget.year == year, of_district(TeamTarget.team_id, district_id))):
        targets.setdefault(team_id, {})[metric] = target
    return targets


def district_targets(year: int, district_id: int | None = None) -> dict[TargetMetric, int]:
    """The district's (or the city's) target for each metric: the sum of its teams' targets."""
    return {metric: int(total) for metric, total in db.session.execute(
        select(TeamTarget.metric, func.sum(TeamTarget.target))
        .where(TeamTarget.year == year, of_district(TeamTarget.team_id, district_id))
        .group_by(TeamTarget.metric))}


def completion(value: int, target: int | None) -> Decimal | None:
    """Completion of a target in per cent, one decimal; None when there is no (positive) target."""
    if not target or target <= 0:
        return None
    return (Decimal(100 * value) / Decimal(target)).quantize(PERCENT, ROUND_HALF_UP)


def prorated(target: int, period: Period) -> Fraction:
    """A yearly target prorated to the period's days (target × days ÷ the year's days), exact: 5 × 91/365 stays
    1.2465…, since a score divided by 1.25 instead is off by up to a few hundredths of a point."""
    return Fraction(target * days_in(period), days_in(Period.year(period.end.year)))


def year_to_date(period: Period) -> Period:
    """The figures completion is measured on: 1 January of the period's last year to the period's end."""
    return Period(date(period.end.year, 1, 1), period.end, "ytd")


def time_progress(period: Period, today: date) -> Decimal:
    """时序进度: the share of the period's year gone by its end (or by today, if that is earlier), in per cent."""
    year = Period.year(period.end.year)
    day = min(period.end, today)
    if day < year.start:
        return Decimal(0)
    gone = (day - year.start).days + 1
    total = (year.end - year.start).days + 1
    return (Decimal(100 * gone) / Decimal(total)).quantize(PERCENT, ROUND_HALF_UP)
