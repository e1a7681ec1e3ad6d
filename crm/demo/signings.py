"""The demo's signed projects: 60 this year (38 of 亿元以上, 572亿元) and the earlier key projects."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from ..domain.money import YUAN_PER_YI
from ..domain.periods import LOCAL
from ..extensions import db
from ..models import (
    AgreementKind,
    Enterprise,
    IssueStatus,
    Milestone,
    Project,
    ProjectIssue,
    ProjectStatus,
    ProjectType,
    ServiceItem,
    ServiceItemStatus,
    Team,
    User,
)
from ..projects.aftercare.services import STANDARD_ITEMS as SERVICE_ITEMS  # the procedures, in the order they are done
from .cast import District, new_enterprise, rename
from .dates import later, moment, random_day
from .names import ISSUES, PARKS, PROJECT_KINDS, RESPONSIBLE_UNITS, TERMINATION_REASONS

SIGNED = 60
YI_SIGNED = 38
SIGNED_INVESTMENT = 572 * YUAN_PER_YI  # 总投资572亿元, in yuan
EARLIER_KEY = {1: 58, 2: 55}  # years back → key projects signed then: 151 with this year's 38
BATTERY_TOTAL = 120 * YUAN_PER_YI
PLANT_TOTAL = 5 * YUAN_PER_YI
WAN = 10_000


def days(n: int) -> timedelta:
    """Return a span of n days."""
    return timedelta(days=n)


def amounts(rng: random.Random) -> tuple[list[int], list[int]]:
    """Return the other 亿元以上 amounts and the smaller ones: with the flagships they sum to 572亿元."""
    small = [rng.randrange(2, 20) * 500 * WAN for _ in range(SIGNED - YI_SIGNED)]
    rest = SIGNED_INVESTMENT - BATTERY_TOTAL - PLANT_TOTAL - sum(small)
    weights = [min(rng.paretovariate(1.2), 30.0) for _ in range(YI_SIGNED - 2)]
    spare = rest - len(weights) * YUAN_PER_YI
    big = [YUAN_PER_YI + int(spare * w / sum(weights)) // (1000 * WAN) * (1000 * WAN) for w in weights]
    big[big.index(max(big))] += rest - sum(big)  # the rounding goes to the largest: the sum is exact
    return big, small


def build_projects(district: District) -> list[Project]:
    """Add this year's 60 projects and the earlier years' ones; return them all, this year's first."""
    d, rng = district, district.rng
    visited = sorted(d.first_visit, key=lambda e: (d.first_visit[e], e.name))
    battery_investor, plant_investor = visited[0], visited[1]  # the earliest visited, so visits come first
    others = rng.sample(visited[2:], SIGNED - 2)
    chief_slots = YI_SIGNED - 1 + sum(EARLIER_KEY.values())
    chiefs = d.leaders[1:] + rng.choices(d.leaders, k=chief_slots - len(d.leaders) + 1)
    rng.shuffle(chiefs)  # every leader serves at least one key project
    projects = [battery_base(d, battery_investor), new_plant(d, plant_investor, chiefs.pop())]
    big, small = amounts(rng)
    totals = big + small
    rng.shuffle(totals)
    for enterprise, total in zip(others, totals, strict=True):
        signed_on = random_day(rng, d.first_visit[enterprise], d.end)
        project = new_project(d, enterprise, signed_on, total, chiefs.pop() if total >= YUAN_PER_YI else None)
        schedule(d, project, progress=0.7)
        serve(d, project, rng.randint(3, 7) if total >= YUAN_PER_YI else rng.randint(0, 2), issue_chance=0.2)
        projects.append(project)
    number(projects, d.year)
    for back, key_count in EARLIER_KEY.items():
        projects += earlier_projects(d, d.year - back, key_count, chiefs, visited)
    return projects


def number(projects: list[Project], year: int) -> None:
    """Give projects their codes ZW-<year>-001… in the order they were signed."""
    for i, project in enumerate(sorted(projects, key=lambda p: (p.signed_on, p.name)), 1):
        project.code = f"ZW-{year}-{i:03d}"


