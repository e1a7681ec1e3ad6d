"""The province demo's project scheduling (项目调度), in bulk rows: money in place (到资), paths after signing, 督办.

Read from the projects load_province inserted and drawn from a generator of its own, so every figure the province
demo gave before stays as it was (到资 apart, which it had none of). Under way, most projects hold 30–90 % of their
amount in one to five tranches, verified but for some of the last fortnight's. Each project's nodes are planned
from its signing and reached as its course went; a pending node is planned past the coming fortnight (the office
re-planned it), except at the few projects that lag at one node: red when more than a month late, yellow when
less or due within the fortnight. Their leaders issue 督办 orders (and a few on projects on time), which stand
open, answered, sent back, closed, or past their deadline. Nothing is dated after the demo's today.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, select

from ..models import (
    FundKind,
    FundsTranche,
    PathNode,
    Project,
    ProjectNode,
    Supervision,
    SupervisionAnswer,
    SupervisionStatus,
)
from .dates import moment
from .funds import SOURCES, WAN, share_in_place
from .names import ISSUES, RESPONSIBLE_UNITS
from .path import BEFORE_START, UNITS
from .supervision import ANSWERS, RETURN_NOTES

if TYPE_CHECKING:
    from .province import Bulk

NUMBERED = (Supervision,)  # tables given ids here, whose sequences load_province moves on
LAGGING = 0.03  # the share of projects lagging at a node: the 调度会's red and yellow
ORDERED = 0.6  # of the lagging projects, those their leader issued a 督办 for
ORDERED_ON_TIME = 0.005  # of the others
MONEY_AFTER_DAYS = 30  # the first money comes a month or more after the start (or the signing)
VERIFIED_AFTER_DAYS = 30  # the office verifies a month's tranches by the next month
STEP_DAYS = 18  # 注册, 立项备案, 供地 and 许可 are planned this many days apart from the signing
SOON_DAYS = 15  # the default 红黄绿 thresholds (crm/reports/colours.py): due within N days is yellow


def add_dispatch(bulk: Bulk, rng: random.Random) -> None:
    """Add the tranches, the nodes and the orders of the projects already inserted."""
    projects = bulk.conn.execute(
        select(Project.id, Project.team_id, Project.signed_on, Project.started_on, Project.production_on,
               Project.total_investment_yuan, Project.status).order_by(Project.id)).all()
    bulk.insert(FundsTranche.__table__, tranche_rows(bulk, rng, projects), counted=False)
    lagging: list[tuple[Row[Any], PathNode]] = []
    bulk.insert(ProjectNode.__table__, node_rows(bulk, rng, projects, lagging), counted=False)
    orders: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    late = {project.id for project, _node in lagging}
    chosen = [(project, node) for project, node in lagging if rng.random() < ORDERED]
    chosen += [(project, rng.choice(BEFORE_START)) for project in projects
               if project.id not in late and rng.random() < ORDERED_ON_TIME]
    for number, (project, node) in enumerate(chosen, start=1):
        orders.append(order_row(bulk, rng, number, project, node, answers))
    bulk.insert(Supervision.__table__, orders, counted=False)
    bulk.insert(SupervisionAnswer.__table__, answers, counted=False)


def tranche_rows(bulk: Bulk, rng: random.Random, projects: list[Row[Any]]) -> Iterator[dict[str, Any]]:
    """Yield each project's tranches: its share in place split by random weights, dated from its start (or
    signing) to today; verified by the office unless the last fortnight's, most of which still wait."""
    for project in projects:
        share = share_in_place(rng, project)
        first = (project.started_on or project.signed_on) + timedelta(days=MONEY_AFTER_DAYS)
        whole = int(project.total_investment_yuan * share)
        if whole < WAN or first > bulk.end:
            continue
        weights = [0.25 + rng.random() for _ in range(rng.randint(1, 5))]
        for weight in weights:
            amount = int(whole * weight / sum(weights)) // WAN * WAN
            day = first + timedelta(days=rng.randint(0, (bulk.end - first).days))
            verified = (bulk.end - day).days > VERIFIED_AFTER_DAYS or rng.random() < 0.2
            if amount > 0:
                yield {"project_id": project.id, "received_on": day, "amount_yuan": amount, "currency": "CNY",
                       "source": rng.choice(SOURCES),
                       "kind": FundKind.FIXED_ASSET if rng.random() < 0.7 else FundKind.WORKING,
                       "verified": verified, "verified_at": moment(day + timedelta(days=7)) if verified else None,
                       "verified_by_id": 1 if verified else None, "created_at": moment(day, 15),
                       "created_by_id": bulk.crews[project.team_id - 1][0]}


