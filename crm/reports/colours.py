"""红黄绿: a project's colour by its path, written once; lists, the page, the dashboard, rankings and the API use it.

Per node, on a day T, with the district's thresholds N (soon_days), M (late_days), K (issue_days):
- reached (an actual date), or no planned date: green;
- planned date more than M days before T (late by more than M days): red;
- planned date from M days before T to N days after it (late by up to M days, or due within N days): yellow;
- later: green.
A project is red too when it has an open 问题诉求 (not 销号 on T) raised more than K days before T.
Its colour is the worst of these; a node its district turned off counts for nothing. Voided and terminated
projects have no colour. Everything is one SQL statement: a CASE per district's thresholds over the nodes' dates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, case, func, literal, null, select, true, type_coerce
from sqlalchemy.sql.selectable import CTE, Subquery

from ..domain.periods import Period
from ..extensions import db
from ..models import ColourRule, District, PathStep, Project, ProjectIssue, ProjectNode, ProjectStatus, Team
from ..models.path import PROJECT_HELD
from ..models.types import Choice
from ..web.i18n import lazy_gettext as _l
from .figures import of_district
from .rules import counted, open_issue


class Colour(Choice):
    GREEN = "green", _l("绿")
    YELLOW = "yellow", _l("黄")
    RED = "red", _l("红")


SEVERITY = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}
BY_SEVERITY = {value: colour for colour, value in SEVERITY.items()}
ISSUE = "issue"  # the node name of an old open issue's row


@dataclass(frozen=True)
class Thresholds:
    soon_days: int = 15  # N
    late_days: int = 30  # M
    issue_days: int = 30  # K


DEFAULT = Thresholds()


def thresholds() -> dict[int, Thresholds]:
    """Each district's thresholds that its admin set (a district without a row has DEFAULT)."""
    rows = db.session.execute(select(ColourRule.district_id, ColourRule.soon_days, ColourRule.late_days,
                                     ColourRule.issue_days))
    return {district: Thresholds(soon, late, issue) for district, soon, late, issue in rows}


def has_colour() -> ColumnElement[bool]:
    """Projects that carry a colour: not voided, not terminated."""
    return and_(Project.voided.is_(False), Project.status != ProjectStatus.TERMINATED)


def node_dates(only: list[int] | None = None, unreached_by: date | None = None,
               reached_in: Period | None = None, units: bool = False) -> Select:
    """Every node's planned and actual dates: the path's own rows, and 开工/投产/达产 from the project's columns;
    with `units`, the unit responsible for each too (a row of its own for 开工/投产/达产).

    The filters apply inside each part of the union, where the database reads the rows: `only` some projects;
    `unreached_by` a day, the nodes not reached and planned on or before it (the only ones that may be yellow or
    red while that day is within N days); `reached_in` a period, the nodes reached in it.
    """
    def kept(project_id: ColumnElement, planned: ColumnElement, actual: ColumnElement) -> list[ColumnElement[bool]]:
        conditions = [project_id.in_(only)] if only is not None else []
        if unreached_by is not None:
            conditions += [actual.is_(None), planned <= unreached_by]
        if reached_in is not None:
            conditions.append(actual.between(reached_in.start, reached_in.end))
        return conditions

    def unit_of(name: str) -> list[ColumnElement]:  # looked up for each of the few rows the filters leave
        held_row = (select(ProjectNode.responsible_unit)
                    .where(ProjectNode.project_id == Project.id, type_coerce(ProjectNode.node, String) == name))
        return [held_row.scalar_subquery()] if units else []

    node = type_coerce(ProjectNode.node, String)
    own = (select(ProjectNode.project_id.label("project_id"), node.label("node"),
                  ProjectNode.planned_on.label("planned_on"), ProjectNode.actual_on.label("actual_on"),
                  *([ProjectNode.responsible_unit.label("responsible_unit")] if units else []))
           # the filters first: SQLite tests the conditions in their order, and they leave few of the rows
           .where(*kept(ProjectNode.project_id, ProjectNode.planned_on, ProjectNode.actual_on),
                  ProjectNode.node.not_in(PROJECT_HELD)))
    held = [select(Project.id, literal(name, String), planned, actual, *unit_of(name))
            .where(*kept(Project.id, planned, actual))
            for name, planned, actual in (("started", Project.planned_start_on, Project.started_on),
                                          ("producing", Project.planned_production_on, Project.production_on),
                                          ("capacity", Project.planned_capacity_on, Project.capacity_on))]
    return own.union_all(*held)


def node_severity(planned: ColumnElement, actual: ColumnElement, today: date, rule: Thresholds) -> ColumnElement[int]:
    """0 green, 1 yellow, 2 red for one node under one district's thresholds."""
    return case((actual.is_not(None), 0), (planned.is_(None), 0),
                (planned < today - timedelta(days=rule.late_days), 2),
                (planned <= today + timedelta(days=rule.soon_days), 1), else_=0)


