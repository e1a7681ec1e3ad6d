"""The year before the demo's: a smaller year of trips and visits, in every month, so that 同比 has a base.

The teams went out 150 times (this year 192) and called on fewer enterprises: most investors of that year's
signings before they signed, a few of this year's enterprises first met in its last months, and enterprises
courted that year that signed nothing; and a few problems its investors raised in its last months, open at its
end and settled since. It draws from a generator of its own: this year's figures stay the report's.
"""

from __future__ import annotations

import calendar
import copy
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..extensions import db
from ..models import Enterprise, IssueStatus, Project, ProjectIssue, Team, Visit, VisitKind
from .cast import District, new_enterprise
from .dates import random_day
from .fieldwork import ON_TRIP_KINDS, new_trip, new_visit, split
from .names import ISSUES, RESPONSIBLE_UNITS

TRIPS = 150
INVESTORS_VISITED = 0.8  # the share of last year's investors the teams called on that year; the rest came to them
LOST_PER_TEAM = (1, 2)  # enterprises courted last year that signed nothing
MET_FROM_MONTH = 9  # this year's enterprises first met last year were met from September on
ISSUES_OPEN_AT_YEAR_END = 4


@dataclass
class LastYear:
    """What the year before left: its visits, each enterprise's first visit then, and whom the teams met."""

    visits: list[Visit] = field(default_factory=list)
    first_visit: dict[Enterprise, date] = field(default_factory=dict)
    met_early: list[Enterprise] = field(default_factory=list)  # this year's courted enterprises first met last year
    lost: list[Enterprise] = field(default_factory=list)  # courted last year, signed nothing


def build_last_year(district: District, rng: random.Random, projects: list[Project]) -> LastYear:
    """Add last year's trips and visits, in every month; return what the leads are made from."""
    year = copy.copy(district)  # the same people, names and teams, another year and generator
    year.rng, year.year, year.end, year.first_visit = rng, district.year - 1, date(district.year - 1, 12, 31), {}
    signed = {p.enterprise: p.signed_on for p in sorted(projects, key=lambda p: p.code or "")
              if p.signed_on.year == year.year}
    made = LastYear()
    trip_counts = split(rng, TRIPS, len(year.teams), 11, 19)
    for team, trip_count in zip(year.teams, trip_counts, strict=True):
        investors = [e for e in signed if year.home_team[e] is team]
        courted = [e for e in district.first_visit if year.home_team[e] is team and e not in signed]
        met_early = rng.sample(courted, min(1, len(courted)))
        made.met_early += met_early
        lost = [new_enterprise(year, team) for _ in range(rng.randint(*LOST_PER_TEAM))]
        made.lost += lost
        # (enterprise, first day it may be visited, last day its first visit may be)
        targets = [(e, year.start, signed[e]) for e in rng.sample(investors, round(INVESTORS_VISITED * len(investors)))]
        targets += [(e, date(year.year, MET_FROM_MONTH, 1), year.end) for e in met_early]
        targets += [(e, year.start, year.end) for e in lost]
        made.visits += team_year(year, team, trip_count, targets)
    for visit in made.visits:
        first = made.first_visit.get(visit.enterprise)
        made.first_visit[visit.enterprise] = min(first, visit.visited_on) if first else visit.visited_on
    db.session.add_all(made.visits)
    raise_issues(year, sorted((p for p in projects if p.signed_on.year == year.year), key=lambda p: p.code or ""),
                 district.end)
    return made


def raise_issues(year: District, projects: list[Project], today: date) -> None:
    """Problems investors raised last year that were still open at its end, all settled since (销号 this year)."""
    rng = year.rng
    for project in rng.sample(projects, min(ISSUES_OPEN_AT_YEAR_END, len(projects))):
        raised = random_day(rng, max(project.signed_on, date(year.year, 9, 1)), year.end)
        project.issues.append(ProjectIssue(
            raised_on=raised, description=rng.choice(ISSUES), responsible_unit=rng.choice(RESPONSIBLE_UNITS),
            status=IssueStatus.CLOSED, handling_on=min(raised + timedelta(days=rng.randint(1, 5)), year.end),
            resolved_on=random_day(rng, date(year.year + 1, 1, 1), min(date(year.year + 1, 3, 31), today)),
            created_by_id=project.service_team[0].id if project.service_team else None))


def team_year(year: District, team: Team, trip_count: int,
              targets: list[tuple[Enterprise, date, date]]) -> list[Visit]:
    """A team's trips, one month after another, and its visits: each target first called on in its window."""
    rng = year.rng
    offset = rng.randrange(12)
    trips = []
    for i in range(trip_count):
        month = (offset + i) % 12 + 1
        last_day = date(year.year, month, calendar.monthrange(year.year, month)[1])
        trips.append(new_trip(year, team, random_day(rng, date(year.year, month, 1), last_day)))
    slots = [(trip, random_day(rng, trip.start_on, trip.end_on)) for trip in trips
             for _ in range(rng.choice((1, 1, 2, 2, 3)))]
    chosen: dict[int, Enterprise] = {}
    visits = []
    for enterprise, first, last in targets:
        fits = [i for i, (_trip, day) in enumerate(slots) if first <= day <= last and i not in chosen]
        if fits:
            chosen[rng.choice(fits)] = enterprise
        else:  # no trip in its window: the enterprise came to the district
            visits.append(new_visit(year, team, enterprise, random_day(rng, first, last), VisitKind.RECEPTION))
    for i, (trip, day) in enumerate(slots):
        enterprise = chosen.get(i) or rng.choice([e for e, first, _last in targets if first <= day] or [None])
        if enterprise is None:
            continue
        kind = rng.choices(list(ON_TRIP_KINDS), weights=list(ON_TRIP_KINDS.values()))[0]
        visits.append(new_visit(year, team, enterprise, day, kind, trip=trip, crew=trip.participants))
    return visits
