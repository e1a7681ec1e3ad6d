"""The seeded world: districts, teams, people, companies and records with the edges the rules turn on."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from crm.auth.services import hash_password
from crm.domain.credit_code import make_credit_code
from crm.extensions import db
from crm.models import (
    AgreementKind,
    District,
    Enterprise,
    FundKind,
    FundSource,
    FundsTranche,
    Lead,
    LeadStage,
    Project,
    ProjectStatus,
    ProjectType,
    Role,
    Team,
    Trip,
    User,
    Visit,
    VisitKind,
)

from ..conftest import PASSWORD
from .paths import add_paths
from .scopes import CITY, SHANGHAI, YI, Scope

DISTRICTS = (("张湾区", "ZW"), ("茅箭区", "MJ"), ("郧阳区", "YY"))
BASES = ("上海", "深圳", "苏州", "北京", "杭州", "广州")
INDUSTRIES = ("新能源", "新材料", "生物医药", "智能制造", "电子信息", None)
AMOUNTS = (99_999_999, YI, YI + 1, 30_000_000, 250_000_000, 10 * YI - 1, 10 * YI, 30 * YI, 57 * YI,
           12_345_678_901)
EDGE_DAYS = (date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1), date(2026, 6, 30),
             date(2026, 7, 1), date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 31), date(2027, 1, 1))
# local times of day a lead is created at: both sides of midnight, and 08:00, which is midnight in UTC
LEAD_TIMES = (time(0, 0), time(0, 0, 1), time(7, 59, 59), time(8, 0), time(12, 30), time(23, 59, 59))


@dataclass(frozen=True)
class Place:
    """A district as the test reads it: its teams as (id, name, active)."""

    id: int
    name: str
    teams: tuple[tuple[int, str, bool], ...]


@dataclass(frozen=True)
class World:
    """What the generator made: the districts, and who signs in (usernames)."""

    seed: int
    districts: tuple[Place, ...]
    leaders: dict[int, str]  # district id → its leader
    admin: str  # of the first district
    member: str  # of the first district's first team
    member_team: int
    city: str


def a_day(rng: random.Random) -> date:
    """A day from November 2025 to February 2027, often one on a period's edge."""
    if rng.random() < 0.35:
        return rng.choice(EDGE_DAYS)
    return date(2025, 11, 1) + timedelta(days=rng.randrange(460))


def later(rng: random.Random, day: date) -> date:
    """A day on or after `day`: the same day, an edge day after it, or some weeks on."""
    edges = [edge for edge in EDGE_DAYS if edge >= day]
    return rng.choice([day, *edges[:2], day + timedelta(days=rng.randrange(1, 120))])


