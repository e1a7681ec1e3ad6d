"""The demo's trips and visits: 192 trips, visits to exactly 95 enterprises."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from ..extensions import db
from ..models import Enterprise, Team, Trip, User, Visit, VisitKind
from .cast import District, new_enterprise
from .dates import moment, random_day
from .names import INDUSTRIES, NEXT_STEPS, TEAM_CITIES, VISIT_SUMMARIES

TRIPS = 192  # 外出招商192次
ENTERPRISES_VISITED = 95  # 拜访企业95家
ON_TRIP_KINDS = {VisitKind.CALL_ON: 55, VisitKind.TALKS: 25, VisitKind.PROMOTION: 20}


def split(rng: random.Random, total: int, parts: int, low: int, high: int) -> list[int]:
    """Split total into parts between low and high, at random but summing exactly."""
    counts = [rng.randint(low, high) for _ in range(parts)]
    while (gap := total - sum(counts)) != 0:
        i = rng.randrange(parts)
        step = 1 if gap > 0 else -1
        if low <= counts[i] + step <= high:
            counts[i] += step
    return counts


def visit_uuid(rng: random.Random) -> str:
    """Return a version-4 UUID drawn from the seeded generator, so reruns repeat it."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def build_fieldwork(district: District) -> list[Visit]:
    """Add the year's trips and visits and the enterprises visited; return the visits."""
    d, rng = district, district.rng
    sizes = split(rng, ENTERPRISES_VISITED, len(d.teams), 8, 11)
    trip_counts = split(rng, TRIPS, len(d.teams), 14, 25)
    visits: list[Visit] = []
    courted: dict[Team, list[Enterprise]] = {}
    for team, size, trip_count in zip(d.teams, sizes, trip_counts, strict=True):
        courted[team] = [new_enterprise(d, team) for _ in range(size)]
        trips = [new_trip(d, team) for _ in range(trip_count)]
        slots = [trip for trip in trips for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
        # Every enterprise once, then at random: the team visits all of its enterprises.
        order = courted[team] + rng.choices(courted[team], k=len(slots) - size)
        rng.shuffle(order)
        for trip, enterprise in zip(slots, order, strict=True):
            kind = rng.choices(list(ON_TRIP_KINDS), weights=list(ON_TRIP_KINDS.values()))[0]
            visits.append(new_visit(d, team, enterprise, random_day(rng, trip.start_on, trip.end_on), kind,
                                    trip=trip, crew=trip.participants))
        for _ in range(rng.randint(2, 5)):  # visitors received at home, and calls
            kind = rng.choice((VisitKind.RECEPTION, VisitKind.REMOTE))
            visits.append(new_visit(d, team, rng.choice(courted[team]), random_day(rng, d.start, d.end), kind))
    for _ in range(3):  # another team calls on a courted enterprise too (撞单), so overlaps show
        team, other = rng.sample(d.teams, 2)
        visits.append(new_visit(d, team, rng.choice(courted[other]), random_day(rng, d.start, d.end),
                                VisitKind.REMOTE))
    for visit in visits:
        first = d.first_visit.get(visit.enterprise)
        d.first_visit[visit.enterprise] = min(first, visit.visited_on) if first else visit.visited_on
    db.session.add_all(visits)
    return visits


def new_trip(district: District, team: Team, start_on: date | None = None) -> Trip:
    """Add one trip of the team to its base city or a neighbour, from start_on (else a day of the year)."""
    d, rng = district, district.rng
    crew = d.crews[team]
    start_on = start_on or random_day(rng, d.start, d.end)
    end_on = min(start_on + timedelta(days=rng.choice((0, 1, 1, 2, 2, 3))), d.end)
    destination = rng.choice(TEAM_CITIES[team.base_city])
    industry = rng.choice(list(INDUSTRIES))
    heading = team.leader if rng.random() < 0.8 else rng.choice(d.leaders)
    trip = Trip(team=team, destination=destination, start_on=start_on, end_on=end_on, leader=heading,
                purpose=f"赴{destination}开展{industry}产业链招商，拜访重点企业",
                summary=f"走访{destination}{industry}企业，推介张湾区产业基础和投资环境",
                participants=[crew[0], *rng.sample(crew[1:], rng.randint(1, min(3, len(crew) - 1)))],
                created_by_id=crew[0].id, created_at=moment(end_on, 20))
    db.session.add(trip)
    return trip


def new_visit(district: District, team: Team, enterprise: Enterprise, day: date, kind: VisitKind,
              trip: Trip | None = None, crew: list[User] | None = None) -> Visit:
    """Return one visit with its participants, summary, next step and perhaps a follow-up date."""
    d, rng = district, district.rng
    crew = crew or d.crews[team]
    participants = rng.sample(crew, rng.randint(1, min(3, len(crew))))
    follow_up = day + timedelta(days=rng.randint(7, 30)) if rng.random() < 0.4 else None
    return Visit(uuid=visit_uuid(rng), team=team, trip=trip, enterprise=enterprise, visited_on=day, kind=kind,
                 summary=rng.choice(VISIT_SUMMARIES), next_step=rng.choice(NEXT_STEPS), follow_up_on=follow_up,
                 participants=participants, created_by=participants[0], created_at=moment(day, 19),
                 updated_at=moment(day, 19))
