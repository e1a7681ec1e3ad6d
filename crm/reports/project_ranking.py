"""亿元以上项目榜: counted projects of at least 1亿元 signed in a period, largest first.

Ties (DESIGN "Rankings"): equal total investment → earlier signing date first, then project code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select

from ..extensions import db
from ..models import YI, Enterprise, Project, ProjectStatus, Team
from ..periods import Period
from ..projects.queries import SIZE_BUCKETS
from .figures import counted


@dataclass(frozen=True)
class YiCriteria:
    """The ranking's filters; None means no limit. `size` is a key of SIZE_BUCKETS (default: 亿元以上)."""

    period: Period
    team_id: int | None = None
    industry: str | None = None
    size: str = "1"
    status: ProjectStatus | None = None


@dataclass(frozen=True)
class YiTotals:
    """The totals row: how many, their sum, and how many reach each size bucket (cumulative: 10亿元以上 ⊂ 亿元以上)."""

    count: int
    total_yuan: int
    buckets: dict[str, int]


def ranked_projects(criteria: YiCriteria) -> ColumnElement[bool]:
    clauses = [counted(), Project.signed_on.between(criteria.period.start, criteria.period.end),
               Project.total_investment_yuan >= max(YI, SIZE_BUCKETS[criteria.size][0])]
    if criteria.team_id:
        clauses.append(Project.team_id == criteria.team_id)
    if criteria.industry:
        clauses.append(Project.industry == criteria.industry)
    if criteria.status is not None:
        clauses.append(Project.status == criteria.status)
    return and_(*clauses)


def yi_ranking(criteria: YiCriteria) -> Select[Any]:
    """The ranking's rows in order, as plain rows of what the ranking shows (no ORM objects to build)."""
    return (select(Project.id, Project.code, Project.name, Project.total_investment_yuan, Project.industry,
                   Project.signed_on, Project.status, Project.team_id, Enterprise.name.label("investor"),
                   Team.name.label("team_name"))
            .join(Enterprise, Enterprise.id == Project.enterprise_id).join(Team, Team.id == Project.team_id)
            .where(ranked_projects(criteria))
            .order_by(Project.total_investment_yuan.desc(), Project.signed_on, Project.code))


def yi_totals(criteria: YiCriteria) -> YiTotals:
    """Count, sum and the per-bucket counts of the ranking, in one query."""
    row = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Project.total_investment_yuan), 0),
               *(func.count().filter(Project.total_investment_yuan >= floor) for floor, _ in SIZE_BUCKETS.values()))
        .where(ranked_projects(criteria))).one()
    return YiTotals(count=row[0], total_yuan=int(row[1]),
                    buckets=dict(zip(SIZE_BUCKETS, (int(n) for n in row[2:]), strict=True)))
