"""亿元以上项目榜: counted projects of at least 1亿元 signed in a period, largest first.

Ties (DESIGN "Rankings"): equal total investment → earlier signing date first, then project code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Date, Select, and_, bindparam, func, select

from ..domain.periods import Period
from ..domain.sizes import SIZE_BUCKETS
from ..extensions import db
from ..models import Enterprise, Project, ProjectStatus, Team
from .colours import Colour, of_colour
from .rules import at_least, counted, of_size


@dataclass(frozen=True)
class YiCriteria:
    """The ranking's filters; None means no limit. `size` is a key of SIZE_BUCKETS (default: 亿元以上).

    `district_id` narrows the city's ranking to one district; a district's session reads its own already.
    """

    period: Period
    team_id: int | None = None
    industry: str | None = None
    size: str = "1"
    status: ProjectStatus | None = None
    district_id: int | None = None
    colour: Colour | None = None  # 红黄绿 on colour_on
    colour_on: date | None = None


@dataclass(frozen=True)
class YiTotals:
    """The totals row: how many, their sum, and how many reach each size bucket (cumulative: 10亿元以上 ⊂ 亿元以上)."""

    count: int
    total_yuan: int
    buckets: dict[str, int]


# The filters a criteria may leave out; the statements are built once per combination of those it names, with
# every value a bound parameter: building and keying a statement costs about as much as this page's smaller queries.
OPTIONAL = ("team_id", "industry", "status", "district_id")


def shape_of(criteria: YiCriteria) -> tuple[str, ...]:
    """The optional filters the criteria name."""
    return tuple(name for name in OPTIONAL if getattr(criteria, name))


def params_of(criteria: YiCriteria) -> dict[str, Any]:
    """The bound values of the statements for these criteria."""
    values = {"start": criteria.period.start, "end": criteria.period.end, "floor": SIZE_BUCKETS[criteria.size][0]}
    return values | {name: getattr(criteria, name) for name in shape_of(criteria)}


def ranked_where(shape: tuple[str, ...]) -> ColumnElement[bool]:
    clauses = [counted(), Project.signed_on.between(bindparam("start", type_=Date), bindparam("end", type_=Date)),
               at_least(bindparam("floor", type_=BigInteger))]
    clauses += [getattr(Project, name) == bindparam(name) for name in shape if name != "district_id"]
    if "district_id" in shape:
        clauses.append(Project.team_id.in_(select(Team.id).where(Team.district_id == bindparam("district_id"))))
    return and_(*clauses)


@cache
def ranking_statement(shape: tuple[str, ...]) -> Select[Any]:
    return (select(Project.id, Project.code, Project.name, Project.total_investment_yuan, Project.industry,
                   Project.signed_on, Project.status, Project.team_id, Enterprise.name.label("investor"),
                   Team.name.label("team_name"))
            .join(Enterprise, Enterprise.id == Project.enterprise_id).join(Team, Team.id == Project.team_id)
            .where(ranked_where(shape))
            .order_by(Project.total_investment_yuan.desc(), Project.signed_on, Project.code))


@cache
def page_statement(shape: tuple[str, ...]) -> Select[Any]:
    return ranking_statement(shape).limit(bindparam("limit")).offset(bindparam("offset"))


@cache
def totals_statement(shape: tuple[str, ...]) -> Select[Any]:
    return (select(func.count(), func.coalesce(func.sum(Project.total_investment_yuan), 0),
                   *(func.count().filter(of_size(key)) for key in SIZE_BUCKETS))
            .where(ranked_where(shape)))


def of_chosen_colour(statement: Select[Any], criteria: YiCriteria) -> Select[Any]:
    """The statement limited to the colour chosen (the rule's thresholds are the day's: never cached)."""
    if criteria.colour is None or criteria.colour_on is None:
        return statement
    return statement.where(of_colour(criteria.colour, criteria.colour_on))


def yi_ranking(criteria: YiCriteria) -> Select[Any]:
    """The ranking's rows in order, as plain rows of what the ranking shows (no ORM objects to build)."""
    return of_chosen_colour(ranking_statement(shape_of(criteria)), criteria).params(params_of(criteria))


def yi_page(criteria: YiCriteria, limit: int, offset: int) -> list[Any]:
    """One page of the ranking's rows, from the statement built once for this shape of criteria."""
    return list(db.session.execute(of_chosen_colour(page_statement(shape_of(criteria)), criteria),
                                   params_of(criteria) | {"limit": limit, "offset": offset}))


def yi_totals(criteria: YiCriteria) -> YiTotals:
    """Count, sum and the per-bucket counts of the ranking, in one query."""
    row = db.session.execute(of_chosen_colour(totals_statement(shape_of(criteria)), criteria),
                             params_of(criteria)).one()
    return YiTotals(count=row[0], total_yuan=int(row[1]),
                    buckets=dict(zip(SIZE_BUCKETS, (int(n) for n in row[2:]), strict=True)))
