"""Province-scale demo data, the volume benchmark: bulk inserts of a million visits and more."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Table, bindparam, text, update

from ..access.districts import home_district
from ..auth.services import hash_password
from ..domain.credit_code import make_credit_code
from ..domain.money import YUAN_PER_YI
from ..domain.periods import today as local_today
from ..enterprises.names import normalise_name
from ..extensions import db
from ..models import (
    AgreementKind,
    Enterprise,
    Lead,
    LeadStage,
    LeadStageChange,
    LeadStatus,
    Ownership,
    Project,
    ProjectStatus,
    ProjectType,
    Role,
    TargetMetric,
    Team,
    TeamTarget,
    Trip,
    User,
    Visit,
    VisitKind,
    trip_participant,
)
from .dates import moment
from .logins import DemoLogins
from .names import (
    INDUSTRIES,
    LEADER_TITLES,
    LEGAL_FORMS,
    NEXT_STEPS,
    PARKS,
    PROVINCE_OF,
    TEAM_CITIES,
    TRADE_CHARS,
    VISIT_SUMMARIES,
    person_name,
)
from .province_dispatch import NUMBERED, add_dispatch

VOLUMES = {"teams": 100, "enterprises": 200_000, "trips": 20_000, "visits": 1_000_000, "leads": 100_000,
           "projects": 50_000}
MEMBERS = 4  # per team, besides its lead
USERS = 1 + VOLUMES["teams"] * (2 + MEMBERS)  # the admin; per team a heading leader, a lead and members
TOTAL_ROWS = sum(VOLUMES.values()) + USERS  # what the progress callback counts up to
CHUNK = 10_000
SQLITE_CACHE_KIB = 256 * 1024
DISTRICTS = ("张湾区", "茅箭区", "郧阳区", "丹江口市", "郧西县", "竹山县", "竹溪县", "房县", "十堰经开区", "武当山特区")
PROVINCE_LOGINS = DemoLogins.of("admin", "leader001", "team001-lead", "team001-member1")
INDUSTRY_NAMES = list(INDUSTRIES)
CITIES = list(TEAM_CITIES)
STAGE_WEIGHTS = {LeadStage.CLUE: 25, LeadStage.CONTACTED: 20, LeadStage.NEGOTIATING: 12, LeadStage.AGREED: 5,
                 LeadStage.SIGNED: 30, LeadStage.DROPPED: 8}
ON_TRIP = (VisitKind.CALL_ON, VisitKind.TALKS, VisitKind.PROMOTION)
AT_HOME = (VisitKind.RECEPTION, VisitKind.REMOTE)
PATH = (LeadStage.CLUE, LeadStage.CONTACTED, LeadStage.NEGOTIATING, LeadStage.AGREED, LeadStage.SIGNED)


@dataclass
class Bulk:
    """The state of one province load: generator, connection, calendar, progress."""

    rng: random.Random
    conn: Connection
    year: int
    end: date
    report: Callable[[int], None]
    days: list[date] = field(default_factory=list)  # every day of the year up to the demo's today
    stamps: list[datetime] = field(default_factory=list)  # an evening moment of each of those days
    crews: list[list[int]] = field(default_factory=list)  # user ids per team, the lead first
    district_id: int = 0  # the one district the benchmark's teams belong to

    def insert(self, table: Table, rows: Iterable[dict[str, Any]], counted: bool = True) -> None:
        """Insert rows in chunks of executemany, reporting progress for counted tables."""
        iterator = iter(rows)
        while chunk := list(islice(iterator, CHUNK)):
            self.conn.execute(table.insert(), chunk)
            if counted:
                self.report(len(chunk))

    def day(self) -> int:
        """Return the index of a random day of the year so far."""
        return self.rng.randrange(len(self.days))


def load_province(year: int, seed: int, progress: Callable[[int], None] | None) -> None:
    """Fill an empty database with province-scale data for the year; the caller commits."""
    end = min(local_today(), date(year, 12, 31))
    if end < date(year, 1, 1):
        raise ValueError(f"{year} has not begun yet")
    session = db.session
    before = session.info.get("audit_off")
    session.info["audit_off"] = True
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:  # a big page cache keeps the random index inserts in memory: several times faster
        cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    try:
        bulk = Bulk(random.Random(seed), conn, year, end, progress or (lambda n: None))
        bulk.days = [date(year, 1, 1) + timedelta(days=i) for i in range((end - date(year, 1, 1)).days + 1)]
        bulk.stamps = [moment(day, 19) for day in bulk.days]
        add_people(bulk)
        add_enterprises(bulk)
        trips = add_trips(bulk)
        signed = add_leads(bulk)
        bulk.insert(Visit.__table__, visit_rows(bulk, trips))
        bulk.insert(Project.__table__, project_rows(bulk, signed))
        add_dispatch(bulk, random.Random(seed + 7000))  # 到资, paths, 督办: a generator of their own keeps the rest
        if bulk.conn.dialect.name == "postgresql":  # explicit ids leave the sequences behind
            for model in (Team, User, Enterprise, Trip, Visit, Lead, LeadStageChange, Project, TeamTarget, *NUMBERED):
                name = model.__table__.name
                bulk.conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                                       f"(SELECT COALESCE(MAX(id), 1) FROM \"{name}\"))"))
    finally:
        if sqlite:
            conn.exec_driver_sql(f"PRAGMA cache_size={cache_size}")
        if before is None:
            session.info.pop("audit_off", None)
        else:
            session.info["audit_off"] = before


def base_city(team: int) -> str:
    """Return the base city of team number team: the ten cities in turn."""
    return CITIES[(team - 1) % len(CITIES)]


def add_people(bulk: Bulk) -> None:
    """Add the admin, a heading leader per team, and the teams with their leads, members and targets."""
    rng, password_hash, teams = bulk.rng, hash_password(PROVINCE_LOGINS.admin[1]), VOLUMES["teams"]
    bulk.district_id = home_district().id  # the benchmark's 100 teams are one district's
    bulk.insert(Team.__table__, ({"id": n, "name": f"{DISTRICTS[(n - 1) // 10]}{base_city(n)}专班",
                                  "district_id": bulk.district_id,
                                  "base_city": base_city(n), "active": True, "created_at": bulk.stamps[0]}
                                 for n in range(1, teams + 1)))

    def user(uid: int, username: str, role: Role, team: int | None, title: str) -> dict[str, Any]:
        """Return the row of one user."""
        return {"id": uid, "username": username, "display_name": person_name(rng), "title": title,
                "password_hash": password_hash, "role": role, "team_id": team, "active": True, "locale": "zh_CN",
                "district_id": bulk.district_id,
                "session_token": f"demo{uid:012d}", "created_at": bulk.stamps[0]}

    users = [user(1, "admin", Role.ADMIN, None, "省招商服务中心")]
    users += [user(1 + n, f"leader{n:03d}", Role.LEADER, None, LEADER_TITLES[(n - 1) % len(LEADER_TITLES)])
              for n in range(1, teams + 1)]
    uid = 1 + teams
    for n in range(1, teams + 1):
        crew = [uid + 1 + i for i in range(1 + MEMBERS)]
        users.append(user(crew[0], f"team{n:03d}-lead", Role.LEAD, n, "专班负责人"))
        users += [user(crew[i], f"team{n:03d}-member{i}", Role.MEMBER, n, "专班成员") for i in range(1, 1 + MEMBERS)]
        bulk.crews.append(crew)
        uid = crew[-1]
    bulk.insert(User.__table__, users)
    bulk.conn.execute(update(Team.__table__).where(Team.__table__.c.id == bindparam("tid"))
                      .values(leader_id=bindparam("lid")), [{"tid": n, "lid": 1 + n} for n in range(1, teams + 1)])
    bulk.insert(TeamTarget.__table__, ({"team_id": n, "year": bulk.year, "metric": metric,
                                        "target": 50 * YUAN_PER_YI if metric.in_yuan else 200}
                                       for n in range(1, teams + 1) for metric in TargetMetric), counted=False)


def add_enterprises(bulk: Bulk) -> None:
    """Add the enterprises, each with a valid and unique credit code."""
    rng, codes, ownerships = bulk.rng, set(), list(Ownership)
    cities = [city for near in TEAM_CITIES.values() for city in near]

    def rows() -> Iterator[dict[str, Any]]:
        """Yield the enterprise rows."""
        for n in range(1, VOLUMES["enterprises"] + 1):
            while (code := make_credit_code(rng)) in codes:
                pass
            codes.add(code)
            city, industry = rng.choice(cities), rng.choice(INDUSTRY_NAMES)
            name = (city + rng.choice(TRADE_CHARS) + rng.choice(TRADE_CHARS) + rng.choice(INDUSTRIES[industry])
                    + rng.choice(LEGAL_FORMS))
            yield {"id": n, "name": name, "name_key": normalise_name(name), "credit_code": code, "industry": industry,
                   "province": PROVINCE_OF[city], "city": city, "ownership": rng.choice(ownerships),
                   "fortune500": False, "listed": rng.random() < 0.05, "created_at": bulk.stamps[0],
                   "district_id": bulk.district_id}

    bulk.insert(Enterprise.__table__, rows())


def add_trips(bulk: Bulk) -> list[tuple[int, int, int]]:
    """Add the trips and two participants each; return (team, first day, last day) per trip."""
    rng, trips, rows = bulk.rng, [], []
    for n in range(1, VOLUMES["trips"] + 1):
        team = rng.randint(1, VOLUMES["teams"])
        first = bulk.day()
        last = min(first + rng.randint(0, 3), len(bulk.days) - 1)
        trips.append((team, first, last))
        rows.append({"id": n, "team_id": team, "destination": rng.choice(TEAM_CITIES[base_city(team)]),
                     "start_on": bulk.days[first], "end_on": bulk.days[last], "leader_id": 1 + team,
                     "purpose": "产业链招商", "created_by_id": bulk.crews[team - 1][0],
                     "created_at": bulk.stamps[last]})
    bulk.insert(Trip.__table__, rows)
    bulk.insert(trip_participant, ({"trip_id": n, "user_id": user} for n, (team, _, _) in enumerate(trips, 1)
                                   for user in bulk.crews[team - 1][:2]), counted=False)
    return trips


def visit_rows(bulk: Bulk, trips: list[tuple[int, int, int]]) -> Iterator[dict[str, Any]]:
    """Yield the visits: most on trips, the rest received at home or by phone."""
    rng, enterprises = bulk.rng, VOLUMES["enterprises"]
    for n in range(1, VOLUMES["visits"] + 1):
        if rng.random() < 0.8:
            trip = rng.randrange(len(trips))
            team, first, last = trips[trip]
            day, trip_id, kind = rng.randint(first, last), trip + 1, ON_TRIP[n % 3]
        else:
            team, day, trip_id, kind = rng.randint(1, VOLUMES["teams"]), bulk.day(), None, AT_HOME[n % 2]
        # The top 32 bits are a bijection of the counter, so every UUID is unique; the rest is random.
        unique = (n * 0x9E3779B1) & 0xFFFFFFFF
        yield {"id": n, "uuid": str(uuid.UUID(int=(unique << 96) | rng.getrandbits(96), version=4)),
               "team_id": team, "trip_id": trip_id, "enterprise_id": rng.randint(1, enterprises), "lead_id": None,
               "visited_on": bulk.days[day], "kind": kind, "summary": rng.choice(VISIT_SUMMARIES),
               "next_step": rng.choice(NEXT_STEPS), "follow_up_on": None,
               "created_by_id": bulk.crews[team - 1][n % (1 + MEMBERS)], "created_at": bulk.stamps[day],
               "updated_at": bulk.stamps[day]}


def add_leads(bulk: Bulk) -> list[tuple[int, int, int, int]]:
    """Add the leads and their stage logs; return (lead, team, enterprise, day signed) of the signed ones."""
    rng, stages, weights = bulk.rng, list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values())
    signed, log = [], []
    leads = []
    for n in range(1, VOLUMES["leads"] + 1):
        stage = rng.choices(stages, weights)[0]
        team, enterprise = rng.randint(1, VOLUMES["teams"]), rng.randint(1, VOLUMES["enterprises"])
        path = (*PATH[:2], LeadStage.DROPPED) if stage is LeadStage.DROPPED else PATH[:PATH.index(stage) + 1]
        first = bulk.day()
        moves = sorted(rng.randint(first, len(bulk.days) - 1) for _ in path)
        for i, (before, after) in enumerate(zip((None, *path), path, strict=False)):
            log.append({"lead_id": n, "from_stage": before, "to_stage": after, "changed_by_id": bulk.crews[team - 1][0],
                        "changed_at": bulk.stamps[moves[i]] + timedelta(minutes=i)})
        closed = stage in (LeadStage.SIGNED, LeadStage.DROPPED)
        leads.append({"id": n, "team_id": team, "enterprise_id": enterprise, "title": "招商项目",
                      "industry": rng.choice(INDUSTRY_NAMES), "intended_investment_yuan": rng.randint(1, 500) * 10**7,
                      "stage": stage, "status": LeadStatus.CLOSED if closed else LeadStatus.ACTIVE,
                      "drop_reason": "企业战略调整" if stage is LeadStage.DROPPED else None,
                      "owner_id": bulk.crews[team - 1][0], "created_at": bulk.stamps[moves[0]],
                      "updated_at": bulk.stamps[moves[-1]], "version": 1})
        if stage is LeadStage.SIGNED:
            signed.append((n, team, enterprise, moves[-1]))
    bulk.insert(Lead.__table__, leads)
    bulk.insert(LeadStageChange.__table__, log, counted=False)
    return signed


def project_rows(bulk: Bulk, signed: list[tuple[int, int, int, int]]) -> Iterator[dict[str, Any]]:
    """Yield the projects: the signed leads' this year, the rest signed in the two years before."""
    rng, end = bulk.rng, bulk.end
    for n in range(1, VOLUMES["projects"] + 1):
        if n <= len(signed):
            lead, team, enterprise, day = signed[n - 1]
            signed_on = bulk.days[day]
        else:
            lead, team, enterprise = None, rng.randint(1, VOLUMES["teams"]), rng.randint(1, VOLUMES["enterprises"])
            signed_on = date(bulk.year - rng.randint(1, 2), 1, 1) + timedelta(days=rng.randrange(365))
        total = int(10**7 * rng.lognormvariate(2.5, 1.2)) // 10**6 * 10**6
        started = signed_on + timedelta(days=rng.randint(15, 150))
        started = started if started <= end and rng.random() < 0.7 else None
        produced = started + timedelta(days=rng.randint(90, 360)) if started else None
        produced = produced if produced and produced <= end and rng.random() < 0.7 else None
        verified = rng.random() < 0.95
        status = (ProjectStatus.PRODUCING if produced else ProjectStatus.STARTED if started
                  else ProjectStatus.SIGNED)
        yield {"id": n, "code": f"PV-{signed_on.year}-{n:05d}", "name": "招商项目", "enterprise_id": enterprise,
               "lead_id": lead, "team_id": team, "signed_on": signed_on, "agreement_kind": AgreementKind.CONTRACT,
               "project_type": ProjectType.NEW, "industry": rng.choice(INDUSTRY_NAMES), "location": rng.choice(PARKS),
               "total_investment_yuan": total, "fixed_asset_investment_yuan": total * 8 // 10, "currency": "CNY",
               "status": status, "started_on": started, "production_on": produced,
               "chief_officer_id": 1 + team if total >= YUAN_PER_YI else None, "verified": verified,
               "verified_by_id": 1 if verified else None, "verified_at": bulk.stamps[-1] if verified else None,
               "voided": False, "from_event": False, "created_at": moment(min(signed_on, end)), "version": 1}