def by_district(rules: dict[int, Thresholds], make: Callable[[Thresholds], ColumnElement],
                district: ColumnElement | None = None) -> ColumnElement:
    """A CASE choosing each district's version of an expression (make(thresholds)), DEFAULT's for the rest;
    `district` is the column that holds the district (the team's, unless given)."""
    if not rules:
        return make(DEFAULT)
    column = Team.district_id if district is None else district
    return case(*((column == district_id, make(rule)) for district_id, rule in rules.items()), else_=make(DEFAULT))


def kept_nodes(dates: Subquery, where: ColumnElement[bool]) -> Select:
    """The nodes of `dates` (node_dates()) that count: of coloured projects the condition picks, and kept on by
    their district; each with the project's district."""
    return (select(dates, Team.district_id.label("district_id"))
            .join(Project, Project.id == dates.c.project_id).join(Team, Team.id == Project.team_id)
            .outerjoin(PathStep, and_(PathStep.district_id == Team.district_id,
                                      type_coerce(PathStep.node, String) == dates.c.node))
            .where(func.coalesce(PathStep.enabled, true()), has_colour(), where))


def late_nodes(today: date, rules: dict[int, Thresholds], where: ColumnElement[bool]) -> CTE:
    """kept_nodes() that may be yellow or red on `today` or before it (not reached, planned within the largest N
    days), with their units, picked out as the database reads the nodes and worked out once per statement
    (MATERIALIZED)."""
    soonest = max(rule.soon_days for rule in (DEFAULT, *rules.values()))
    dates = node_dates(unreached_by=today + timedelta(days=soonest), units=True).subquery("node_dates")
    return kept_nodes(dates, where).cte().prefix_with("MATERIALIZED")


def path_rows(today: date, rules: dict[int, Thresholds] | None = None, only: list[int] | None = None, *,
              where: ColumnElement[bool] | None = None, late: CTE | None = None) -> Select:
    """(project_id, node, planned_on, actual_on, severity) for every node the project's district keeps on,
    and a red row (node 'issue', planned_on = raised_on) for each open issue older than K days.

    `only` limits it to some projects (a page of a list, one project's page) so nothing else is read, `where` to
    the projects a condition picks. Given `late` (late_nodes() of this day or a later one, of the same projects),
    only the yellow and red rows are kept, the nodes' read from it: a list of the late projects needs no others.
    """
    rules = thresholds() if rules is None else rules
    kept = and_(Project.id.in_(only) if only is not None else true(), where if where is not None else true())
    nodes = late if late is not None else kept_nodes(node_dates(only).subquery("node_dates"), kept).subquery("nodes")
    severity = by_district(rules, lambda rule: node_severity(nodes.c.planned_on, nodes.c.actual_on, today, rule),
                           nodes.c.district_id)
    rows = select(nodes.c.project_id, nodes.c.node, nodes.c.planned_on, nodes.c.actual_on, severity.label("severity"))
    cutoff = by_district(rules, lambda rule: literal(today - timedelta(days=rule.issue_days)))
    # Issues raised before the latest cutoff, read first and once (MATERIALIZED) by the index on their day: a
    # planner without statistics would otherwise walk every counted project to look for its issues.
    latest = today - timedelta(days=min(rule.issue_days for rule in (DEFAULT, *rules.values())))
    old = (select(ProjectIssue.id).where(ProjectIssue.raised_on < latest,
                                         *([ProjectIssue.project_id.in_(only)] if only is not None else []))
           .cte().prefix_with("MATERIALIZED"))
    issues = (select(ProjectIssue.project_id, literal(ISSUE, String), ProjectIssue.raised_on, null(), literal(2))
              .join(old, old.c.id == ProjectIssue.id)
              .join(Project, Project.id == ProjectIssue.project_id).join(Team, Team.id == Project.team_id)
              .where(open_issue(today), ProjectIssue.raised_on < cutoff, has_colour(), kept))
    return (rows.where(severity > 0) if late is not None else rows).union_all(issues)


def project_severities(today: date, rules: dict[int, Thresholds] | None = None,
                       only: list[int] | None = None) -> CTE:
    """(project_id, severity): each coloured project's worst node, 0 when none is yellow or red."""
    rows = path_rows(today, rules, only).cte().prefix_with("MATERIALIZED", dialect="postgresql")
    kept = Project.id.in_(only) if only is not None else true()
    # Worked out once per statement (MATERIALIZED): a planner without statistics on fresh tables (a demo just
    # loaded) would otherwise run the grouped union again for every project it is joined to (4 s, not 4 ms).
    return (select(Project.id.label("project_id"), func.coalesce(func.max(rows.c.severity), 0).label("severity"))
            .outerjoin(rows, rows.c.project_id == Project.id).where(has_colour(), kept).group_by(Project.id)
            .cte().prefix_with("MATERIALIZED", dialect="postgresql"))  # anonymous: a statement may hold two


