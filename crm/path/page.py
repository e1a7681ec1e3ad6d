"""What the project page shows of the path: each node the district keeps on, its dates, unit and colour; the
project's colour and the one line that says why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..models import PathNode, Project, ProjectStatus
from ..reports.colours import ISSUE, Colour, NodeState, project_nodes, worst
from ..web.i18n import gettext as _
from .services import HELD_COLUMNS, district_of, district_steps, node_rows


@dataclass(frozen=True)
class ShownNode:
    node: PathNode
    planned_on: date | None
    actual_on: date | None
    unit: str | None
    colour: Colour
    days_from_signing: int | None  # the actual date's days after signing (26 / 180 / 300 for the flagship)


@dataclass(frozen=True)
class PathPanel:
    nodes: list[ShownNode]
    colour: Colour | None  # None: voided or terminated, no colour
    reason: str

    @property
    def labels(self) -> dict[str, str]:
        """Every node's name by its value (a 代办事项 shows the node it serves)."""
        return {node.value: str(node.label) for node in PathNode}


def reason(state: NodeState | None, today: date) -> str:
    """The one line that says why the project has its colour."""
    if state is None:
        return _("各节点按计划推进")
    planned = state.planned_on.isoformat() if state.planned_on else ""
    if state.node == ISSUE:
        return _("问题诉求未销号已%(days)s天（%(date)s提出）", days=(today - state.planned_on).days, date=planned)
    label = PathNode(state.node).label
    if state.planned_on is not None and state.planned_on < today:
        return _("%(node)s逾期%(days)s天（计划%(date)s）", node=label, days=(today - state.planned_on).days,
                 date=planned)
    return _("%(node)s还有%(days)s天到期（计划%(date)s）", node=label, days=(state.planned_on - today).days,
             date=planned)


def path_panel(project: Project, today: date) -> PathPanel:
    """The path as the rule reads it, in the district's order."""
    states = project_nodes(project.id, today)
    by_node = {state.node: state for state in states}
    rows = node_rows(project)
    shown = []
    for step in district_steps(district_of(project)):
        if not step.enabled:
            continue
        value = step.node.value
        state = by_node.get(value)
        if value in HELD_COLUMNS:
            planned, actual = (getattr(project, column) for column in HELD_COLUMNS[value])
        else:
            row = rows.get(value)
            planned, actual = (row.planned_on, row.actual_on) if row is not None else (None, None)
        unit = rows[value].responsible_unit if value in rows else None
        shown.append(ShownNode(step.node, planned, actual, unit, state.colour if state else Colour.GREEN,
                               (actual - project.signed_on).days if actual else None))
    if project.voided or project.status is ProjectStatus.TERMINATED:
        return PathPanel(shown, None, "")
    cause = worst(states)
    return PathPanel(shown, cause.colour if cause else Colour.GREEN, reason(cause, today))