def project(rng: random.Random, code: str, team: Team, investor: Enterprise, **fields: Any) -> Project:
    """A project with random amounts, standing and milestones; `fields` fix any of them."""
    signed = fields.pop("signed_on", None) or a_day(rng)
    amount = fields.pop("total_investment_yuan", None) or rng.choice(AMOUNTS)
    started = later(rng, signed) if rng.random() < 0.5 else None
    producing = later(rng, started) if started and rng.random() < 0.5 else None
    voided = rng.random() < 0.12
    status = ProjectStatus.PRODUCING if producing else ProjectStatus.STARTED if started else ProjectStatus.SIGNED
    return Project(**({
        "code": code, "name": f"{investor.name}项目{code}", "team_id": team.id, "enterprise_id": investor.id,
        "signed_on": signed, "agreement_kind": rng.choice(list(AgreementKind)), "project_type": ProjectType.NEW,
        "industry": rng.choice(INDUSTRIES), "total_investment_yuan": amount,
        "fixed_asset_investment_yuan": rng.choice([None, amount // 3, amount]), "verified": rng.random() < 0.8,
        "voided": voided, "void_reason": "重复录入" if voided else None, "status": status, "started_on": started,
        "production_on": producing} | fields))


TRANCHE_DAYS = (date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1), date(2026, 6, 30),
                date(2026, 12, 1), date(2026, 12, 31))


def add_tranches(rng: random.Random, projects: list[Project]) -> None:
    """Money in place on the spans' edges and between, verified or not, of every kind of project (drawn from a
    generator of its own, so the other records stay as they were)."""
    for signing in projects:
        for _ in range(rng.choice([0, 1, 2, 3])):
            signing.tranches.append(FundsTranche(
                received_on=rng.choice(TRANCHE_DAYS), amount_yuan=rng.choice([1, 12_345_678, YI, 3 * YI + 7]),
                source=rng.choice(list(FundSource)), kind=rng.choice(list(FundKind)), verified=rng.random() < 0.8))


def build(seed: int) -> World:
    """The seed's districts, teams, people, enterprises and records over late 2025 to early 2027, committed once."""
    rng = random.Random(seed)
    password = hash_password(PASSWORD)
    districts = [District(name=name, code=code) for name, code in DISTRICTS[:2 + seed % 2]]
    db.session.add_all(districts)
    db.session.flush()
    teams = {d.id: [Team(name=f"驻{base}专班", base_city=base, district_id=d.id)
                    for base in rng.sample(BASES, 2 + rng.randrange(2))] for d in districts}
    last = districts[-1].id
    teams[last][-1].active = False  # stood down: its records still count, the brief's number of teams leaves it out
    db.session.add_all(team for group in teams.values() for team in group)
    db.session.flush()

    first = districts[0]
    people = [User(username=f"leader{d.code}", display_name=f"{d.name}领导", role=Role.LEADER, district_id=d.id,
                   password_hash=password) for d in districts]
    people += [User(username="admin", display_name="招商局", role=Role.ADMIN, district_id=first.id,
                    password_hash=password),
               User(username="member", display_name="专班成员", role=Role.MEMBER, district_id=first.id,
                    team_id=teams[first.id][0].id, password_hash=password),
               User(username="city", display_name="市招商局", role=Role.CITY, password_hash=password)]

    # Companies: three held by several districts under one credit code, a few held once, and two without a code
    # whose names repeat across districts (no code: each record is its own company).
    shared = [make_credit_code(rng) for _ in range(3)]
    holders = {0: districts, 1: districts[:2], 2: districts[-2:]}
    enterprises: dict[int, list[Enterprise]] = {d.id: [] for d in districts}
    for n, code in enumerate(shared):
        for d in holders[n]:
            enterprises[d.id].append(Enterprise(name=f"共享{n}集团", name_key=f"共享{n}集团", credit_code=code,
                                                district_id=d.id))
    for d in districts:
        enterprises[d.id] += [Enterprise(name=f"{d.code}企业{n}", name_key=f"{d.code}企业{n}",
                                         credit_code=make_credit_code(rng), district_id=d.id) for n in range(5)]
        enterprises[d.id] += [Enterprise(name=f"无代码企业{n}", name_key=f"无代码企业{n}", district_id=d.id)
                              for n in range(2)]
    db.session.add_all(people + [e for group in enterprises.values() for e in group])
    db.session.flush()

    records: list[Any] = []
    for d in districts:
        mine, companies = teams[d.id], enterprises[d.id]
        for _ in range(20):
            start = a_day(rng)
            records.append(Trip(team_id=rng.choice(mine).id, destination=rng.choice(BASES), start_on=start,
                                end_on=start + timedelta(days=rng.randrange(4))))
        # the shared companies are visited in every district holding them, on days every period holds
        visits = [(company, day) for company in companies if company.credit_code in shared
                  for day in (date(2026, 3, 31), date(2026, 4, 1), date(2026, 12, 31))]
        visits += [(rng.choice(companies), a_day(rng)) for _ in range(45)]
        for company, day in visits:
            records.append(Visit(uuid=str(uuid.UUID(int=rng.getrandbits(128))), team_id=rng.choice(mine).id,
                                 enterprise_id=company.id, visited_on=day, kind=rng.choice(list(VisitKind))))
        for _ in range(14):
            created = datetime.combine(a_day(rng), rng.choice(LEAD_TIMES), SHANGHAI)
            records.append(Lead(team_id=rng.choice(mine).id, enterprise_id=rng.choice(companies).id,
                                title="在谈项目", stage=rng.choice([LeadStage.CLUE, LeadStage.NEGOTIATING]),
                                intended_investment_yuan=rng.choice([None, *AMOUNTS]), created_at=created))
        codes = iter([f"{d.code}-{seed}-{n:03d}" for n in range(1, 100)])
        for _ in range(18):
            records.append(project(rng, next(codes), rng.choice(mine), rng.choice(companies)))
        team, investor = mine[0], companies[-3]
        records += [  # the edges, in every district
            project(rng, next(codes), team, investor, total_investment_yuan=99_999_999, signed_on=date(2026, 3, 31),
                    verified=True, voided=False, void_reason=None),
            project(rng, next(codes), team, investor, total_investment_yuan=YI, signed_on=date(2026, 4, 1),
                    verified=True, voided=False, void_reason=None, status=ProjectStatus.PRODUCING,
                    started_on=date(2026, 6, 30), production_on=date(2026, 12, 31)),
            project(rng, next(codes), team, investor, total_investment_yuan=YI, signed_on=date(2026, 12, 31),
                    verified=True, voided=False, void_reason=None),
            project(rng, next(codes), team, investor, total_investment_yuan=YI, signed_on=date(2026, 12, 31),
                    verified=False, voided=False, void_reason=None),  # awaiting verification
            project(rng, next(codes), team, investor, total_investment_yuan=5 * YI, signed_on=date(2026, 4, 1),
                    verified=True, voided=True, void_reason="协议未生效", status=ProjectStatus.STARTED,
                    started_on=date(2026, 4, 1), production_on=None),
            project(rng, next(codes), team, investor, total_investment_yuan=2 * YI, signed_on=date(2026, 4, 1),
                    verified=True, voided=False, void_reason=None, status=ProjectStatus.TERMINATED,
                    started_on=None, production_on=None, terminated_on=date(2026, 9, 1),
                    termination_reason="投资方撤回"),
            project(rng, next(codes), team, investor, total_investment_yuan=3 * YI, signed_on=date(2025, 12, 31),
                    verified=True, voided=False, void_reason=None),
            project(rng, next(codes), team, investor, total_investment_yuan=3 * YI, signed_on=date(2027, 1, 1),
                    verified=True, voided=False, void_reason=None),
        ]
        for _ in range(6):  # signings that came from a lead (the funnel's 已签约)
            team = rng.choice(mine)
            investor = rng.choice(companies)
            signing = project(rng, next(codes), team, investor)
            lead = Lead(team_id=team.id, enterprise_id=investor.id, title="已签约项目", stage=LeadStage.SIGNED,
                        intended_investment_yuan=rng.choice(AMOUNTS),
                        created_at=datetime.combine(signing.signed_on - timedelta(days=rng.randrange(200)),
                                                    rng.choice(LEAD_TIMES), SHANGHAI))
            signing.lead = lead
            records += [lead, signing]
    # Signed in dollars: US$14,500,000 at 7.1 is 102,950,000 yuan, 亿元以上 though its dollar figure is not.
    records.append(project(rng, f"{first.code}-{seed}-USD", teams[first.id][0], enterprises[first.id][0],
                           total_investment_yuan=102_950_000, currency="USD", original_amount=14_500_000,
                           fx_rate=Decimal("7.1"), signed_on=date(2026, 6, 30), verified=True, voided=False,
                           void_reason=None))
    signings = [r for r in records if isinstance(r, Project)]
    add_tranches(random.Random(seed + 7), signings)
    records += add_paths(random.Random(seed + 9), districts, signings,
                         {user.district_id: user for user in people if user.role is Role.LEADER},
                         {team.id: d for d, group in teams.items() for team in group})
    db.session.add_all(records)
    db.session.commit()
    return World(
        seed=seed,
        districts=tuple(Place(d.id, d.name, tuple((t.id, t.name, t.active) for t in teams[d.id])) for d in districts),
        leaders={d.id: f"leader{d.code}" for d in districts}, admin="admin", member="member",
        member_team=teams[first.id][0].id, city="city")


def on_turn(world: World, index: int) -> Place:
    """The district whose leader reads the slower surfaces in the index-th period: each district in turn."""
    return world.districts[index % len(world.districts)]


def readers(world: World, index: int) -> list[tuple[str, str, Scope]]:
    """Who reads the pages and files of the index-th period: a district's leader (each district in turn) and the
    city; (label, username, whose figures)."""
    turn = on_turn(world, index)
    return [(f"{turn.name}领导", world.leaders[turn.id], Scope(district_id=turn.id)), ("市招商局", world.city, CITY)]
