"""The figures every report is made of, per team and for a district (or the city), aggregated in the database.

One grouped query per table: trips, visits (count and distinct enterprises), new leads, projects (signed,
亿元以上, investment, started, producing) and funds in place (到资, 固投完成额: crm/reports/funds.py). Only
counted projects enter (crm/reports/rules.py). The summary, both rankings, the dashboard, the brief and the
exports all read their numbers from here.

Enterprises visited count companies, each once, however many visits or teams: a team's and a district's figure
count its enterprise records (a record is one district's, and a credit code is on one record per district); the
city's figure counts a company held by two districts — two records, one in each — once, by its credit code where
the record has one, else by the record. The district ranking counts each district's own, so its rows may add up
to more than the city's total.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, distinct, func, or_, select, true

from ..access.tenancy import scoped_district
from ..domain.periods import LOCAL, Period
from ..extensions import db
from ..models import Enterprise, FundsTranche, Lead, Project, TargetMetric, Team, Trip, Visit
from .funds import counted_tranche, funds_columns
from .funds import in_period as funds_in_period
from .rules import counted, yi_project


@dataclass(frozen=True)
class Figures:
    """One team's (or the district's) figures for a period."""

    trips: int = 0
    enterprises_visited: int = 0
    visits: int = 0
    new_leads: int = 0
    signed_projects: int = 0
    yi_projects: int = 0
    signed_investment_yuan: int = 0
    started_projects: int = 0
    producing_projects: int = 0
    funds_yuan: int = 0  # 到资: verified money in place in the period (crm/reports/funds.py)
    fixed_asset_done_yuan: int = 0  # 固投完成额: of it, for fixed assets

    def __getitem__(self, metric: TargetMetric) -> int:
        return getattr(self, FIELD_OF[metric])

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figures:
        return cls(**{f.name: int(data.get(f.name, 0)) for f in fields(cls)})


# The targets a team is set, and the figure each is measured by: the ranking's metrics, in this order.
FIELD_OF: dict[TargetMetric, str] = {
    TargetMetric.TRIPS: "trips",
    TargetMetric.ENTERPRISES_VISITED: "enterprises_visited",
    TargetMetric.VISITS: "visits",
    TargetMetric.NEW_LEADS: "new_leads",
    TargetMetric.SIGNED_PROJECTS: "signed_projects",
    TargetMetric.YI_PROJECTS: "yi_projects",
    TargetMetric.SIGNED_INVESTMENT: "signed_investment_yuan",
    TargetMetric.STARTED_PROJECTS: "started_projects",
    TargetMetric.PRODUCING_PROJECTS: "producing_projects",
    TargetMetric.FUNDS: "funds_yuan",
    TargetMetric.FIXED_ASSET_DONE: "fixed_asset_done_yuan",
}
METRICS = tuple(FIELD_OF)


def utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's local days as a half-open range of instants, for timestamp columns."""
    start = datetime.combine(period.start, time.min, LOCAL)
    end = datetime.combine(period.end + timedelta(days=1), time.min, LOCAL)
    return start, end


def of_team(column: Any, team_id: int | None, district_id: int | None = None) -> ColumnElement[bool]:
    """WHERE clause: the team's rows, else the district's teams' rows, else every row (the whole city)."""
    if team_id is not None:
        return column == team_id
    return of_district(column, district_id)


def of_district(column: Any, district_id: int | None) -> ColumnElement[bool]:
    """WHERE clause on a team id column: the district's teams, or every team when no district is given.

    When the session is already limited to that district (crm/access/tenancy.py), its criteria say it once.
    """
    if district_id is None or scoped_district() == district_id:
        return true()
    return column.in_(select(Team.id).where(Team.district_id == district_id))


def _in(column: Any, period: Period) -> ColumnElement[bool]:
    return column.between(period.start, period.end)


def team_figures(period: Period, team_id: int | None = None, district_id: int | None = None) -> dict[int, Figures]:
    """Every team's figures for the period (one team's, or one district's teams'), keyed by team id.

    Teams with nothing are absent.
    """
    def grouped(query: Any, team_column: Any) -> Any:
        return query.where(of_team(team_column, team_id, district_id)).group_by(team_column)

    return grouped_figures(period, lambda team_column: team_column, grouped)


def districts_figures(period: Period) -> dict[int, Figures]:
    """Every district's figures for the period, keyed by district id: enterprises visited counted once in each.

    An enterprise record is held by one district, so counting distinct enterprises per district counts each once.
    """
    def grouped(query: Any, team_column: Any) -> Any:
        return query.join(Team, Team.id == team_column).group_by(Team.district_id)

    return grouped_figures(period, lambda _team_column: Team.district_id, grouped)