def new_project(district: District, enterprise: Enterprise, signed_on: date, total: int, chief: User | None,
                name: str | None = None) -> Project:
    """Return a verified project of the enterprise, credited to its team, with plausible figures."""
    d, rng = district, district.rng
    team: Team = d.home_team[enterprise]
    crew = d.crews[team]
    trade = enterprise.name[len(enterprise.city or ""):][:2]
    industry = enterprise.industry or "装备制造"
    sales = total * rng.randint(80, 200) // 100 // WAN * WAN
    event = rng.random() < 0.2
    project = Project(
        name=name or trade + rng.choice(PROJECT_KINDS[industry]), enterprise=enterprise, team=team,
        signed_on=signed_on, total_investment_yuan=total, industry=industry, location=rng.choice(PARKS),
        agreement_kind=rng.choices(list(AgreementKind), weights=(8, 22, 70))[0],
        project_type=rng.choices(list(ProjectType), weights=(60, 25, 15))[0],
        fixed_asset_investment_yuan=total * rng.randint(60, 90) // 100 // WAN * WAN,
        expected_annual_sales_yuan=sales, expected_annual_tax_yuan=sales * rng.randint(3, 8) // 100 // WAN * WAN,
        jobs=max(15, total // (rng.randint(150, 400) * WAN)),
        land_area_mu=Decimal(max(5, total // (rng.randint(200, 500) * WAN))),
        from_event=event, event_name=f"{signed_on.year}年十堰（{team.base_city}）招商推介会" if event else None,
        chief_officer=chief, verified=True, verified_by_id=d.admin.id, created_by_id=d.admin.id,
        verified_at=moment(min(signed_on + days(rng.randint(2, 15)), d.end), 16), created_at=moment(signed_on, 9),
        service_team=[crew[0], *rng.sample(crew[1:], 2)])
    db.session.add(project)
    return project


def status_of(project: Project) -> ProjectStatus:
    """Return the status its reached milestones give a project."""
    if project.capacity_on:
        return ProjectStatus.AT_CAPACITY
    if project.production_on:
        return ProjectStatus.PRODUCING
    return ProjectStatus.STARTED if project.started_on else ProjectStatus.SIGNED


def plan_milestones(rng: random.Random, project: Project) -> None:
    """Plan the project's start, production and capacity (开工, 投产, 达产) from its signing."""
    project.planned_start_on = project.signed_on + days(rng.randint(20, 90))
    project.planned_production_on = project.planned_start_on + days(rng.randint(150, 400))
    project.planned_capacity_on = project.planned_production_on + days(rng.randint(180, 540))


def schedule(district: District, project: Project, progress: float) -> None:
    """Plan the milestones and mark those reached by the demo's today; progress is the chance of each."""
    rng, end, signed = district.rng, district.end, project.signed_on
    plan_milestones(rng, project)
    started = later(signed, rng.randint(15, 120), end) if rng.random() < progress else None
    produced = later(started, rng.randint(60, 300), end) if started and rng.random() < progress else None
    project.started_on, project.production_on = started, produced
    project.capacity_on = later(produced, rng.randint(180, 540), end) if produced and rng.random() < progress else None
    project.status = status_of(project)
    if project.total_investment_yuan >= 20 * YUAN_PER_YI:
        phase2 = signed + days(rng.randint(400, 700))
        project.milestones = [Milestone(name="二期工程开工", planned_on=phase2,
                                        achieved_on=phase2 if phase2 <= end and produced else None)]


def serve(district: District, project: Project, count: int, issue_chance: float) -> None:
    """Add the first count procedures handled for the investor, and perhaps an issue it raised.

    The procedures are done one after another, in the order of the list, from the project's verification (认定)
    on: a step is done no earlier than the one before it, and the steps not done yet all come after the done ones.
    """
    rng, end, signed = district.rng, district.end, project.signed_on
    owners = project.service_team
    handled_by = project.started_on or end  # procedures before construction are done by the start
    done = sorted(random_day(rng, signed, handled_by) for _ in range(count))
    drawn = []
    for _name in SERVICE_ITEMS[:count]:
        finished = project.started_on is not None or rng.random() < 0.6
        status = ServiceItemStatus.DONE if finished else rng.choice((ServiceItemStatus.DOING, ServiceItemStatus.TODO))
        drawn.append((status, rng.choice(owners)))
    in_order(project, [owner for _status, owner in drawn], done,
             done_count=sum(status is ServiceItemStatus.DONE for status, _owner in drawn),
             first_open=next((status for status, _owner in drawn if status is not ServiceItemStatus.DONE), None))
    if rng.random() < issue_chance:
        raised = random_day(rng, signed, end)
        status = rng.choices(list(IssueStatus), weights=(2, 3, 5))[0]
        project.issues.append(ProjectIssue(
            raised_on=raised, description=rng.choice(ISSUES), responsible_unit=rng.choice(RESPONSIBLE_UNITS),
            status=status, resolved_on=random_day(rng, raised, end) if status is IssueStatus.CLOSED else None,
            created_by_id=owners[0].id))


def in_order(project: Project, owners: list[User], days_done: list[date], done_count: int,
             first_open: ServiceItemStatus | None) -> None:
    """Give the project its procedures in the list's order: the first done_count done, on increasing days from its
    verification on; the next one as first_open says (办理中 or 待办), the rest 待办."""
    verified = project.verified_at.astimezone(LOCAL).date() if project.verified_at else project.signed_on
    days_done = sorted(max(day, verified, project.signed_on) for day in days_done[:done_count])
    for i, (name, owner) in enumerate(zip(SERVICE_ITEMS, owners, strict=False)):
        status = (ServiceItemStatus.DONE if i < done_count else
                  (first_open or ServiceItemStatus.TODO) if i == done_count else ServiceItemStatus.TODO)
        project.service_items.append(ServiceItem(name=name, owner=owner, status=status,
                                                 due_on=project.signed_on + days(15 * (i + 1)),
                                                 done_on=days_done[i] if i < done_count else None))


def battery_base(district: District, enterprise: Enterprise) -> Project:
    """The flagship: signed 1 February, started 26 days later, modules after 180 days, cells after 300."""
    d = district
    signed = min(date(d.year, 2, 1), d.end)
    trade = rename(d, enterprise, "动力电池", "动力电池科技")
    project = new_project(d, enterprise, signed, BATTERY_TOTAL, d.leaders[0], f"{trade}动力电池生产基地项目")
    project.agreement_kind, project.project_type, project.location = (AgreementKind.CONTRACT, ProjectType.NEW,
                                                                       "十堰工业新区")
    project.planned_start_on, project.started_on = signed + days(26), later(signed, 26, d.end)
    # Production is the first module line (首条模组线量产).
    project.planned_production_on, project.production_on = signed + days(180), later(signed, 180, d.end)
    project.planned_capacity_on = signed + days(720)
    project.status = status_of(project)
    cells = signed + days(300)
    project.milestones = [Milestone(name="首条电芯生产线调试投产", planned_on=cells,
                                    achieved_on=later(signed, 300, d.end))]
    project.remarks = "全市头号工程：区主要领导挂帅，7个尖刀专班全程帮办代办；180天首条模组线量产"
    project.service_team = [d.leaders[0], *(d.crews[team][0] for team in d.teams[:6])]
    project.verified_at = moment(min(signed + days(1), d.end), 16)  # the flagship is verified the next day
    # One procedure every three days from the verification on, the permits before the start on day 26.
    for i, name in enumerate(SERVICE_ITEMS):
        done_on = later(signed, 3 * i + 2, d.end)
        opened = i == 0 or project.service_items[-1].done_on is not None
        project.service_items.append(ServiceItem(
            name=name, owner=project.service_team[i % len(project.service_team)], due_on=signed + days(3 * i + 5),
            done_on=done_on, status=ServiceItemStatus.DONE if done_on else
            ServiceItemStatus.DOING if opened else ServiceItemStatus.TODO))
    return project


def new_plant(district: District, enterprise: Enterprise, chief: User) -> Project:
    """The new-plant project: signed in March, started in April, 10亿元 sales and 5000万元 tax a year."""
    d, rng = district, district.rng
    signed = min(max(date(d.year, 3, rng.randint(2, 25)), d.first_visit[enterprise]), d.end)
    start = max(date(d.year, 4, rng.randint(6, 26)), signed)
    trade = rename(d, enterprise, "新能源汽车及零部件", "底盘系统")
    project = new_project(d, enterprise, signed, PLANT_TOTAL, chief, f"{trade}底盘系统新厂区项目")
    project.agreement_kind, project.project_type, project.location = (AgreementKind.CONTRACT, ProjectType.NEW,
                                                                       "十堰工业新区")
    project.expected_annual_sales_yuan, project.expected_annual_tax_yuan = 10 * YUAN_PER_YI, 5000 * WAN
    project.planned_start_on, project.started_on = start, start if start <= d.end else None
    project.planned_production_on = start + days(rng.randint(300, 420))
    project.status = status_of(project)
    serve(d, project, 4, issue_chance=1.0)  # 立项、用地、规划许可、施工许可: all before the start
    return project


def earlier_projects(district: District, year: int, key_count: int, chiefs: list[User],
                     visited: list[Enterprise]) -> list[Project]:
    """Add a year's key projects, plus a few small and terminated ones that are not key projects; return them."""
    d, rng = district, district.rng
    projects = []
    kinds = ["key"] * key_count + ["small"] * rng.randint(4, 7) + ["terminated"] * rng.randint(2, 3)
    for kind in kinds:
        enterprise = rng.choice(visited) if rng.random() < 0.1 else new_enterprise(d, rng.choice(d.teams))
        signed_on = random_day(rng, date(year, 1, 1), date(year, 12, 31))
        if kind == "small":
            total = rng.randrange(2, 20) * 500 * WAN
        else:
            total = int(YUAN_PER_YI * min(rng.paretovariate(1.3), 60.0)) // (1000 * WAN) * (1000 * WAN)
        chief = chiefs.pop() if kind == "key" else rng.choice(d.leaders) if kind == "terminated" else None
        project = new_project(d, enterprise, signed_on, total, chief)
        schedule(d, project, progress=0.9)
        if kind == "terminated":
            project.started_on = project.production_on = project.capacity_on = None
            project.status, project.milestones = ProjectStatus.TERMINATED, []
            project.terminated_on = min(random_day(rng, signed_on + days(30), signed_on + days(240)), d.end)
            project.termination_reason = rng.choice(TERMINATION_REASONS)
        serve(d, project, rng.randint(2, 4) if total >= YUAN_PER_YI else 1, issue_chance=0.05)
        projects.append(project)
    number(projects, year)
    return projects
