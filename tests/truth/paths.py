"""The world's paths after signing, open issues, 督办 and the districts' 红黄绿 thresholds, on the rule's edges.

Planned dates fall on each side of every threshold as seen from the meeting days (MEETINGS): N days ahead and
N + 1, M days late and M + 1; issues raised K and K + 1 days before, closed before, on and after the day; one
district keeps the default thresholds, another sets its own and turns a node of its own and a project-held node off.
Drawn from a generator of their own, so every other record stays as it was.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from crm.models import (
    ColourRule,
    District,
    IssueStatus,
    PathNode,
    PathStep,
    Project,
    ProjectIssue,
    ProjectNode,
    Supervision,
    SupervisionStatus,
    User,
)

from .scopes import NOW, SHANGHAI

TODAY = NOW.date()
# The 调度会 days asked for, each with the last meeting's: today with a fortnight back, and the year's end.
MEETINGS = ((TODAY, TODAY - timedelta(days=14)), (date(2026, 12, 31), date(2026, 12, 1)))
OWN_NODES = (PathNode.REGISTERED, PathNode.FILED, PathNode.LAND, PathNode.PERMITS, PathNode.COMPLETED,
             PathNode.IN_STATISTICS, PathNode.ABOVE_SCALE)
# Days from a meeting day: both sides of N = 15 and 5, M = 30 and 10, and far either way.
OFFSETS = (-200, -31, -30, -29, -11, -10, -9, -1, 0, 1, 5, 6, 15, 16, 60)
OWN_RULE = {"soon_days": 5, "late_days": 10, "issue_days": 20}  # the second district's thresholds
TURNED_OFF = (PathNode.LAND, PathNode.PRODUCING)  # in the second district


def planned(rng: random.Random) -> date | None:
    if rng.random() < 0.1:
        return None
    return rng.choice(MEETINGS)[0] + timedelta(days=rng.choice(OFFSETS))


def reached(rng: random.Random, planned_on: date | None) -> date | None:
    """Mostly not reached; else on its plan, before a meeting or after one."""
    return rng.choice([None, None, None, planned_on, TODAY - timedelta(days=3), date(2026, 12, 20),
                       TODAY + timedelta(days=2)])


def add_paths(rng: random.Random, districts: list[District], projects: list[Project], issuers: dict[int, User],
              team_district: dict[int, int]) -> list[object]:
    """Nodes, issues and orders for the projects, and the second district's thresholds; the records to add."""
    records: list[object] = [ColourRule(district_id=districts[1].id, **OWN_RULE)]
    records += [PathStep(district_id=districts[1].id, node=node, enabled=False, position=position)
                for position, node in enumerate(TURNED_OFF)]
    for project in projects:
        for node in rng.sample(OWN_NODES, rng.randrange(4)):
            day = planned(rng)
            records.append(ProjectNode(project=project, node=node, planned_on=day, actual_on=reached(rng, day)))
        # 开工, 投产 and 达产 plan on the project itself; their actual dates are the project's as drawn
        project.planned_start_on = planned(rng) if rng.random() < 0.6 else None
        project.planned_production_on = planned(rng) if rng.random() < 0.4 else None
        project.planned_capacity_on = planned(rng) if rng.random() < 0.3 else None
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            records.append(issue(rng, project))
        if rng.random() < 0.3:
            records.append(order(rng, project, issuers[team_district[project.team_id]]))
    return records


def issue(rng: random.Random, project: Project) -> ProjectIssue:
    """An issue raised on either side of K days (30, or 20) before a meeting, open or closed around it."""
    meeting = rng.choice(MEETINGS)[0]
    raised = meeting - timedelta(days=rng.choice((5, 19, 20, 21, 29, 30, 31, 100, -2)))
    resolved = rng.choice([None, None, meeting - timedelta(days=1), meeting, meeting + timedelta(days=3)])
    resolved = resolved if resolved is None or resolved >= raised else None
    return ProjectIssue(project=project, raised_on=raised, description="用地指标待落实",
                        responsible_unit="区自然资源局", resolved_on=resolved,
                        status=IssueStatus.CLOSED if resolved else IssueStatus.ASSIGNED)


def order(rng: random.Random, project: Project, issuer: User) -> Supervision:
    """A 督办 due around a meeting day, issued before it (or the day after), open, sent back or closed."""
    meeting = rng.choice(MEETINGS)[0]
    issued = datetime.combine(meeting - timedelta(days=rng.choice((-1, 0, 1, 20))), time(9), SHANGHAI)
    status = rng.choice([SupervisionStatus.OPEN, SupervisionStatus.OPEN, SupervisionStatus.RETURNED,
                         SupervisionStatus.CLOSED])
    return Supervision(project=project, what="请协调落实用地", receiver_unit="区自然资源局", issuer=issuer,
                       issued_at=issued, deadline=meeting + timedelta(days=rng.choice((-5, -1, 0, 1, 10))),
                       status=status, closed_on=meeting if status is SupervisionStatus.CLOSED else None)
