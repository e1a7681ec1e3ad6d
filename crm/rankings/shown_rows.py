"""The 亿元以上 ranking's rows as its page shows them, formatted in one pass before the template writes them.

A page of 50 rows would otherwise build 50 links with url_for, format 50 amounts and dates through filters and
translate 50 status labels, each inside the template; here each is done once per page or in plain Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import url_for

from ..domain.money import money_filter
from ..models import ProjectStatus

SENTINEL = 987_654_321  # an id no route's URL holds otherwise: where it lands, each row's id goes


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
    industry: str
    signed_on: str
    status: str


def id_links(endpoint: str, key: str) -> Callable[[int], str]:
    """url_for(endpoint, key=id) for many ids at the cost of one (werkzeug builds each URL from its rule)."""
    head, _, tail = url_for(endpoint, **{key: SENTINEL}).partition(str(SENTINEL))
    return lambda record_id: f"{head}{record_id}{tail}"


def shown_projects(rows: Iterable[Any], first_rank: int) -> list[ShownProject]:
    """The rows of yi_page() as the page shows them, ranked from `first_rank`."""
    link = id_links("projects.detail", "project_id")
    statuses = {status: str(status.label) for status in ProjectStatus}  # translated once, not once a row
    # Unpacked in the order of ranking_statement's columns: a row's attributes cost a lookup each.
    return [ShownProject(rank, code, link(project_id), name, money_filter(total_yuan), investor, team,
                         industry or "—", signed_on.isoformat(), statuses[status])
            for rank, (project_id, code, name, total_yuan, industry, signed_on, status, _team_id, investor, team)
            in enumerate(rows, start=first_rank)]
