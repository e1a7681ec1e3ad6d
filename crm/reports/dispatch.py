"""调度会: what a dispatch meeting goes through on a day — every red and yellow project, every open 督办 — and
what changed since the last meeting (new reds, nodes reached, money arrived).

Each part is read by the rule that defines it (colours.py, supervision.py, funds.py): the page, `flask dispatch`
and their tests see the same list. Projects are the counted ones (verified, not voided), as the 红黄绿 board's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, or_, select, true
from sqlalchemy.orm import aliased

from ..domain.periods import LOCAL, Period
from ..extensions import db
from ..models import FundsTranche, Project, ProjectNode, Supervision, Team, User
from .colours import BY_SEVERITY, Colour, NodeState, colours_of, node_dates, path_rows, project_severities, worst
from .figures import of_district
from .funds import counted_tranche, funds_columns
from .rules import counted
from .supervision import open_order, overdue_order


@dataclass(frozen=True)
class LateProject:
    """A red or yellow project, the node that makes it so, and who answers for it."""

    id: int
    code: str
    name: str
    team: str
    chief: str | None  # 首席服务官
    colour: Colour
    cause: NodeState | None  # the worst node (or old open issue)
    unit: str | None  # the unit responsible for that node
    newly_red: bool  # red now, not red on the day of the last meeting


@dataclass(frozen=True)
class OpenOrder:
    id: int
    project_id: int
    code: str
    name: str
    what: str
    receiver: str  # the unit, else the person
    deadline: date
    overdue: bool


@dataclass(frozen=True)
class Reached:
    project_id: int
    code: str
    name: str
    node: str  # a PathNode value
    day: date


@dataclass(frozen=True)
class Arrived:
    project_id: int
    code: str
    name: str
    day: date
    amount_yuan: int


@dataclass(frozen=True)
class Meeting:
    day: date
    since: date  # the last meeting's day: changes are those after it, up to `day`
    projects: list[LateProject]
    orders: list[OpenOrder]
    reached: list[Reached] = field(default_factory=list)
    arrived: list[Arrived] = field(default_factory=list)
    arrived_yuan: int = 0

    @property
    def red(self) -> list[LateProject]:
        return [p for p in self.projects if p.colour is Colour.RED]

    @property
    def yellow(self) -> list[LateProject]:
        return [p for p in self.projects if p.colour is Colour.YELLOW]

    @property
    def newly_red(self) -> list[LateProject]:
        return [p for p in self.projects if p.newly_red]


def meeting(day: date, since: date, *, district_id: int | None, leader_id: int | None = None) -> Meeting:
    """The meeting's list for the district on `day`; given a leader, only the projects they serve as 首席服务官
    and the orders they received or issued."""
    scope = and_(counted(), of_district(Project.team_id, district_id),
                 Project.chief_officer_id == leader_id if leader_id is not None else true())
    projects = late_projects(day, since, scope)
    changed = Period(since + timedelta(days=1), day) if since < day else None
    return Meeting(day, since, projects, open_orders(day, district_id, leader_id),
                   *(changes(changed, scope) if changed else ([], [], 0)))


def late_projects(day: date, since: date, scope: ColumnElement[bool]) -> list[LateProject]:
    """Red projects first, then yellow; each by code."""
    colours = project_severities(day)
    chief = aliased(User)
    rows = db.session.execute(
        select(Project.id, Project.code, Project.name, Team.name, chief.display_name, colours.c.severity)
        .join(colours, colours.c.project_id == Project.id).join(Team, Team.id == Project.team_id)
        .outerjoin(chief, chief.id == Project.chief_officer_id)
        .where(colours.c.severity > 0, scope).order_by(colours.c.severity.desc(), Project.code)).all()
    ids = [row[0] for row in rows]
    causes = worst_nodes(ids, day)
    before = colours_of(ids, since)
    units = dict(((project_id, node), unit) for project_id, node, unit in db.session.execute(
        select(ProjectNode.project_id, ProjectNode.node, ProjectNode.responsible_unit)
        .where(ProjectNode.project_id.in_(ids))))
    result = []
    for project_id, code, name, team, chief_name, severity in rows:
        colour, cause = BY_SEVERITY[severity], causes.get(project_id)
        unit = units.get((project_id, cause.node)) if cause is not None else None
        result.append(LateProject(project_id, code, name, team, chief_name, colour, cause, unit,
                                  colour is Colour.RED and before.get(project_id) is not Colour.RED))
    return result


def worst_nodes(ids: list[int], day: date) -> dict[int, NodeState]:
    """Each project's worst node on the day, read in one query for all of them."""
    if not ids:
        return {}
    rows = path_rows(day, only=ids).subquery("path_rows")
    states: dict[int, list[NodeState]] = {}
    for project_id, node, planned, actual, severity in db.session.execute(
            select(rows.c.project_id, rows.c.node, rows.c.planned_on, rows.c.actual_on, rows.c.severity)):
        states.setdefault(project_id, []).append(NodeState(node, planned, actual, BY_SEVERITY[severity]))
    return {project_id: cause for project_id, nodes in states.items() if (cause := worst(nodes)) is not None}


def open_orders(day: date, district_id: int | None, leader_id: int | None) -> list[OpenOrder]:
    """督办 open now and issued by the end of the day; overdue ones first, then by deadline."""
    receiver = aliased(User)
    issued_by = datetime.combine(day + timedelta(days=1), time.min, LOCAL)
    mine = (or_(Supervision.receiver_id == leader_id, Supervision.issuer_id == leader_id,
                Project.chief_officer_id == leader_id) if leader_id is not None else true())
    rows = db.session.execute(
        select(Supervision.id, Project.id, Project.code, Project.name, Supervision.what, Supervision.receiver_unit,
               receiver.display_name, Supervision.deadline)
        .join(Project, Project.id == Supervision.project_id).outerjoin(receiver, receiver.id == Supervision.receiver_id)
        .where(open_order(), Supervision.issued_at < issued_by, of_district(Project.team_id, district_id), mine)
        .order_by(case((overdue_order(day), 0), else_=1), Supervision.deadline, Supervision.id)).all()
    return [OpenOrder(order_id, project_id, code, name, what, unit or person or "", deadline, deadline < day)
            for order_id, project_id, code, name, what, unit, person, deadline in rows]


def changes(period: Period, scope: ColumnElement[bool]) -> tuple[list[Reached], list[Arrived], int]:
    """Nodes reached and verified money arrived in the period, and the money's sum (the figures' own rule)."""
    dates = node_dates().subquery("node_dates")
    reached = [Reached(*row) for row in db.session.execute(
        select(Project.id, Project.code, Project.name, dates.c.node, dates.c.actual_on)
        .join(dates, dates.c.project_id == Project.id)
        .where(dates.c.actual_on.between(period.start, period.end), scope)
        .order_by(dates.c.actual_on, Project.code))]
    arrived = [Arrived(*row) for row in db.session.execute(
        select(Project.id, Project.code, Project.name, FundsTranche.received_on, FundsTranche.amount_yuan)
        .join(FundsTranche, FundsTranche.project_id == Project.id)
        .where(counted_tranche(), FundsTranche.received_on.between(period.start, period.end), scope)
        .order_by(FundsTranche.received_on, Project.code))]
    total = db.session.execute(select(funds_columns(period)[0]).select_from(FundsTranche)
                               .join(Project, Project.id == FundsTranche.project_id)
                               .where(counted_tranche(), scope)).scalar_one()
    return reached, arrived, int(total or 0)
