"""The demo's paths after signing: each project's nodes planned from its signing and reached as its course went.

Drawn from a generator of its own, after everything else, so the district report's figures stay as they are.
Projects not yet started have their early nodes late or pending, so the district shows red and yellow projects.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..extensions import db
from ..models import PathNode, Project, ProjectNode, ProjectStatus

UNITS = {PathNode.REGISTERED: "区市场监管局", PathNode.FILED: "区发改局", PathNode.LAND: "区自然资源和规划分局",
         PathNode.PERMITS: "区住建局", PathNode.STARTED: "十堰工业新区管委会", PathNode.COMPLETED: "区住建局",
         PathNode.PRODUCING: "区经信局", PathNode.CAPACITY: "区经信局", PathNode.IN_STATISTICS: "区统计局",
         PathNode.ABOVE_SCALE: "区统计局"}
BEFORE_START = (PathNode.REGISTERED, PathNode.FILED, PathNode.LAND, PathNode.PERMITS)


def reached(rng: random.Random, planned: date, end: date, chance: float, early: int = 10,
            late: int = 40) -> date | None:
    """The day a node was reached near its planned date, or None when it has not been (or would be after end)."""
    if rng.random() >= chance:
        return None
    day = planned + timedelta(days=rng.randint(-early, late))
    return day if day <= end else None


def build_path(rng: random.Random, projects: list[Project], end: date) -> None:
    """Give every project not terminated its nodes: planned, reached where its course says, a unit each."""
    for project in projects:
        if project.status is ProjectStatus.TERMINATED or project.voided:
            continue
        signed, started = project.signed_on, project.started_on
        start_plan = project.planned_start_on or signed + timedelta(days=90)
        nodes: dict[PathNode, tuple[date | None, date | None]] = {}
        last = signed  # each procedure is done after the one before it
        for i, node in enumerate(BEFORE_START):  # 注册, 立项备案, 供地, 许可: spread before the planned start
            planned = signed + (start_plan - signed) * (i + 1) // (len(BEFORE_START) + 1)
            if started is not None:
                actual = min(max(planned + timedelta(days=rng.randint(-5, 10)), last), started)
            else:
                actual = reached(rng, planned, end, 0.9 - 0.1 * i)
                actual = max(actual, last) if actual is not None else None
            last = actual or last
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
        for node, (planned, actual) in nodes.items():
            db.session.add(ProjectNode(project=project, node=node, planned_on=planned, actual_on=actual,
                                       responsible_unit=UNITS[node]))
        for node in (PathNode.STARTED, PathNode.PRODUCING, PathNode.CAPACITY):  # their dates are the project's
            db.session.add(ProjectNode(project=project, node=node, responsible_unit=UNITS[node]))
