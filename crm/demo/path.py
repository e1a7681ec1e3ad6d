"""The demo's paths after signing: each project's nodes planned from its signing and reached as its course went.

Drawn from a generator of its own, after everything else, so the district report's figures stay as they are.
A project does its procedures (注册, 立项备案, 供地, 许可) one after another before it starts, and an older project has
done them; its later nodes are reached as its status says. A node still waiting six weeks after its planned date
has been re-planned at a 调度会, as a real office does: the meeting moved the project's waiting nodes back together,
to weeks or months after it; and the office has settled (销号) the issues raised in earlier years. So the district's
调度会 sees a few red projects, late by weeks or months (a new date missed again, a node just overdue, an issue open
for months), some yellow ones, and the rest green.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ..extensions import db
from ..models import IssueStatus, PathNode, Project, ProjectNode, ProjectStatus
from .dates import random_day

UNITS = {PathNode.REGISTERED: "区市场监管局", PathNode.FILED: "区发改局", PathNode.LAND: "区自然资源和规划分局",
         PathNode.PERMITS: "区住建局", PathNode.STARTED: "十堰工业新区管委会", PathNode.COMPLETED: "区住建局",
         PathNode.PRODUCING: "区经信局", PathNode.CAPACITY: "区经信局", PathNode.IN_STATISTICS: "区统计局",
         PathNode.ABOVE_SCALE: "区统计局"}
BEFORE_START = (PathNode.REGISTERED, PathNode.FILED, PathNode.LAND, PathNode.PERMITS)
# 开工, 投产 and 达产: their planned and actual dates are the project's own columns
HELD = {PathNode.STARTED: ("planned_start_on", "started_on"),
        PathNode.PRODUCING: ("planned_production_on", "production_on"),
        PathNode.CAPACITY: ("planned_capacity_on", "capacity_on")}
SETTLED = 180  # days: a procedure planned this long ago has been done, bar a few
REPLAN_AFTER = 45  # days a node waits past its planned date before a 调度会 re-plans it
MEETINGS = 90  # days: the re-planning meeting was within this many days before the demo's today
SLIP = (20, 180)  # days from that meeting to the first waiting node's new date

Dates = dict[PathNode, tuple[date | None, date | None]]  # node → (planned, actual)


@dataclass(frozen=True)
class Replan:
    """A 调度会 that moved a project's waiting nodes back: the first of them and its new planned date."""

    project: Project
    node: PathNode
    unit: str  # responsible for the node
    met_on: date
    planned_on: date


def reached(rng: random.Random, planned: date, end: date, chance: float, early: int = 10,
            late: int = 40) -> date | None:
    """The day a node was reached near its planned date, or None when it has not been (or would be after end)."""
    if rng.random() >= chance:
        return None
    day = planned + timedelta(days=rng.randint(-early, late))
    return day if day <= end else None


def build_path(rng: random.Random, projects: list[Project], end: date,
               units: dict[PathNode, str] = UNITS) -> list[Replan]:
    """Give every project not terminated its nodes: planned, reached where its course says, a unit each (of `units`),
    the long-waiting ones re-planned; return the re-plans."""
    replans = []
    for project in projects:
        if project.status is ProjectStatus.TERMINATED or project.voided:
            continue
        nodes = planned_and_reached(rng, project, end)
        replan = replanned(rng, project, nodes, end)
        if replan is not None:
            replans.append(Replan(project, replan[0], units[replan[0]], *replan[1:]))
        for node, (planned, actual) in nodes.items():
            db.session.add(ProjectNode(project=project, node=node, planned_on=planned, actual_on=actual,
                                       responsible_unit=units[node]))
        for node in HELD:  # the row holds the unit only
            db.session.add(ProjectNode(project=project, node=node, responsible_unit=units[node]))
    return replans


def planned_and_reached(rng: random.Random, project: Project, end: date) -> Dates:
    """The nodes the path keeps itself, planned from the signing and the project's plans, reached as it went."""
    signed, started = project.signed_on, project.started_on
    start_plan = project.planned_start_on or signed + timedelta(days=90)
    nodes: Dates = {}
    last: date | None = signed  # each procedure is done after the one before it; None once one is not done
    for i, node in enumerate(BEFORE_START):  # 注册, 立项备案, 供地, 许可: spread before the planned start
        planned = signed + (start_plan - signed) * (i + 1) // (len(BEFORE_START) + 1)
        if started is not None:
            actual = min(max(planned + timedelta(days=rng.randint(-5, 10)), last or signed), started)
        elif last is None:
            actual = None
        else:
            settled = (end - planned).days > SETTLED
            actual = reached(rng, planned, end, 0.97 if settled else 0.9 - 0.1 * i, late=25)
            actual = max(actual, last) if actual is not None else None
        last = actual
        nodes[node] = (planned, actual)
    production_plan = project.planned_production_on or start_plan + timedelta(days=300)
    completed_plan = production_plan - timedelta(days=45)
    completed = (min(project.production_on - timedelta(days=rng.randint(15, 45)), end)
                 if project.production_on else None)
    nodes[PathNode.COMPLETED] = (completed_plan, max(completed, started) if completed and started else None)
    statistics_plan = start_plan + timedelta(days=75)
    nodes[PathNode.IN_STATISTICS] = (statistics_plan, started and reached(
        rng, max(statistics_plan - timedelta(days=30), started + timedelta(days=20)), end, 0.95, 0, 20))
    scale_plan = production_plan + timedelta(days=365)
    nodes[PathNode.ABOVE_SCALE] = (scale_plan, project.production_on and reached(rng, scale_plan, end, 0.85))
    return nodes


def replanned(rng: random.Random, project: Project, nodes: Dates,
              end: date) -> tuple[PathNode, date, date] | None:
    """Move the project's waiting nodes back together when the first has waited REPLAN_AFTER days past its plan:
    to SLIP days after a 调度会 held since then (a date that may have passed again); 开工, 投产 and 达产 on the
    project. Return the first node, the meeting's day and the node's new date; None when nothing waits that long."""
    held = {node: (getattr(project, planned), getattr(project, actual)) for node, (planned, actual) in HELD.items()}
    waiting = {node: planned for node, (planned, actual) in (nodes | held).items()
               if planned is not None and actual is None}
    if not waiting:
        return None
    first = min(waiting, key=lambda node: waiting[node])
    overdue = (end - waiting[first]).days
    if overdue <= REPLAN_AFTER:
        return None
    met = end - timedelta(days=rng.randint(0, min(MEETINGS, overdue - REPLAN_AFTER)))
    slip = met + timedelta(days=rng.randint(*SLIP)) - waiting[first]
    for node, planned in waiting.items():
        if node in HELD:
            setattr(project, HELD[node][0], planned + slip)
        else:
            nodes[node] = (planned + slip, None)
    return first, met, waiting[first] + slip


def settle_old_issues(rng: random.Random, projects: list[Project], start: date, end: date) -> None:
    """销号 this year every issue raised before it and still open: no 调度会 carries a problem for years.

    Issues of this year stay as they are (their 督办 orders are built from them)."""
    for project in projects:
        for issue in project.issues:
            if issue.status is not IssueStatus.CLOSED and issue.raised_on < start:
                taken_up = min(issue.raised_on + timedelta(days=rng.randint(1, 10)), start)
                issue.handling_on = issue.handling_on or taken_up
                issue.status, issue.resolved_on = IssueStatus.CLOSED, random_day(rng, start, end)
