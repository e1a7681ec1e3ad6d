"""The demo city's districts: 张湾区, whose year is the district report's, and two smaller neighbours.

The neighbours have teams, trips, visits and signed projects of their own, on a smaller scale, so the city's
district ranking (市级拉练排名) has districts to compare and 张湾区 leads the first quarter. Their projects have paths,
到资 and a few 督办 of their offices too, so the city's 红黄绿 and 到资 read every district.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from ..domain.credit_code import make_credit_code
from ..domain.money import YUAN_PER_YI
from ..enterprises.names import normalise_name
from ..extensions import db
from ..models import (
    AgreementKind,
    District,
    Enterprise,
    Lead,
    LeadStage,
    LeadStageChange,
    LeadStatus,
    PathNode,
    Project,
    ProjectType,
    Role,
    Team,
    Trip,
    User,
    Visit,
    VisitKind,
)
from .dates import moment
from .funds import add_tranches
from .path import UNITS, build_path
from .signings import plan_milestones
from .supervision import office_orders

# name, code, username prefix, base cities of its teams
NEIGHBOURS = (("茅箭区", "MJ", "mj", ("上海", "深圳", "杭州")), ("郧阳区", "YY", "yy", ("武汉", "合肥", "成都")))
CITY_LOGIN = "city"
NEIGHBOUR_UNITS = UNITS | {PathNode.STARTED: "区住建局"}  # 十堰工业新区 is 张湾区's


@dataclass(frozen=True)
class Neighbour:
    """A neighbouring district as built: its office (the admin), each team's lead, its signed projects."""

    district: District
    admin: User
    leads: dict[Team, User]
    projects: list[Project]


def build_neighbours(rng: random.Random, year: int, end: date, password_hash: str) -> list[Neighbour]:
    """Add the two neighbouring districts with their people, teams and a smaller year of work."""
    made = []
    for name, code, prefix, cities in NEIGHBOURS:
        district = District(name=name, code=code)
        db.session.add(district)
        db.session.flush()
        admin = User(username=f"{prefix}-admin", display_name=f"{name}管理员", role=Role.ADMIN,
                     district_id=district.id, password_hash=password_hash, title="区招商服务中心主任")
        duties = [User(username=f"{prefix}-{role.value}", display_name=f"{name}{role.label}", role=role,
                       district_id=district.id, password_hash=password_hash)
                  for role in (Role.SECURITY, Role.AUDITOR)]  # 三员分立: each district has its own
        db.session.add_all([admin, *duties])
        neighbour = Neighbour(district, admin, {}, [])
        for number, city in enumerate(cities, 1):
            team = Team(district_id=district.id, name=f"{city}专班", base_city=city)
            lead = User(username=f"{prefix}-{number}-lead", display_name=f"{name}{city}负责人", role=Role.LEAD,
                        district_id=district.id, team=team, password_hash=password_hash, title="专班负责人")
            db.session.add_all([team, lead])
            db.session.flush()
            neighbour.leads[team] = lead
            neighbour.projects.extend(build_team_year(rng, district, team, number, year, end, lead))
        made.append(neighbour)
    city = User(username=CITY_LOGIN, display_name="市招商局", role=Role.CITY, password_hash=password_hash,
                title="市招商局综合科")
    db.session.add(city)
    return made


def drive_neighbours(seed: int, neighbours: list[Neighbour], end: date) -> None:
    """The neighbours' projects after signing: their paths, 到资 and a few orders of their offices, each drawn from a
    generator of its own, so 张湾区's figures and the neighbours' others stay as they were."""
    paths, funds, orders = (random.Random(seed + offset) for offset in (6000, 7000, 8000))
    for neighbour in neighbours:
        for project in neighbour.projects:  # planned, not started: their status and figures stay
            plan_milestones(paths, project)
        replans = build_path(paths, neighbour.projects, end, NEIGHBOUR_UNITS)
        add_tranches(funds, neighbour.projects, end, neighbour.admin)
        office_orders(orders, replans, neighbour.admin, neighbour.leads, end)


def build_team_year(rng: random.Random, district: District, team: Team, number: int, year: int, end: date,
                    owner: User) -> list[Project]:
    """A neighbour team's year: about a third of a 张湾区 team's trips, visits and signings; return its projects."""
    start = date(year, 1, 1)
    span = max((end - start).days, 1)
    enterprises = []
    for n in range(6):
        company = f"{team.base_city}{district.name[:2]}{rng.choice('华新鑫宏达盛')}{n}科技有限公司"
        enterprise = Enterprise(district_id=district.id, name=company, name_key=normalise_name(company),
                                credit_code=make_credit_code(rng),
                                industry=rng.choice(("新材料", "汽车零部件", "电子信息")),
                                province=None, city=team.base_city)
        enterprises.append(enterprise)
    db.session.add_all(enterprises)
    for _ in range(rng.randint(4, 6)):
        day = start + timedelta(days=rng.randrange(span))
        trip = Trip(team=team, destination=team.base_city, start_on=day, end_on=min(day + timedelta(days=2), end))
        db.session.add(trip)
        for enterprise in rng.sample(enterprises, 2):
            db.session.add(Visit(uuid=str(uuid.UUID(int=rng.getrandbits(128))), team=team, trip=trip,
                                 enterprise=enterprise, visited_on=day, kind=VisitKind.CALL_ON,
                                 summary="走访企业，介绍区里的产业政策。"))
    projects = []
    for n in range(rng.randint(2, 4)):
        signed = start + timedelta(days=rng.randrange(span))
        # the code is made of numbers the seed fixes, never database ids: same seed, same data
        project = Project(code=f"{district.code}-{year}-{number}{n + 1:02d}", name=f"{team.base_city}产业项目{n + 1}",
                          team=team, enterprise=rng.choice(enterprises), signed_on=signed,
                          agreement_kind=AgreementKind.CONTRACT, project_type=ProjectType.NEW,
                          total_investment_yuan=rng.randint(3, 25) * YUAN_PER_YI // 2, verified=True)
        project.lead = signed_lead(project, owner)
        db.session.add(project)
        projects.append(project)
    return projects


def signed_lead(project: Project, owner: User) -> Lead:
    """The lead a neighbour's project was signed from, through every stage in the months before (no draws: the
    neighbours' figures stay as they were)."""
    path = (LeadStage.CLUE, LeadStage.CONTACTED, LeadStage.NEGOTIATING, LeadStage.AGREED, LeadStage.SIGNED)
    moments = [moment(project.signed_on - timedelta(days=back), 10 + i) for i, back in enumerate((75, 45, 20, 7, 0))]
    log = [LeadStageChange(from_stage=before, to_stage=after, changed_at=at, changed_by=owner,
                           note=project.code if after is LeadStage.SIGNED else None)
           for before, after, at in zip((None, *path), path, moments, strict=False)]
    return Lead(team=project.team, enterprise=project.enterprise, title=project.name,
                industry=project.enterprise.industry, intended_investment_yuan=project.total_investment_yuan,
                stage=LeadStage.SIGNED, status=LeadStatus.CLOSED, owner=owner, created_at=moments[0],
                updated_at=moments[-1], stage_log=log)
