"""The team ranking's scoring rule (专班排名评分办法), set by a district's admin per year; and the city's rule
for ranking its districts (市级拉练排名), set by the city (市招商局), with the same parts.

Score = Σ weight × share − deductions, worked out exactly (as fractions) and rounded to 0.01 point, halves up,
only where it is shown: a page, an export, JSON. Each part is shown rounded the same way, so the parts shown may
differ from the score shown by a few hundredths; the score is not the sum of rounded parts. Ties compare the score
as shown (team_ranking.py).

- share, with "best" normalisation: the team's figure ÷ the best team's figure in the period (0 when no team has any).
- share, with "target" normalisation: the team's figure ÷ its yearly target prorated to the period's length
  (target × days in period ÷ days in the year, unrounded: 5 × 91/365 is 1.2465…, not 1.25), capped at 1; a metric
  without a target gives 0, and a unit with no target at all scores 0 (its ranking says 未设目标).
- deductions, when switched on: each of the team's projects overdue to start (超时限未开工) on the period's end
  (or today, if earlier) takes off the set points.

Default weights (100 points): trips 10, enterprises visited 10, visits 5, new leads 10, signed projects 15,
亿元以上 signed 20, signed investment 20, started 5, producing 5, 到资 0, 固投完成额 0 (they weigh nothing until
someone chooses, so scores set before they existed stay); best-team normalisation; no deductions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from ..core.stale_edits import check_version
from ..extensions import db
from ..models import RankingSettings, TargetMetric
from .figures import METRICS

POINT = Decimal("0.01")
NORMALISATIONS = ("best", "target")

DEFAULT_WEIGHTS: dict[TargetMetric, int] = {
    TargetMetric.TRIPS: 10,
    TargetMetric.ENTERPRISES_VISITED: 10,
    TargetMetric.VISITS: 5,
    TargetMetric.NEW_LEADS: 10,
    TargetMetric.SIGNED_PROJECTS: 15,
    TargetMetric.YI_PROJECTS: 20,
    TargetMetric.SIGNED_INVESTMENT: 20,
    TargetMetric.STARTED_PROJECTS: 5,
    TargetMetric.PRODUCING_PROJECTS: 5,
    TargetMetric.FUNDS: 0,  # 到资 and 固投 weigh nothing until someone chooses: scores stay as they were
    TargetMetric.FIXED_ASSET_DONE: 0,
}


@dataclass(frozen=True)
class ScoringRule:
    """One year's weights, normalisation and deduction."""

    year: int
    weights: dict[TargetMetric, int]
    normalisation: str = "best"
    deduct_overdue: bool = False
    overdue_deduction: Decimal = Decimal("2")
    is_default: bool = False

    @property
    def total_weight(self) -> int:
        return sum(self.weights.values())

    def as_dict(self) -> dict[str, Any]:
        return {"year": self.year, "weights": {m.value: self.weights.get(m, 0) for m in METRICS},
                "normalisation": self.normalisation, "deduct_overdue": self.deduct_overdue,
                "overdue_deduction": str(self.overdue_deduction)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoringRule:
        return cls(year=int(data["year"]),
                   weights={m: int(data["weights"].get(m.value, 0)) for m in METRICS},
                   normalisation=data["normalisation"], deduct_overdue=bool(data["deduct_overdue"]),
                   overdue_deduction=Decimal(data["overdue_deduction"]))


# The city's ranking of its districts (市级拉练排名), 100 points over the figures it ranks districts by.
DEFAULT_CITY_WEIGHTS: dict[TargetMetric, int] = {
    TargetMetric.TRIPS: 5,
    TargetMetric.ENTERPRISES_VISITED: 5,
    TargetMetric.VISITS: 0,
    TargetMetric.NEW_LEADS: 0,
    TargetMetric.SIGNED_PROJECTS: 20,
    TargetMetric.YI_PROJECTS: 25,
    TargetMetric.SIGNED_INVESTMENT: 25,
    TargetMetric.STARTED_PROJECTS: 10,
    TargetMetric.PRODUCING_PROJECTS: 10,
    TargetMetric.FUNDS: 0,
    TargetMetric.FIXED_ASSET_DONE: 0,
}


def default_rule(year: int, *, city: bool = False) -> ScoringRule:
    return ScoringRule(year=year, weights=dict(DEFAULT_CITY_WEIGHTS if city else DEFAULT_WEIGHTS), is_default=True)


def settings_of(year: int, district_id: int | None) -> RankingSettings | None:
    """The stored rule of a district's team ranking for the year (district None: the city's district ranking)."""
    owner = RankingSettings.district_id.is_(None) if district_id is None else RankingSettings.district_id == district_id
    return db.session.scalar(select(RankingSettings).where(RankingSettings.year == year, owner))


def city_rule_for(year: int) -> ScoringRule:
    """The rule the city (市招商局) set for ranking its districts in the year, or the city's default."""
    return rule_for(year, None)


def rule_for(year: int, district_id: int | None) -> ScoringRule:
    """The rule set for a district's team ranking in the year (district None: the city's), or the default."""
    settings = settings_of(year, district_id)
    if settings is None:
        return default_rule(year, city=district_id is None)
    return ScoringRule(year=year, weights={m: int(settings.weights.get(m.value, 0)) for m in METRICS},
                       normalisation=settings.normalisation, deduct_overdue=settings.deduct_overdue,
                       overdue_deduction=settings.overdue_deduction)


def settings_version(year: int, district_id: int | None) -> int:
    """The version of the year's stored rule, 0 while none is stored: what a form opened now carries."""
    settings = settings_of(year, district_id)
    return settings.version if settings is not None else 0


def save_rule(rule: ScoringRule, actor_id: int | None, district_id: int | None, *,
              version: int | None = None) -> RankingSettings:
    """Store the year's rule of a district (None: the city's); creates or changes its row, flushes, never commits.

    Given the version the form was opened at (0: no rule stored then), an edit made from another is refused
    (StaleEdit) and nothing applied; two first saves of a year at once clash on the row's unique key instead.
    """
    settings = settings_of(rule.year, district_id)
    if settings is None:
        settings = RankingSettings(year=rule.year, district_id=district_id)
        db.session.add(settings)
    elif version is not None:
        check_version(settings, version)
    settings.weights = {m.value: rule.weights.get(m, 0) for m in METRICS}
    settings.normalisation = rule.normalisation
    settings.deduct_overdue = rule.deduct_overdue
    settings.overdue_deduction = rule.overdue_deduction
    settings.updated_by_id = actor_id
    flag_modified(settings, "weights")  # every save is a new version, whatever it changed
    db.session.flush()
    return settings


def share(value: int, basis: Fraction | int | None, *, cap: bool) -> Fraction:
    """value ÷ basis, exactly; 0 without a positive basis; capped at 1 when asked."""
    if not basis or basis <= 0:
        return Fraction(0)
    result = Fraction(value) / basis
    return min(result, Fraction(1)) if cap else result


def points(weight: int, fraction: Fraction) -> Fraction:
    """A metric's points, exact: rounded only where shown (shown)."""
    return weight * fraction


def shown(value: Fraction | Decimal | int) -> Decimal:
    """An exact score, part or prorated target as shown: to 0.01, halves away from zero (ROUND_HALF_UP)."""
    exact = Fraction(value)
    hundredths = int(abs(exact) * 100 + Fraction(1, 2))  # int() floors a non-negative fraction
    return (Decimal(hundredths if exact >= 0 else -hundredths) / 100).quantize(POINT)
