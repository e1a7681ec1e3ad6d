"""专班排名: every team's figures for a period, completion of its targets, and its score and rank.

Ranking and ties: teams are ordered by score (to 0.01 point), then signed investment, then the number of
亿元以上 projects signed, all highest first. Teams equal on all three share a rank and the next rank is skipped
(1, 2, 2, 4); teams that share a rank are listed by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import Project, TargetMetric, Team
from ..periods import Period
from .figures import METRICS, Figures, days_in, district_figures, of_district, team_figures
from .rules import counted_start_overdue
from .scoring import POINT, ScoringRule, points, rule_for, share
from .targets import completion, team_targets, time_progress, year_to_date


@dataclass(frozen=True)
class Contribution:
    """What one metric added to a team's score."""

    metric: TargetMetric
    value: int
    basis: Decimal  # the best team's figure, or the prorated target
    weight: int
    points: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {"metric": self.metric.value, "value": self.value, "basis": str(self.basis), "weight": self.weight,
                "points": str(self.points)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Contribution:
        return cls(TargetMetric(data["metric"]), int(data["value"]), Decimal(data["basis"]), int(data["weight"]),
                   Decimal(data["points"]))


@dataclass(frozen=True)
class TeamRow:
    """One team's line in the ranking (in the city's ranking, one district's: team_id and team_name are its own)."""

    team_id: int
    team_name: str
    figures: Figures  # the period
    year_to_date: Figures  # 1 January to the period's end: what completion is measured on
    targets: dict[TargetMetric, int]
    contributions: tuple[Contribution, ...]
    overdue: int
    deduction: Decimal
    score: Decimal
    rank: int = 0

    def completion(self, metric: TargetMetric) -> Decimal | None:
        return completion(self.year_to_date[metric], self.targets.get(metric))

    @property
    def tie_key(self) -> tuple[Decimal, int, int]:
        return self.score, self.figures.signed_investment_yuan, self.figures.yi_projects

    def as_dict(self) -> dict[str, Any]:
        return {"team_id": self.team_id, "team_name": self.team_name, "rank": self.rank, "score": str(self.score),
                "figures": self.figures.as_dict(), "year_to_date": self.year_to_date.as_dict(),
                "targets": {m.value: t for m, t in self.targets.items()},
                "contributions": [c.as_dict() for c in self.contributions], "overdue": self.overdue,
                "deduction": str(self.deduction)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TeamRow:
        return cls(team_id=data["team_id"], team_name=data["team_name"], rank=data["rank"],
                   score=Decimal(data["score"]), figures=Figures.from_dict(data["figures"]),
                   year_to_date=Figures.from_dict(data["year_to_date"]),
                   targets={TargetMetric(m): int(t) for m, t in data["targets"].items()},
                   contributions=tuple(Contribution.from_dict(c) for c in data["contributions"]),
                   overdue=int(data["overdue"]), deduction=Decimal(data["deduction"]))


@dataclass(frozen=True)
class TeamRanking:
    period: Period
    rule: ScoringRule
    time_progress: Decimal
    rows: list[TeamRow] = field(default_factory=list)
    district: Figures = field(default_factory=Figures)  # the totals row: enterprises visited counted once


def overdue_counts(on: date, district_id: int | None = None) -> dict[int, int]:
    """Each team's counted projects overdue to start (超时限未开工) on a day."""
    return dict(db.session.execute(
        select(Project.team_id, func.count())
        .where(counted_start_overdue(on), of_district(Project.team_id, district_id))
        .group_by(Project.team_id)).all())


def team_ranking(period: Period, today: date, rule: ScoringRule | None = None, *, district_id: int) -> TeamRanking:
    """Rank a district's teams for a period under the district's rule for the year (or the one given)."""
    rule = rule or rule_for(period.end.year, district_id)
    figures = team_figures(period, district_id=district_id)
    ytd_period = year_to_date(period)
    same = (ytd_period.start, ytd_period.end) == (period.start, period.end)
    ytd = figures if same else team_figures(ytd_period, district_id=district_id)
    targets = team_targets(period.end.year, district_id)
    overdue = overdue_counts(min(period.end, today), district_id) if rule.deduct_overdue else {}
    teams = db.session.execute(select(Team.id, Team.name)
                               .where(or_(Team.active.is_(True), Team.id.in_(list(figures))),
                                      Team.district_id == district_id)
                               .order_by(Team.name)).all()
    rows = scored_rows(teams, figures, ytd, targets, overdue, rule, period)
    return TeamRanking(period, rule, time_progress(period, today), ranked(rows),
                       district_figures(period, figures, district_id))


def scored_rows(units: Any, figures: dict[int, Figures], ytd: dict[int, Figures],
                targets: dict[int, dict[TargetMetric, int]], overdue: dict[int, int], rule: ScoringRule,
                period: Period) -> list[TeamRow]:
    """Score each (id, name) unit, a team or a district, under the rule: unranked rows."""
    best = {m: max((figures[t][m] for t in figures), default=0) for m in METRICS}
    prorate = Decimal(days_in(period)) / Decimal(days_in(Period.year(period.end.year)))
    rows = []
    for team_id, name in units:
        mine = figures.get(team_id, Figures())
        goals = targets.get(team_id, {})
        parts = []
        for metric in METRICS:
            weight = rule.weights.get(metric, 0)
            if rule.normalisation == "target":
                basis = (Decimal(goals.get(metric, 0)) * prorate).quantize(POINT)
                fraction = share(mine[metric], basis, cap=True)
            else:
                basis = Decimal(best[metric])
                fraction = share(mine[metric], basis, cap=False)
            parts.append(Contribution(metric, mine[metric], basis, weight, points(weight, fraction)))
        late = overdue.get(team_id, 0)
        deduction = (rule.overdue_deduction * late).quantize(POINT) if rule.deduct_overdue else Decimal(0)
        score = sum((c.points for c in parts), Decimal(0)) - deduction
        rows.append(TeamRow(team_id, name, mine, ytd.get(team_id, Figures()), goals, tuple(parts), late,
                            deduction, score))
    return rows


def ranked(rows: list[TeamRow]) -> list[TeamRow]:
    """Order rows by the tie rule and number them; equal keys share a rank (1, 2, 2, 4)."""
    ordered = sorted(rows, key=lambda r: (tuple(-v for v in r.tie_key), r.team_name))
    result: list[TeamRow] = []
    for position, row in enumerate(ordered, start=1):
        rank = result[-1].rank if result and result[-1].tie_key == row.tie_key else position
        result.append(TeamRow(**{**row.__dict__, "rank": rank}))
    return result
