"""专班排名: every team's figures for a period, completion of its targets, and its score and rank.

Scores are exact (scoring.py) and shown to 0.01 point. Ranking and ties: teams are ordered by score as shown (to
0.01 point), then signed investment, then the number of 亿元以上 projects signed, all highest first.
Teams equal on all three share a rank and the next rank is skipped (1, 2, 2, 4); teams that share a rank are
listed by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, or_, select

from ..domain.periods import Period
from ..extensions import db
from ..models import Project, TargetMetric, Team
from .figures import METRICS, Figures, district_figures, of_district, team_figures
from .rules import counted_start_overdue
from .scoring import ScoringRule, points, rule_for, share, shown
from .targets import completion, prorated, team_targets, time_progress, year_to_date


@dataclass(frozen=True)
class Contribution:
    """What one metric added to a team's score, exactly; `points` and `shown_basis` are what is shown."""

    metric: TargetMetric
    value: int
    basis: Fraction  # the best team's figure, or the target prorated to the period (unrounded)
    weight: int
    exact_points: Fraction

    @property
    def points(self) -> Decimal:
        return shown(self.exact_points)

    @property
    def shown_basis(self) -> Decimal:
        """The basis as shown: a figure as it is, a prorated target to 0.01."""
        return Decimal(self.basis.numerator) if self.basis.denominator == 1 else shown(self.basis)

    def as_dict(self) -> dict[str, Any]:
        return {"metric": self.metric.value, "value": self.value, "basis": str(self.shown_basis),
                "weight": self.weight, "points": str(self.points),
                "basis_exact": str(self.basis), "points_exact": str(self.exact_points)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Contribution:
        # rankings frozen before scores were kept exact hold the shown values only
        return cls(TargetMetric(data["metric"]), int(data["value"]), Fraction(data.get("basis_exact", data["basis"])),
                   int(data["weight"]), Fraction(data.get("points_exact", data["points"])))


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
    exact_score: Fraction
    rank: int = 0
    no_targets: bool = False  # under target normalisation, no target for any weighted metric: it scores 0

    @property
    def score(self) -> Decimal:
        """The score as shown, to 0.01 point."""
        return shown(self.exact_score)

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
                "deduction": str(self.deduction), "score_exact": str(self.exact_score), "no_targets": self.no_targets}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TeamRow:
        return cls(team_id=data["team_id"], team_name=data["team_name"], rank=data["rank"],
                   exact_score=Fraction(data.get("score_exact", data["score"])),
                   no_targets=bool(data.get("no_targets", False)), figures=Figures.from_dict(data["figures"]),
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
    by_target = rule.normalisation == "target"
    weighted = [m for m in METRICS if rule.weights.get(m, 0)]
    rows = []
    for team_id, name in units:
        mine = figures.get(team_id, Figures())
        goals = targets.get(team_id, {})
        parts = []
        for metric in METRICS:
            weight = rule.weights.get(metric, 0)
            if by_target:
                basis = prorated(goals.get(metric, 0), period)
                fraction = share(mine[metric], basis, cap=True)
            else:
                basis = Fraction(best[metric])
                fraction = share(mine[metric], basis, cap=False)
            parts.append(Contribution(metric, mine[metric], basis, weight, points(weight, fraction)))
        late = overdue.get(team_id, 0)
        deduction = rule.overdue_deduction * late if rule.deduct_overdue else Decimal(0)  # exact: 0.01 steps
        score = sum((c.exact_points for c in parts), Fraction(0)) - Fraction(deduction)
        untargeted = by_target and not any(goals.get(metric, 0) > 0 for metric in weighted)
        rows.append(TeamRow(team_id, name, mine, ytd.get(team_id, Figures()), goals, tuple(parts), late,
                            deduction, score, no_targets=untargeted))
    return rows


def ranked(rows: list[TeamRow]) -> list[TeamRow]:
    """Order rows by the tie rule and number them; equal keys share a rank (1, 2, 2, 4)."""
    ordered = sorted(rows, key=lambda r: (tuple(-v for v in r.tie_key), r.team_name))
    result: list[TeamRow] = []
    for position, row in enumerate(ordered, start=1):
        rank = result[-1].rank if result and result[-1].tie_key == row.tie_key else position
        result.append(TeamRow(**{**row.__dict__, "rank": rank}))
    return result