def of_colour(colour: Colour, today: date) -> ColumnElement[bool]:
    """WHERE clause: projects of this colour on the day."""
    colours = project_severities(today)
    return Project.id.in_(select(colours.c.project_id).where(colours.c.severity == SEVERITY[colour]))


def late_severities(today: date, where: ColumnElement[bool]) -> Subquery:
    """(project_id, severity) of the projects the condition picks that are yellow or red on the day, each one's
    worst row of the rule, read from the late nodes alone (the others are green)."""
    rules = thresholds()
    rows = path_rows(today, rules, where=where, late=late_nodes(today, rules, where)).subquery("late_rows")
    return (select(rows.c.project_id, func.max(rows.c.severity).label("severity")).group_by(rows.c.project_id)
            .subquery("late_severities"))


def counts_by_colour(today: date, where: tuple[ColumnElement[bool], ...],
                     *keys: ColumnElement) -> list[tuple[Any, ...]]:
    """(*keys, severity, count) of the coloured projects the conditions pick: green those without a late row."""
    scope = and_(true(), *where)
    late = late_severities(today, scope)
    severity = func.coalesce(late.c.severity, 0)
    return list(db.session.execute(
        select(*keys, severity, func.count()).select_from(Project).join(Team, Team.id == Project.team_id)
        .outerjoin(late, late.c.project_id == Project.id).where(has_colour(), scope).group_by(*keys, severity)))


def colour_counts(today: date, *where: ColumnElement[bool]) -> dict[Colour, int]:
    """How many projects (of those the conditions pick) are red, yellow and green: one grouped query."""
    counts = dict.fromkeys(Colour, 0)
    for severity, count in counts_by_colour(today, where):
        counts[BY_SEVERITY[severity]] = count
    return counts


def grouped_colour_counts(today: date, key: ColumnElement,
                          *where: ColumnElement[bool]) -> dict[int, dict[Colour, int]]:
    """Red, yellow and green projects per key (Project.team_id, or Team.district_id: the city's view), in one
    grouped query; a key without projects is absent."""
    counts: dict[int, dict[Colour, int]] = {}
    for unit, severity, count in counts_by_colour(today, where, key):
        counts.setdefault(unit, dict.fromkeys(Colour, 0))[BY_SEVERITY[severity]] = count
    return counts


def team_colours(today: date, district_id: int) -> dict[int, dict[Colour, int]]:
    """Each of a district's teams' counted projects by colour: the team ranking's 红 and 黄 columns."""
    return grouped_colour_counts(today, Project.team_id, counted(), of_district(Project.team_id, district_id))


def district_colours(today: date) -> dict[int, dict[Colour, int]]:
    """Each district's counted projects by colour: the city's dashboard and its district ranking."""
    return grouped_colour_counts(today, Team.district_id, counted())


@dataclass(frozen=True)
class NodeState:
    """One node of one project as the rule read it."""

    node: str  # a PathNode value, or ISSUE
    planned_on: date | None
    actual_on: date | None
    colour: Colour


def project_nodes(project_id: int, today: date) -> list[NodeState]:
    """The rule's rows for one project (its nodes with dates, and its old open issues)."""
    rows = path_rows(today, only=[project_id]).subquery("path_rows")
    result = db.session.execute(select(rows.c.node, rows.c.planned_on, rows.c.actual_on, rows.c.severity))
    return [NodeState(node, planned, actual, BY_SEVERITY[severity]) for node, planned, actual, severity in result]


def worst(states: list[NodeState]) -> NodeState | None:
    """The node that gives the project its colour: the most severe, then the longest overdue."""
    coloured = [state for state in states if state.colour is not Colour.GREEN]
    if not coloured:
        return None
    return max(coloured, key=lambda s: (SEVERITY[s.colour], -(s.planned_on or date.max).toordinal()))


def colours_of(project_ids: list[int], today: date) -> dict[int, Colour]:
    """The colour of each of these projects (a page of a list), in one query; none for voided or terminated."""
    if not project_ids:
        return {}
    colours = project_severities(today, only=project_ids)
    rows = db.session.execute(select(colours.c.project_id, colours.c.severity))
    return {project_id: BY_SEVERITY[severity] for project_id, severity in rows}


@dataclass(frozen=True)
class ColourBoard:
    """The dashboard's 红黄绿 line: counted projects by colour, and per district when the city reads it."""

    counts: dict[Colour, int]
    districts: list[tuple[int, str, dict[Colour, int]]]  # (id, name, counts), the city's view only


def colour_board(today: date, district_id: int | None) -> ColourBoard:
    """Counted projects (verified, not voided) by colour, in the district or (None) the city, per district too."""
    counts = colour_counts(today, counted(), of_district(Project.team_id, district_id))
    if district_id is not None:
        return ColourBoard(counts, [])
    per = district_colours(today)
    names = db.session.execute(select(District.id, District.name).order_by(District.code))
    return ColourBoard(counts, [(did, name, per.get(did, dict.fromkeys(Colour, 0))) for did, name in names])
