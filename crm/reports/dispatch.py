"""调度会: what a dispatch meeting goes through on a day — every red and yellow project, every open 督办 — and
what changed since the last meeting (new reds, nodes reached, money arrived).

Each part is read by the rule that defines it (colours.py, supervision.py, funds.py): the page, `flask dispatch`
and their tests see the same list. Projects are the counted ones (verified, not voided), as the 红黄绿 board's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, literal, or_, select, true, union_all
from sqlalchemy.orm import aliased

from ..domain.periods import LOCAL, Period
from ..extensions import db
from ..models import FundsTranche, Project, Supervision, Team, User
from .colours import (
    BY_SEVERITY,
    SEVERITY,
    Colour,
    NodeState,
    late_nodes,
    node_dates,
    path_rows,
    thresholds,
    worst,
)
from .figures import of_district
from .funds import counted_tranche, funds_columns, in_period
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
    """Red projects first, then yellow; each by code.

    One statement reads the rule's yellow and red rows of the day, with their nodes' units, and those of the last
    meeting's day (both from the same late nodes); the projects' colours and causes are taken from their rows, as
    worst() reads them.
    """
    rules = thresholds()
    late = late_nodes(day, rules, scope)  # both days' rows come from the late nodes of the meeting's day

    def rows_of(on: date, today: bool) -> Select:
        path = path_rows(on, rules, where=scope, late=late).subquery()
        return select(path, literal(today).label("today"))

    rows = union_all(rows_of(day, True), rows_of(since, False)).subquery("late")
    chief = aliased(User)
    # Outer joins from the rows, whose projects the rule has already picked: the database walks the few rows and
    # looks each project up, where SQLite would otherwise walk every project of the district to find their rows.
    found = db.session.execute(
        select(rows.c.project_id, Project.code, Project.name, Team.name, chief.display_name, rows.c.node,
               rows.c.planned_on, rows.c.actual_on, rows.c.severity, rows.c.today, late.c.responsible_unit)
        .select_from(rows).outerjoin(Project, Project.id == rows.c.project_id)
        .outerjoin(Team, Team.id == Project.team_id).outerjoin(chief, chief.id == Project.chief_officer_id)
        .outerjoin(late, and_(late.c.project_id == rows.c.project_id, late.c.node == rows.c.node))
        .order_by(Project.code, rows.c.node))
    projects: dict[int, tuple[str, str, str, str | None]] = {}
    states: dict[int, list[NodeState]] = {}
    units: dict[tuple[int, str], str | None] = {}
    red_before: set[int] = set()
    for project_id, code, name, team, chief_name, node, planned, actual, severity, today, unit in found:
        if not today:
            if severity == SEVERITY[Colour.RED]:
                red_before.add(project_id)
            continue
        projects.setdefault(project_id, (code, name, team, chief_name))
        states.setdefault(project_id, []).append(NodeState(node, planned, actual, BY_SEVERITY[severity]))
        units[project_id, node] = unit
    causes = {project_id: cause for project_id, nodes in states.items() if (cause := worst(nodes)) is not None}
    result = []
    for project_id, cause in causes.items():
        code, name, team, chief_name = projects[project_id]
        result.append(LateProject(project_id, code, name, team, chief_name, cause.colour, cause,
                                  units.get((project_id, cause.node)),
                                  cause.colour is Colour.RED and project_id not in red_before))
    return sorted(result, key=lambda project: -SEVERITY[project.colour])  # stable: by code within a colour


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
    """Nodes reached and verified money arrived in the period, and the money's sum: the tranches the figures count
    (crm/reports/funds.py), so the sum is the period's 到资额 too."""
    dates = node_dates(reached_in=period).subquery("node_dates")
    reached = [Reached(*row) for row in db.session.execute(
        select(Project.id, Project.code, Project.name, dates.c.node, dates.c.actual_on)
        .join(dates, dates.c.project_id == Project.id).where(scope)
        .order_by(dates.c.actual_on, Project.code))]
    arrived = [Arrived(*row) for row in db.session.execute(
        select(Project.id, Project.code, Project.name, FundsTranche.received_on, FundsTranche.amount_yuan)
        .join(FundsTranche, FundsTranche.project_id == Project.id)
        .where(counted_tranche(), in_period(period), scope)
        .order_by(FundsTranche.received_on, Project.code))]
    total = db.session.execute(select(funds_columns(period)[0]).select_from(FundsTranche)
                               .join(Project, Project.id == FundsTranche.project_id)
                               .where(counted_tranche(), in_period(period), scope)).scalar_one()
    return reached, arrived, int(total)  # summed by the figures' own rule, not by this list
