"""红黄绿 and the 调度会 as the rules define them, read in plain SQL written here and folded in plain Python.

The rule, from its own words: on a day T, a node reached (an actual date) or without a planned date is green; one
planned more than M days before T is red; one planned from M days before T to N days after it is yellow. A project
is red too with an issue open on T (raised by T, not closed by T) raised more than K days before T. Its colour is
its worst; a node its district turned off counts for nothing; voided and terminated projects have none. N, M, K
are the district's, else 15, 30, 30. The boards count the counted projects (verified, not voided).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from .counts import rows
from .scopes import SHANGHAI, Scope

RED, YELLOW, GREEN = "red", "yellow", "green"
WORST = (GREEN, YELLOW, RED)  # by severity
DEFAULT = (15, 30, 30)  # N, M, K
HELD = (("started", "planned_start_on", "started_on"), ("producing", "planned_production_on", "production_on"),
        ("capacity", "planned_capacity_on", "capacity_on"))


@dataclass(frozen=True)
class Coloured:
    """A project as the rule sees it."""

    id: int
    code: str
    team_id: int
    district_id: int
    counted: bool
    colour: str


def node_colour(planned: date | None, actual: date | None, day: date, soon: int, late: int) -> str:
    if actual is not None or planned is None:
        return GREEN
    if planned < day - timedelta(days=late):
        return RED
    return YELLOW if planned <= day + timedelta(days=soon) else GREEN


def colours_on(day: date) -> list[Coloured]:
    """Every project that has a colour on the day."""
    rules = {d: (n, m, k)
             for d, n, m, k in rows("SELECT district_id, soon_days, late_days, issue_days FROM colour_rule")}
    off = {(d, node) for d, node in rows("SELECT district_id, node FROM path_step WHERE NOT enabled")}
    nodes: dict[int, list[tuple[str, Any, Any]]] = {}
    for project_id, node, planned, actual in rows("SELECT project_id, node, planned_on, actual_on FROM project_node"
                                                  " WHERE node NOT IN ('started', 'producing', 'capacity')"):
        nodes.setdefault(project_id, []).append((node, planned, actual))
    issues: dict[int, list[tuple[Any, Any]]] = {}
    for project_id, raised, resolved in rows("SELECT project_id, raised_on, resolved_on FROM project_issue"):
        issues.setdefault(project_id, []).append((raised, resolved))
    held = ", ".join(f"p.{planned}, p.{actual}" for _node, planned, actual in HELD)
    found = []
    for pid, code, team_id, district, verified, voided, status, *dates in rows(
            f"SELECT p.id, p.code, p.team_id, t.district_id, p.verified, p.voided, p.status, {held}"
            " FROM project p JOIN team t ON t.id = p.team_id"):
        if voided or status == "terminated":
            continue
        soon, late, old = rules.get(district, DEFAULT)
        own = nodes.get(pid, []) + [(node, dates[2 * i], dates[2 * i + 1]) for i, (node, _p, _a) in enumerate(HELD)]
        colours = [node_colour(as_day(p), as_day(a), day, soon, late)
                   for node, p, a in own if (district, node) not in off]
        if any(as_day(raised) <= day and (resolved is None or as_day(resolved) > day)
               and as_day(raised) < day - timedelta(days=old) for raised, resolved in issues.get(pid, [])):
            colours.append(RED)
        colour = max(colours, key=WORST.index, default=GREEN)
        found.append(Coloured(pid, code, team_id, district, bool(verified), colour))
    return found


def as_day(value: Any) -> date | None:
    """A DATE column as SQLite (text) or PostgreSQL (date) gives it."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def in_scope(projects: list[Coloured], scope: Scope) -> list[Coloured]:
    if scope.team_id is not None:
        return [p for p in projects if p.team_id == scope.team_id]
    return [p for p in projects if scope.district_id is None or p.district_id == scope.district_id]


def counts(projects: list[Coloured], scope: Scope) -> dict[str, int]:
    """The board's counts: counted projects of the scope by colour."""
    mine = [p for p in in_scope(projects, scope) if p.counted]
    return {colour: sum(1 for p in mine if p.colour == colour) for colour in (RED, YELLOW, GREEN)}


@dataclass(frozen=True)
class Meeting:
    """A 调度会 list as the rules give it: codes red and yellow, newly red, open orders, reached, arrived."""

    red: list[str]
    yellow: list[str]
    newly_red: list[str]
    orders: list[tuple[str, bool]]  # (project code, overdue), overdue first, then by deadline
    reached: int
    arrived_yuan: int


def meeting(day: date, since: date, district_id: int) -> Meeting:
    now = [p for p in in_scope(colours_on(day), Scope(district_id=district_id)) if p.counted]
    before = {p.id: p.colour for p in colours_on(since)}
    red = sorted(p.code for p in now if p.colour == RED)
    yellow = sorted(p.code for p in now if p.colour == YELLOW)
    newly = sorted(p.code for p in now if p.colour == RED and before.get(p.id) != RED)
    issued_by = datetime.combine(day + timedelta(days=1), time(0), SHANGHAI)
    orders = [(code, as_day(deadline) < day) for code, deadline, _id in sorted(rows(
        "SELECT p.code, s.deadline, s.id FROM supervision s JOIN project p ON p.id = s.project_id"
        " JOIN team t ON t.id = p.team_id WHERE s.status <> 'closed' AND s.issued_at < :issued_by"
        " AND t.district_id = :district", issued_by=issued_by, district=district_id),
        key=lambda row: (not as_day(row[1]) < day, as_day(row[1]), row[2]))]
    window = {"start": since + timedelta(days=1), "end": day, "district": district_id}
    counted = "p.verified AND NOT p.voided AND p.team_id IN (SELECT id FROM team WHERE district_id = :district)"
    held = " UNION ALL ".join(f"SELECT p.id, p.{actual} FROM project p WHERE {counted}" for _n, _p, actual in HELD)
    reached = rows("SELECT COUNT(*) FROM (SELECT n.project_id AS project_id, n.actual_on AS actual_on"
                   " FROM project_node n JOIN project p ON p.id = n.project_id"
                   f" WHERE n.node NOT IN ('started', 'producing', 'capacity') AND {counted} UNION ALL {held}) d"
                   " WHERE d.actual_on BETWEEN :start AND :end", **window)[0][0]
    arrived = rows("SELECT SUM(f.amount_yuan) FROM funds_tranche f JOIN project p ON p.id = f.project_id"
                   f" WHERE f.verified AND {counted} AND f.received_on BETWEEN :start AND :end", **window)[0][0]
    return Meeting(red, yellow, newly, orders, int(reached or 0), int(arrived or 0))


def order_counts(day: date, district_id: int) -> dict[str, int]:
    """The 督办台账's counts: orders open (not closed), overdue (open past the deadline), returned and closed."""
    found = rows("SELECT SUM(CASE WHEN s.status <> 'closed' THEN 1 ELSE 0 END),"
                 " SUM(CASE WHEN s.status <> 'closed' AND s.deadline < :day THEN 1 ELSE 0 END),"
                 " SUM(CASE WHEN s.status = 'returned' THEN 1 ELSE 0 END),"
                 " SUM(CASE WHEN s.status = 'closed' THEN 1 ELSE 0 END), COUNT(*)"
                 " FROM supervision s JOIN project p ON p.id = s.project_id JOIN team t ON t.id = p.team_id"
                 " WHERE t.district_id = :district", day=day, district=district_id)[0]
    return dict(zip(("open", "overdue", "returned", "closed", "rows"), (int(n or 0) for n in found), strict=True))
