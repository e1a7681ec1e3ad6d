"""The demo district's cast: its leaders, teams, team members and the enterprises they court."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from ..domain.credit_code import make_credit_code
from ..domain.money import YUAN_PER_YI
from ..enterprises.names import normalise_name
from ..extensions import db
from ..models import Contact, Enterprise, Ownership, Role, TargetMetric, Team, TeamTarget, User
from .dates import moment, random_day
from .names import (
    CONTACT_TITLES,
    INDUSTRIES,
    LEADER_TITLES,
    PROVINCE_OF,
    TEAM_CITIES,
    company_name,
    person_name,
    phone_number,
)

# Base city → the short code its team's usernames start with.
TEAM_CODES = {"上海": "sh", "深圳": "sz", "杭州": "hz", "苏州": "su", "武汉": "wh", "北京": "bj", "广州": "gz",
              "宁波": "nb", "合肥": "hf", "成都": "cd"}
OWNERSHIP_WEIGHTS = {Ownership.PRIVATE: 60, Ownership.STATE: 20, Ownership.FOREIGN: 12, Ownership.HMT: 8}


@dataclass
class District:
    """Everything the loader has built so far, handed from step to step."""

    rng: random.Random
    year: int
    end: date  # the demo's today: nothing after it has happened yet
    password_hash: str
    district_id: int  # the demo district's record
    admin: User = field(init=False)
    security: User = field(init=False)  # 安全管理员
    auditor: User = field(init=False)  # 审计管理员
    leaders: list[User] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    crews: dict[Team, list[User]] = field(default_factory=dict)  # the lead first, then members
    home_team: dict[Enterprise, Team] = field(default_factory=dict)
    first_visit: dict[Enterprise, date] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)

    @property
    def start(self) -> date:
        """The first day of the demo year."""
        return date(self.year, 1, 1)

    def person(self) -> str:
        """Return a personal name not yet given to anyone in the demo."""
        while (name := person_name(self.rng)) in self.names:
            pass
        self.names.add(name)
        return name


def name_key(name: str) -> str:
    """The duplicate-finding key of a company name (the enterprises feature's own rule)."""
    return normalise_name(name)


def build_people(district: District) -> None:
    """Add the admin, the 36 leaders, the 10 teams with their crews and yearly targets."""
    d, rng = district, district.rng
    joined = moment(date(d.year - 2, 1, 4))
    d.admin = User(username="admin", display_name=d.person(), title="区招商服务中心副主任", role=Role.ADMIN,
                   password_hash=d.password_hash, created_at=joined, district_id=d.district_id)
    # 三员分立: the district's security and audit administrators, apart from the business admin
    # named without the generator's draws, so every figure after them stays the same
    d.security = User(username="security", display_name="安全管理员", title="网络安全管理员", role=Role.SECURITY,
                      password_hash=d.password_hash, created_at=joined, district_id=d.district_id)
    d.auditor = User(username="auditor", display_name="审计管理员", title="安全审计员", role=Role.AUDITOR,
                     password_hash=d.password_hash, created_at=joined, district_id=d.district_id)
    d.leaders = [User(username=f"leader{i:02d}", display_name=d.person(), title=title, role=Role.LEADER,
                      password_hash=d.password_hash, created_at=joined, district_id=d.district_id)
                 for i, title in enumerate(LEADER_TITLES, 1)]
    heads = rng.sample(d.leaders[4:], len(TEAM_CODES))  # the four principals head no single team
    for (city, code), head in zip(TEAM_CODES.items(), heads, strict=True):
        team = Team(name=f"{city}专班", base_city=city, leader=head, created_at=joined, district_id=d.district_id)
        crew = [User(username=f"{code}-lead", display_name=d.person(), title="专班负责人", role=Role.LEAD,
                     team=team, password_hash=d.password_hash, created_at=joined, district_id=d.district_id)]
        crew += [User(username=f"{code}-member{i}", display_name=d.person(), title="专班成员", role=Role.MEMBER,
                      team=team, password_hash=d.password_hash, created_at=joined, district_id=d.district_id)
                 for i in range(1, rng.randint(3, 5) + 1)]
        d.teams.append(team)
        d.crews[team] = crew
        team.targets = yearly_targets(rng, d.year)
    db.session.add_all([d.admin, d.security, d.auditor, *d.leaders, *d.teams,
                        *(u for crew in d.crews.values() for u in crew)])


def yearly_targets(rng: random.Random, year: int) -> list[TeamTarget]:
    """Return a team's targets for every metric of the year."""
    trips = rng.randint(16, 24)
    signed = rng.randint(5, 8)
    values = {TargetMetric.TRIPS: trips, TargetMetric.ENTERPRISES_VISITED: rng.randint(8, 12),
              TargetMetric.VISITS: trips * 2, TargetMetric.NEW_LEADS: rng.randint(8, 14),
              TargetMetric.SIGNED_PROJECTS: signed, TargetMetric.YI_PROJECTS: signed - 2,
              TargetMetric.SIGNED_INVESTMENT: rng.randint(40, 70) * YUAN_PER_YI,  # yuan
              TargetMetric.STARTED_PROJECTS: signed - 3, TargetMetric.PRODUCING_PROJECTS: rng.randint(1, 3)}
    # 到资 and 固投 follow the investment target, drawing nothing: every later draw stays as it was
    values[TargetMetric.FUNDS] = values[TargetMetric.SIGNED_INVESTMENT] * 6 // 10
    values[TargetMetric.FIXED_ASSET_DONE] = values[TargetMetric.SIGNED_INVESTMENT] * 4 // 10
    return [TeamTarget(year=year, metric=metric, target=values[metric]) for metric in TargetMetric]


def new_enterprise(district: District, team: Team, industry: str | None = None) -> Enterprise:
    """Add an invented enterprise from the team's region, with one to three contacts."""
    d, rng = district, district.rng
    city = rng.choice(TEAM_CITIES[team.base_city])
    industry = industry or rng.choice(list(INDUSTRIES))
    while (name := company_name(rng, city, industry)) in d.names:
        pass
    while (code := make_credit_code(rng)) in d.codes:
        pass
    d.names.add(name)
    d.codes.add(code)
    ownership = rng.choices(list(OWNERSHIP_WEIGHTS), weights=list(OWNERSHIP_WEIGHTS.values()))[0]
    enterprise = Enterprise(
        district_id=d.district_id,
        name=name, name_key=name_key(name), credit_code=code, industry=industry, province=PROVINCE_OF[city],
        city=city, ownership=ownership, fortune500=ownership is Ownership.FOREIGN and rng.random() < 0.3,
        listed=rng.random() < 0.25, created_by_id=d.crews[team][0].id,
        created_at=moment(random_day(rng, date(d.year - 3, 1, 1), date(d.year - 3, 12, 31))))
    enterprise.contacts = [Contact(name=d.person(), title=title, phone=phone_number(rng),
                                   wechat=f"wx_{rng.randrange(10**6, 10**7)}", created_at=enterprise.created_at)
                           for title in rng.sample(CONTACT_TITLES, rng.randint(1, 3))]
    d.home_team[enterprise] = team
    db.session.add(enterprise)
    return enterprise


def rename(district: District, enterprise: Enterprise, industry: str, word: str) -> str:
    """Turn an enterprise into one of the given industry; return its trade name (字号)."""
    trade = enterprise.name[len(enterprise.city or ""):][:2]
    enterprise.name = f"{enterprise.city}{trade}{word}有限公司"
    enterprise.name_key = name_key(enterprise.name)
    enterprise.industry = industry
    district.names.add(enterprise.name)
    return trade