def grouped_figures(period: Period, key: Any, grouped: Any) -> dict[int, Figures]:
    """The four grouped queries of the figures: `key` gives the grouping column, `grouped` adds WHERE and GROUP BY."""
    rows: dict[int, dict[str, int]] = {}

    def merge(team_column: Any, columns: tuple[Any, ...], where: tuple[Any, ...], names: tuple[str, ...]) -> None:
        query = select(key(team_column), *columns).select_from(team_column.table).where(*where)
        for unit, *values in db.session.execute(grouped(query, team_column)):
            row = rows.setdefault(unit, {})
            row.update({name: int(value or 0) for name, value in zip(names, values, strict=True)})

    merge(Trip.team_id, (func.count(),), (_in(Trip.start_on, period),), ("trips",))
    merge(Visit.team_id, (func.count(), func.count(distinct(Visit.enterprise_id))), (_in(Visit.visited_on, period),),
          ("visits", "enterprises_visited"))
    start, end = utc_bounds(period)
    merge(Lead.team_id, (func.count(),), (Lead.created_at >= start, Lead.created_at < end), ("new_leads",))
    merge(Project.team_id, project_columns(period), projects_in(period),
          ("signed_projects", "yi_projects", "signed_investment_yuan", "started_projects", "producing_projects"))
    merge(Project.team_id, funds_columns(period), tranches_in(period), ("funds_yuan", "fixed_asset_done_yuan"))
    return {unit: Figures(**values) for unit, values in rows.items()}


def signed_columns(*signed: ColumnElement[bool]) -> tuple[Any, Any, Any]:
    """Signed, 亿元以上 and investment as aggregate columns over the projects `signed` picks (every row read
    when none is given: a query whose WHERE already holds the signing period need not repeat it)."""
    def among(aggregate: Any) -> Any:
        return aggregate.filter(*signed) if signed else aggregate
    return (among(func.count()), func.count().filter(*signed, yi_project()),
            func.coalesce(among(func.sum(Project.total_investment_yuan)), 0))


def project_columns(period: Period) -> tuple[Any, ...]:
    """Signed, 亿元以上, investment, started and producing in the period, as aggregate columns."""
    return (*signed_columns(_in(Project.signed_on, period)),
            func.count().filter(_in(Project.started_on, period)),
            func.count().filter(_in(Project.production_on, period)))


def projects_in(period: Period) -> tuple[ColumnElement[bool], ...]:
    """Counted projects signed, started or brought into production in the period."""
    return counted(), or_(_in(Project.signed_on, period), _in(Project.started_on, period),
                          _in(Project.production_on, period))


def tranches_in(period: Period) -> tuple[ColumnElement[bool], ...]:
    """Counted tranches (of counted projects) that arrived in the period, joined to their project."""
    return FundsTranche.project_id == Project.id, counted_tranche(), funds_in_period(period)


def district_figures(period: Period, per_team: dict[int, Figures] | None = None,
                     district_id: int | None = None) -> Figures:
    """A district's figures (the city's, without one): the teams' sums, except enterprises visited, counted once.

    Given the teams' figures, it sums them; else it counts the district directly, one query per table, which
    spares the per-team grouping of a million visits.
    """
    if per_team is None:
        return whole_district(period, district_id)
    totals = {f.name: sum(getattr(row, f.name) for row in per_team.values()) for f in fields(Figures)}
    totals["enterprises_visited"] = db.session.execute(visit_counts(period, district_id)).one()[1] or 0
    return Figures(**totals)


def visit_counts(period: Period, district_id: int | None) -> Select[Any]:
    """Visits, and enterprises visited, in the period: a district's records each once; the city's companies each
    once, by credit code where the record has one, else by the record (see the module's docstring)."""
    where = (_in(Visit.visited_on, period), of_district(Visit.team_id, district_id))
    if district_id is not None:
        return select(func.count(), func.count(distinct(Visit.enterprise_id))).where(*where)
    return select(func.count(), companies_visited()).select_from(Visit).join(Enterprise).where(*where)


def companies_visited() -> Any:
    """Enterprises visited across districts: companies each once, by credit code where the record has one, else by
    the record (the caller joins Enterprise to Visit)."""
    return (func.count(distinct(Enterprise.credit_code))
            + func.count(distinct(Enterprise.id)).filter(Enterprise.credit_code.is_(None)))


def whole_district(period: Period, district_id: int | None = None) -> Figures:
    """A district's figures (the city's, without one) counted over its teams at once (every record has a team)."""
    trips = db.session.scalar(select(func.count()).where(_in(Trip.start_on, period),
                                                         of_district(Trip.team_id, district_id)))
    visits, enterprises = db.session.execute(visit_counts(period, district_id)).one()
    start, end = utc_bounds(period)
    leads = db.session.scalar(select(func.count()).where(Lead.created_at >= start, Lead.created_at < end,
                                                         of_district(Lead.team_id, district_id)))
    projects = db.session.execute(select(*project_columns(period))
                                  .where(*projects_in(period), of_district(Project.team_id, district_id))).one()
    funds = db.session.execute(select(*funds_columns(period)).select_from(Project)
                               .where(*tranches_in(period), of_district(Project.team_id, district_id))).one()
    return Figures(trips or 0, enterprises or 0, visits or 0, leads or 0, *(int(value or 0) for value in projects),
                   *(int(value or 0) for value in funds))


def team_of(figures: dict[int, Figures], team_id: int | None) -> Figures:
    """One team's figures from a team_figures() result (zeros when it had none)."""
    return figures.get(team_id or 0, Figures())


def days_in(period: Period) -> int:
    return (period.end - period.start).days + 1
