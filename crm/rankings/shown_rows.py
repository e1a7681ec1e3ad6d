"""The 亿元以上 ranking's rows as its page shows them: each row's link, amount, date and status label as text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import url_for

from ..domain.money import money_filter
from ..models import ProjectStatus


@dataclass(frozen=True, slots=True)
class ShownProject:
    """One row of the ranking page: its rank, its link, and its cells as text."""

    rank: int
    code: str
    href: str
    name: str
    amount: str
    investor: str
    team: str
    team_id: int  # whose: the city's 区县 column
    industry: str
    signed_on: str
    status: str


def shown_projects(rows: Iterable[Any], first_rank: int) -> list[ShownProject]:
    """The rows of yi_page() as the page shows them, ranked from `first_rank`."""
    statuses = {status: str(status.label) for status in ProjectStatus}  # translated once, not once a row
    # Unpacked in the order of ranking_statement's columns: a row's attributes cost a lookup each.
    return [ShownProject(rank, code, url_for("projects.detail", project_id=project_id), name, money_filter(total_yuan),
                         investor, team, team_id, industry or "—", signed_on.isoformat(), statuses[status])
            for rank, (project_id, code, name, total_yuan, industry, signed_on, status, team_id, investor, team)
            in enumerate(rows, start=first_rank)]
