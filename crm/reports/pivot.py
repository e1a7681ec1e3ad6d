"""多维分析: one figure of the reports counted by a row dimension and a time bucket, with its totals both ways.

The database counts each cell in one grouped query (GROUP BY the row's key and the month, quarter or year), by the
rules the figures use (crm/reports/figures.py, rules.py, funds.py): signed projects, 亿元以上 and signed investment
over counted projects signed in the period, 到资 over counted tranches arrived in it, visits and enterprises visited
over the period's visits. Every measure but enterprises visited adds up, so its totals are the cells' sums; a
company visited in two months (or by two teams) counts once in the total, so those totals are counted by grouped
queries of their own, by the same rule. The grand total is the dashboard's figure for the period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, case, distinct, func, select

from ..domain.periods import Period
from ..domain.sizes import SIZE_BANDS
from ..extensions import db
from ..models import District, Enterprise, FundsTranche, Project, ProjectStatus, ProjectType, Team, Visit
from ..web.i18n import gettext as _
from ..web.i18n import lazy_gettext as _l
from .figures import companies_visited, of_district, signed_columns
from .funds import counted_tranche, money_in_place
from .funds import in_period as funds_in_period
from .rules import counted, in_band
from .sql import year_month, year_of, year_quarter

# The rows a table can be split by, the time buckets of its columns, and the figures it can count.
DIMENSIONS = {"team": _l("专班"), "district": _l("区县"), "industry": _l("行业"), "province": _l("投资方来源省份"),
              "size": _l("规模"), "type": _l("项目类型"), "status": _l("状态")}
BUCKETS = {"month": _l("月"), "quarter": _l("季度"), "year": _l("年")}
VISIT_DIMENSIONS = ("team", "district", "industry", "province")  # of the visited enterprise, for visits


@dataclass(frozen=True)
class Measure:
    """A figure the table counts: its label, whether it is money (yuan, shown in 亿元), and what it counts over."""

    label: Any
    source: str  # projects, funds or visits
    money: bool = False
    distinct: bool = False  # a count of distinct things: its totals are not the sums of its cells

    @property
    def dimensions(self) -> tuple[str, ...]:
        return VISIT_DIMENSIONS if self.source == "visits" else tuple(DIMENSIONS)


MEASURES = {"signed": Measure(_l("签约项目数"), "projects"), "yi": Measure(_l("亿元以上签约项目数"), "projects"),
            "investment": Measure(_l("签约总投资（亿元）"), "projects", money=True),
            "funds": Measure(_l("到资额（亿元）"), "funds", money=True),
            "visits": Measure(_l("拜访次数"), "visits"),
            "enterprises": Measure(_l("拜访企业数"), "visits", distinct=True)}
BELOW_BANDS = 0  # the size key of projects under the smallest band (1亿元)


@dataclass(frozen=True)
class PivotQuery:
    """What the table counts: by which rows and buckets, which measure, over which period, whose (None: the city)."""

    rows: str
    cols: str
    measure: str
    period: Period
    district_id: int | None = None

    @property
    def of(self) -> Measure:
        return MEASURES[self.measure]


@dataclass
class Pivot:
    """The counted table: cells by (row key, bucket key), the totals both ways and the grand total."""

    query: PivotQuery
    cells: dict[tuple[Any, str], int]
    row_totals: dict[Any, int] = field(default_factory=dict)
    col_totals: dict[str, int] = field(default_factory=dict)
    grand: int = 0


def applies(measure: str, dimension: str) -> bool:
    """Whether the rows can split the measure (a visit has no size, project type or status)."""
    return dimension in MEASURES[measure].dimensions


def bucket_of(cols: str, day: Any) -> Any:
    return {"month": year_month, "quarter": year_quarter, "year": year_of}[cols](day)


def size_key() -> ColumnElement[int]:
    """The size band of a project, numbered from 1 (1–10亿元) up; 0 below 1亿元."""
    return case(*((in_band(low, high), index) for index, (low, high) in enumerate(SIZE_BANDS, 1)),
                else_=BELOW_BANDS)


def base_query(query: PivotQuery, *keys: Any) -> Select[Any]:
    """SELECT the keys and the measure FROM its table, joined to what the row needs, WHERE the rule counts it."""
    measure, period, dimension = query.of, query.period, query.rows
    if measure.source == "visits":
        value = (func.count() if not measure.distinct else func.count(distinct(Visit.enterprise_id))
                 if query.district_id is not None else companies_visited())
        statement = select(*keys, value).select_from(Visit).where(
            Visit.visited_on.between(period.start, period.end), of_district(Visit.team_id, query.district_id))
        if dimension in ("industry", "province") or (measure.distinct and query.district_id is None):
            statement = statement.join(Enterprise, Enterprise.id == Visit.enterprise_id)
        team = Visit.team_id
    else:
        if measure.source == "funds":
            value = money_in_place()  # the WHERE holds the period
            statement = select(*keys, value).select_from(FundsTranche).join(
                Project, Project.id == FundsTranche.project_id).where(counted_tranche(), funds_in_period(period))
        else:
            value = signed_columns()[("signed", "yi", "investment").index(query.measure)]  # the WHERE holds the period
            statement = select(*keys, value).select_from(Project).where(
                counted(), Project.signed_on.between(period.start, period.end))
        statement = statement.where(of_district(Project.team_id, query.district_id))
        if dimension == "province":
            statement = statement.join(Enterprise, Enterprise.id == Project.enterprise_id)
        team = Project.team_id
    if dimension == "district":
        statement = statement.join(Team, Team.id == team)
    return statement


def row_key(query: PivotQuery) -> Any:
    """The column the rows are grouped by, for the measure's table."""
    visits = query.of.source == "visits"
    return {"team": lambda: Visit.team_id if visits else Project.team_id, "district": lambda: Team.district_id,
            "industry": lambda: Enterprise.industry if visits else Project.industry,
            "province": lambda: Enterprise.province, "size": size_key,
            "type": lambda: Project.project_type, "status": lambda: Project.status}[query.rows]()


