"""The path's rules: a district's nodes, order and default offsets; planned dates filled; a node's dates and unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ..domain.periods import today as local_today
from ..domain.refused import Refused
from ..extensions import db
from ..models import ColourRule, PathNode, PathStep, Project, ProjectNode, Team, User
from ..models.path import PROJECT_HELD
from ..projects.lifecycle.rules import check_planned_order
from ..reports.colours import DEFAULT, Thresholds
from ..web.i18n import gettext as _

# Days from signing to each node's planned date, until a district sets its own.
DEFAULT_OFFSETS = {PathNode.REGISTERED: 30, PathNode.FILED: 60, PathNode.LAND: 90, PathNode.PERMITS: 150,
                   PathNode.STARTED: 180, PathNode.COMPLETED: 540, PathNode.PRODUCING: 600, PathNode.CAPACITY: 900,
                   PathNode.IN_STATISTICS: 960, PathNode.ABOVE_SCALE: 1095}
# Where 开工, 投产 and 达产 keep their planned and actual dates on the project.
HELD_COLUMNS = {"started": ("planned_start_on", "started_on"), "producing": ("planned_production_on", "production_on"),
                "capacity": ("planned_capacity_on", "capacity_on")}


@dataclass(frozen=True)
class StepSetting:
    """One node as a district has it: on or off, its place and its default offset from signing."""

    node: PathNode
    enabled: bool
    position: int
    offset_days: int | None


def district_steps(district_id: int) -> list[StepSetting]:
    """The district's nodes in its order, every node listed (the defaults for those it never set)."""
    stored = {step.node: step for step in db.session.scalars(select(PathStep).where(
        PathStep.district_id == district_id))}
    steps = []
    for index, node in enumerate(PathNode):
        step = stored.get(node)
        steps.append(StepSetting(node, step.enabled, step.position, step.offset_days) if step is not None else
                     StepSetting(node, True, index + 1, DEFAULT_OFFSETS[node]))
    return sorted(steps, key=lambda s: (s.position, list(PathNode).index(s.node)))


def district_thresholds(district_id: int) -> Thresholds:
    rule = db.session.scalar(select(ColourRule).where(ColourRule.district_id == district_id))
    return DEFAULT if rule is None else Thresholds(rule.soon_days, rule.late_days, rule.issue_days)


def save_steps(*, actor: User, district_id: int, steps: list[StepSetting]) -> None:
    """Store the district's nodes: on or off, order and offsets (every node given once)."""
    if sorted(step.node for step in steps) != sorted(PathNode):
        raise Refused(_("请为每个节点填写设置"))
    if any(step.offset_days is not None and not 0 <= step.offset_days <= 3650 for step in steps):
        raise Refused(_("计划天数须在0到3650之间"))
    stored = {step.node: step for step in db.session.scalars(select(PathStep).where(
        PathStep.district_id == district_id))}
    for step in steps:
        row = stored.get(step.node) or PathStep(district_id=district_id, node=step.node)
        row.enabled, row.position, row.offset_days = step.enabled, step.position, step.offset_days
        db.session.add(row)
    db.session.flush()


def save_thresholds(*, actor: User, district_id: int, rule: Thresholds) -> ColourRule:
    """Store the district's 红黄绿 thresholds."""
    if min(rule.soon_days, rule.late_days, rule.issue_days) < 0 or \
            max(rule.soon_days, rule.late_days, rule.issue_days) > 3650:
        raise Refused(_("天数须在0到3650之间"))
    row = db.session.scalar(select(ColourRule).where(ColourRule.district_id == district_id)) or \
        ColourRule(district_id=district_id)
    row.soon_days, row.late_days, row.issue_days = rule.soon_days, rule.late_days, rule.issue_days
    db.session.add(row)
    db.session.flush()
    return row


def district_of(project: Project) -> int:
    return db.session.scalar(select(Team.district_id).where(Team.id == project.team_id))


def node_rows(project: Project) -> dict[str, ProjectNode]:
    """The project's stored nodes, by node value."""
    return {row.node.value: row for row in db.session.scalars(select(ProjectNode).where(
        ProjectNode.project_id == project.id))}


def fill_planned(project: Project, *, actor: User) -> int:
    """Give each node the project's district keeps on, and has no planned date, its default: signing + offset.

    Returns how many dates were filled. 开工/投产/达产 are filled on the project's columns, in their order.
    """
    rows = node_rows(project)
    filled = 0
    for step in district_steps(district_of(project)):
        if not step.enabled or step.offset_days is None:
            continue
        day = project.signed_on + timedelta(days=step.offset_days)
        if step.node.value in PROJECT_HELD:
            planned_column = HELD_COLUMNS[step.node.value][0]
            if getattr(project, planned_column) is None:
                setattr(project, planned_column, day)
                filled += 1
            continue
        row = rows.get(step.node.value)
        if row is None:
            row = ProjectNode(project_id=project.id, node=step.node)
            db.session.add(row)
        if row.planned_on is None:
            row.planned_on = day
            filled += 1
    db.session.flush()
    return filled


def save_node(project: Project, *, actor: User, node: PathNode, planned_on: date | None, actual_on: date | None,
              responsible_unit: str | None) -> ProjectNode:
    """Set a node's planned date, actual date and responsible unit (blank clears).

    开工/投产/达产: the planned date is the project's column; their actual dates are recorded as the project
    advances (项目进展), never here, so there is one copy of each.
    """
    if project.voided:
        raise Refused(_("项目已作废，不能再修改"))
    for day in (planned_on, actual_on):
        if day is not None and day < project.signed_on:
            raise Refused(_("日期不能早于签约日期（%(date)s）", date=project.signed_on.isoformat()))
    if actual_on is not None and actual_on > local_today():
        raise Refused(_("实际日期不能晚于今天"))
    unit = (responsible_unit or "").strip() or None
    row = node_rows(project).get(node.value) or ProjectNode(project_id=project.id, node=node)
    row.responsible_unit = unit
    if node.value in PROJECT_HELD:
        planned_column, actual_column = HELD_COLUMNS[node.value]
        if actual_on is not None and actual_on != getattr(project, actual_column):
            raise Refused(_("开工、投产、达产的实际日期请在“项目进展”中登记"))
        setattr(project, planned_column, planned_on)
        check_planned_order(project.planned_start_on, project.planned_production_on, project.planned_capacity_on)
    else:
        row.planned_on, row.actual_on = planned_on, actual_on
    db.session.add(row)
    db.session.flush()
    return row