def course(rng: random.Random, project: Row[Any]) -> list[tuple[PathNode, date, date | None]]:
    """(node, planned, done) of the nodes that keep their own dates, as the project's course had them happen."""
    signed, started, produced = project.signed_on, project.started_on, project.production_on
    steps, last = [], signed
    for i, node in enumerate(BEFORE_START):  # one procedure after another, all before the start
        planned = signed + timedelta(days=STEP_DAYS * (i + 1))
        done = max(planned + timedelta(days=rng.randint(-12, 8)), last)
        last = min(done, started) if started else done
        steps.append((node, planned, last))
    start = started or signed + timedelta(days=5 * STEP_DAYS)
    production = produced or start + timedelta(days=300)
    return [*steps,
            (PathNode.COMPLETED, production - timedelta(days=45),
             produced and max(produced - timedelta(days=rng.randint(15, 45)), started)),
            (PathNode.IN_STATISTICS, start + timedelta(days=75),
             started and started + timedelta(days=rng.randint(20, 90))),
            (PathNode.ABOVE_SCALE, production + timedelta(days=365),
             produced and produced + timedelta(days=rng.randint(300, 420)))]


def node_rows(bulk: Bulk, rng: random.Random, projects: list[Row[Any]],
              lagging: list[tuple[Row[Any], PathNode]]) -> Iterator[dict[str, Any]]:
    """Yield every project's nodes; note in `lagging` each project left late at a node, and the node."""
    end = bulk.end
    for project in projects:
        steps = course(rng, project)
        if project.started_on is None:  # waiting to start: its procedures done but perhaps the last few
            undone = rng.randint(0, len(BEFORE_START) + 3)
            steps = [(node, planned, None if i >= undone else done) for i, (node, planned, done) in enumerate(steps)]
        pending = [i for i, (_node, _planned, done) in enumerate(steps) if done is None or done > end]
        lags = bool(pending) and rng.random() < LAGGING
        late_by = rng.randint(-SOON_DAYS, 120)  # days past its planned date: yellow up to 30, red beyond
        for i, (node, planned, done) in enumerate(steps):
            if i in pending:
                done = None
                if lags and i == pending[0]:
                    planned = end - timedelta(days=late_by)
                    lagging.append((project, node))
                elif planned <= end + timedelta(days=SOON_DAYS):
                    planned = end + timedelta(days=rng.randint(SOON_DAYS + 1, 150))
            yield {"project_id": project.id, "node": node, "planned_on": planned, "actual_on": done,
                   "responsible_unit": UNITS[node]}
        for node in (PathNode.STARTED, PathNode.PRODUCING, PathNode.CAPACITY):  # their dates are the project's
            yield {"project_id": project.id, "node": node, "planned_on": None, "actual_on": None,
                   "responsible_unit": UNITS[node]}


def order_row(bulk: Bulk, rng: random.Random, number: int, project: Row[Any], node: PathNode,
              answers: list[dict[str, Any]]) -> dict[str, Any]:
    """One order of the team's heading leader on a project, to the unit of a node (mostly), issued in the last
    three months; its answer, if any, goes to `answers`."""
    end, crew = bulk.end, bulk.crews[project.team_id - 1]
    issued = max(end - timedelta(days=rng.randint(0, 90)), project.signed_on)
    row = {"id": number, "project_id": project.id, "issue_id": None, "what": f"请协调解决：{rng.choice(ISSUES)}",
           "receiver_unit": UNITS[node] if rng.random() < 0.8 else rng.choice(RESPONSIBLE_UNITS),
           "receiver_id": None, "deadline": issued + timedelta(days=rng.randint(10, 45)),
           "issuer_id": 1 + project.team_id, "issued_at": moment(issued, 9), "status": SupervisionStatus.OPEN,
           "return_note": None, "closed_on": None}
    answered = issued + timedelta(days=rng.randint(2, 15))
    if answered > end or rng.random() < 0.25:
        return row  # not answered yet: open, and overdue once its deadline has passed
    answers.append({"supervision_id": number, "text": rng.choice(ANSWERS), "answered_by_id": crew[0],
                    "answered_at": moment(answered, 10)})
    closed, roll = answered + timedelta(days=rng.randint(1, 7)), rng.random()
    if roll < 0.5 and closed <= end:
        row.update(status=SupervisionStatus.CLOSED, closed_on=closed)
    elif roll < 0.65:
        row.update(status=SupervisionStatus.RETURNED, return_note=rng.choice(RETURN_NOTES))
    return row
