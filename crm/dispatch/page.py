"""What the dispatch page shows: the meeting's list grouped by 首席服务官 or by responsible unit, in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..models import PathNode, User
from ..path.page import reason
from ..reports.dispatch import LateProject, Meeting, meeting
from ..web.i18n import gettext as _


@dataclass(frozen=True)
class Group:
    title: str
    projects: list[LateProject]


def grouped(projects: list[LateProject], by: str) -> list[Group]:
    """Groups in the order their first project comes (reds first); the unnamed last."""
    nobody = _("未指定责任单位") if by == "unit" else _("未指定首席服务官")
    groups: dict[str, list[LateProject]] = {}
    for project in projects:
        groups.setdefault((project.unit if by == "unit" else project.chief) or nobody, []).append(project)
    return sorted((Group(title, members) for title, members in groups.items()), key=lambda g: g.title == nobody)


def dispatch_page(day: date, since: date, by: str, district_id: int | None, leader: User | None) -> dict:
    board: Meeting = meeting(day, since, district_id=district_id, leader_id=leader.id if leader else None)
    return {"meeting": board, "groups": grouped(board.projects, by),
            "reasons": {p.id: reason(p.cause, day) for p in board.projects},
            "node_labels": {node.value: str(node.label) for node in PathNode}}