def date_of(query: PivotQuery) -> Any:
    """The day that puts a record in a bucket: signed, arrived, visited."""
    return {"projects": Project.signed_on, "funds": FundsTranche.received_on, "visits": Visit.visited_on}[
        query.of.source]


def number(value: Any) -> int:
    return int(value or 0)  # PostgreSQL sums BIGINT as NUMERIC


def pivot(query: PivotQuery) -> Pivot:
    """The table's cells in one grouped query, and its totals (by their own grouped queries for distinct counts)."""
    if not applies(query.measure, query.rows):
        raise ValueError(f"{query.rows} does not split {query.measure}")
    key, bucket = row_key(query), bucket_of(query.cols, date_of(query))
    grouped = base_query(query, key, bucket).group_by(key, bucket)
    cells = {(unit, when): number(value) for unit, when, value in db.session.execute(grouped)}
    result = Pivot(query, cells)
    if query.of.distinct:
        result.row_totals = {unit: number(value) for unit, value in db.session.execute(
            base_query(query, key).group_by(key))}
        result.col_totals = {when: number(value) for when, value in db.session.execute(
            base_query(query, bucket).group_by(bucket))}
        result.grand = number(db.session.execute(base_query(query)).scalar())
        return result
    for (unit, when), value in cells.items():
        result.row_totals[unit] = result.row_totals.get(unit, 0) + value
        result.col_totals[when] = result.col_totals.get(when, 0) + value
    result.grand = sum(cells.values())
    return result


def buckets(period: Period, cols: str) -> list[tuple[str, str]]:
    """The period's buckets in order, each as its key (as the database writes it) and its label."""
    one_year = period.start.year == period.end.year
    found: dict[str, str] = {}
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        if cols == "month":
            found[f"{year}-{month:02d}"] = (_("%(month)d月", month=month) if one_year
                                            else _("%(year)d年%(month)d月", year=year, month=month))
        elif cols == "quarter":
            quarter = (month + 2) // 3
            found[f"{year}-Q{quarter}"] = (_("第%(q)d季度", q=quarter) if one_year
                                           else _("%(year)d年第%(q)d季度", year=year, q=quarter))
        else:
            found[str(year)] = _("%(year)d年", year=year)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return list(found.items())


def size_labels() -> dict[int, str]:
    labels = {BELOW_BANDS: _("1亿元以下")}
    for index, (low, high) in enumerate(SIZE_BANDS, 1):
        labels[index] = (_("%(low)d亿元以上", low=low) if high is None
                         else _("%(low)d—%(high)d亿元", low=low, high=high))
    return labels


def row_labels(query: PivotQuery, keys: Iterable[Any]) -> list[tuple[Any, str]]:
    """The rows found, in their order (teams and districts by name, the city's teams by district then name, bands
    and choices as defined, texts by name), each with its label; an empty text is 未填写."""
    keys = list(keys)
    if query.rows in ("team", "district"):
        model = Team if query.rows == "team" else District
        names = dict(db.session.execute(select(model.id, model.name).where(model.id.in_(keys))).all())
        districts = team_districts(query, keys)
        return sorted(((key, names.get(key, str(key))) for key in keys),
                      key=lambda pair: (districts.get(pair[0], ""), pair[1]))
    if query.rows == "size":
        return [(key, label) for key, label in size_labels().items() if key in keys]
    if query.rows in ("type", "status"):
        return [(member, str(member.label)) for member in (ProjectType if query.rows == "type" else ProjectStatus)
                if member in keys]
    return sorted(((key, key or _("未填写")) for key in keys), key=lambda pair: (pair[0] is None, pair[1]))


def team_districts(query: PivotQuery, keys: Iterable[Any]) -> dict[int, str]:
    """The city's table of teams: each team's district (two districts may name a team alike); otherwise none."""
    if query.rows != "team" or query.district_id is not None:
        return {}
    return dict(db.session.execute(select(Team.id, District.name).join(District, District.id == Team.district_id)
                                   .where(Team.id.in_(list(keys)))).all())
