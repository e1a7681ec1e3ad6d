"""The demo's money in place (到资): most projects under way hold 30–90 % of their amount, a few nothing yet.

Drawn from a generator of its own, after everything else, so that every other figure of the demo stays as the
district report gives it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..models import FundKind, FundSource, FundsTranche, Project, ProjectStatus, User
from .dates import moment

SOURCES = (FundSource.OUT_OF_PROVINCE, FundSource.OUT_OF_PROVINCE, FundSource.IN_PROVINCE, FundSource.IN_CITY)
WAN = 10_000


def share_in_place(rng: random.Random, project: Project) -> float:
    """The share of its amount a project has received: under way 30–90 %, signed and waiting 0–20 %, or none."""
    if project.status in (ProjectStatus.STARTED, ProjectStatus.PRODUCING, ProjectStatus.AT_CAPACITY):
        return 0.0 if rng.random() < 0.08 else rng.uniform(0.3, 0.9)
    if project.status is ProjectStatus.SIGNED:
        return rng.uniform(0.0, 0.2) if rng.random() < 0.4 else 0.0
    return 0.0


def add_tranches(rng: random.Random, projects: list[Project], end: date, office: User) -> None:
    """Give the projects their tranches, 1 to 5 each, dated from the signing (or the start) to the demo's today;
    the office has verified all but the last fortnight's."""
    for project in projects:
        share = share_in_place(rng, project)
        if project.voided or share == 0.0:
            continue
        total = int(project.total_investment_yuan * share) // WAN * WAN
        first = project.started_on or project.signed_on
        if total <= 0 or first > end:
            continue
        count = rng.randint(1, 5)
        cuts = sorted(rng.sample(range(1, 100), count - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        span = (end - first).days
        for part in parts:
            amount = total * part // 100 // WAN * WAN
            if amount <= 0:
                continue
            day = first + timedelta(days=rng.randint(0, span))
            verified = (end - day).days > 14 or rng.random() < 0.3
            project.tranches.append(FundsTranche(
                received_on=day, amount_yuan=amount, source=rng.choice(SOURCES),
                kind=FundKind.FIXED_ASSET if rng.random() < 0.7 else FundKind.WORKING, verified=verified,
                verified_at=moment(day + timedelta(days=7)) if verified else None,
                verified_by_id=office.id if verified else None, created_at=moment(day)))
