"""The truth: every surface's figures (dashboard, charts, rankings, brief, command line, exports) against plain SQL.

A seeded generator makes two or three districts with the edges the rules turn on: 99,999,999 and 100,000,000
yuan, a signing in US dollars, voided and unverified signings, signings and milestones on quarter and year
boundaries, leads created around local midnight, one company held by several districts under one credit code.
Each figure is then counted here in SQL written from the rules alone, never through crm.reports:

- a project counts when verified (认定) and not voided; 亿元以上 is a total investment of 100,000,000 yuan or more;
- a period includes both its ends; a lead is new on the local (Asia/Shanghai) day it was created;
- what is summed is the CNY amount (total_investment_yuan), whatever currency the signing was in;
- enterprises visited are distinct; for the city a company held by two districts counts once, by its credit code
  where it has one.

Each test gathers every disagreement of its surfaces before failing, so one run names them all.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Date, bindparam, text

from crm import periods
from crm.auth.services import hash_password
from crm.credit_code import make_credit_code
from crm.exports.catalogue import EXPORTS as CATALOGUE
from crm.extensions import db
from crm.models import (
    AgreementKind,
    District,
    Enterprise,
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
from crm.models.types import UTCDateTime

from .conftest import PASSWORD

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 1, 15, 10, tzinfo=SHANGHAI)  # every period below is over: no figure depends on the clock
YI = 100_000_000  # yuan in 1亿元
SEEDS = (5, 17, 2026)


@dataclass(frozen=True)
class Span:
    """A period as a page's query and the command line ask for it, and the local days it covers."""

    name: str
    query: dict[str, str] = field(compare=False)  # the name, start and end tell spans apart
    options: tuple[str, ...]
    start: date
    end: date


SPANS = (
    Span("2026年", {"year": "2026"}, ("--year", "2026"), date(2026, 1, 1), date(2026, 12, 31)),
    Span("2026年第2季度", {"year": "2026", "quarter": "2"}, ("--year", "2026", "--quarter", "2"),
         date(2026, 4, 1), date(2026, 6, 30)),
    Span("2026年12月", {"year": "2026", "month": "12"}, ("--year", "2026", "--month", "12"),
         date(2026, 12, 1), date(2026, 12, 31)),
    Span("2025-12-31至2026-03-31", {"start": "2025-12-31", "end": "2026-03-31"},
         ("--start", "2025-12-31", "--end", "2026-03-31"), date(2025, 12, 31), date(2026, 3, 31)),
)
FIGURES = ("trips", "enterprises_visited", "visits", "new_leads", "signed_projects", "yi_projects",
           "signed_investment_yuan", "started_projects", "producing_projects")
MONEY = "signed_investment_yuan"
CARD_FIGURES = ("signed_projects", "yi_projects", "signed_investment_yuan", "trips", "enterprises_visited",
                "started_projects", "producing_projects")
# the rankings' pages name their cells data-metric / data-total="…"
PAGE_METRICS = {"trips": "trips", "enterprises": "enterprises_visited", "visits": "visits", "new_leads": "new_leads",
                "signed": "signed_projects", "yi_signed": "yi_projects", "investment": "signed_investment_yuan",
                "started": "started_projects", "producing": "producing_projects"}
DISTRICT_PAGE_FIGURES = ("signed_projects", "yi_projects", "signed_investment_yuan", "started_projects",
                         "producing_projects", "trips", "enterprises_visited")
# the ranking exports' column headers
EXPORT_HEADERS = {"外出招商次数": "trips", "拜访企业数": "enterprises_visited", "拜访次数": "visits",
                  "新增线索": "new_leads", "签约项目数": "signed_projects", "亿元以上签约项目数": "yi_projects",
                  "签约投资额（亿元）": "signed_investment_yuan", "开工项目数": "started_projects",
                  "投产项目数": "producing_projects"}
FLOORS_YI = (1, 10, 30, 50, 100)  # 亿元以上, 10亿元以上 … each floor inclusive
BANDS_YI = ((1, 10), (10, 30), (30, 50), (50, 100), (100, None))
EXPORTS = ("projects", "ranking", "teams", "districts", "visits")


# ---------------------------------------------------------------------------------------------------- the data

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
    db.session.add_all(records)
    db.session.commit()
    return World(
        seed=seed,
        districts=tuple(Place(d.id, d.name, tuple((t.id, t.name, t.active) for t in teams[d.id])) for d in districts),
        leaders={d.id: f"leader{d.code}" for d in districts}, admin="admin", member="member",
        member_team=teams[first.id][0].id, city="city")


# ------------------------------------------------------------------------------------- the count, in plain SQL

@dataclass(frozen=True)
class Scope:
    """Whose records: one team's, one district's, or (neither) the whole city's."""

    team_id: int | None = None
    district_id: int | None = None

    def of(self, alias: str) -> str:
        """SQL keeping the rows of `alias` (a table with team_id) in the scope."""
        if self.team_id is not None:
            return f"{alias}.team_id = :team_id"
        if self.district_id is not None:
            return f"{alias}.team_id IN (SELECT id FROM team WHERE district_id = :district_id)"
        return "1 = 1"

    @property
    def params(self) -> dict[str, int]:
        if self.team_id is not None:
            return {"team_id": self.team_id}
        return {} if self.district_id is None else {"district_id": self.district_id}


CITY = Scope()
COUNTED = "p.verified AND NOT p.voided"
SIGNED = "p.signed_on BETWEEN :start AND :end"


def rows(statement: str, **params: Any) -> list[Any]:
    """Run plain SQL; days and instants are bound as their columns' types, so both databases compare like with like."""
    types = {date: Date(), datetime: UTCDateTime()}
    binds = [bindparam(name, type_=types[type(value)]) for name, value in params.items()
             if type(value) in types and f":{name}" in statement]
    return db.session.execute(text(statement).bindparams(*binds), params).all()


def number(value: Any) -> int:
    return int(value or 0)  # PostgreSQL sums BIGINT as NUMERIC


class Truth:
    """The figures as the rules define them, counted in SQL written here; each asked once per test."""

    def __init__(self) -> None:
        self.known: dict[tuple[Any, ...], Any] = {}

    def remembered(self, key: tuple[Any, ...], count: Any) -> Any:
        if key not in self.known:
            self.known[key] = count()
        return self.known[key]

    def figures(self, span: Span, scope: Scope) -> dict[str, int]:
        return self.remembered(("figures", span, scope), lambda: self.count_figures(span, scope))

    @staticmethod
    def count_figures(span: Span, scope: Scope) -> dict[str, int]:
        days = {"start": span.start, "end": span.end} | scope.params
        trips, = rows(f"SELECT COUNT(*) FROM trip t WHERE t.start_on BETWEEN :start AND :end AND {scope.of('t')}",
                      **days)[0]
        # a company with a credit code is the code, wherever held; one without is its record
        visits, companies = rows(
            "SELECT COUNT(*), COUNT(DISTINCT e.credit_code)"
            " + COUNT(DISTINCT CASE WHEN e.credit_code IS NULL THEN e.id END)"
            " FROM visit v JOIN enterprise e ON e.id = v.enterprise_id"
            f" WHERE v.visited_on BETWEEN :start AND :end AND {scope.of('v')}", **days)[0]
        since = datetime.combine(span.start, time(0), SHANGHAI)
        until = datetime.combine(span.end + timedelta(days=1), time(0), SHANGHAI)
        leads, = rows(f'SELECT COUNT(*) FROM "lead" l WHERE l.created_at >= :since AND l.created_at < :until'
                      f" AND {scope.of('l')}", since=since, until=until, **scope.params)[0]
        signed, yi, amount, started, producing = rows(
            f"SELECT SUM(CASE WHEN {SIGNED} THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN {SIGNED} AND p.total_investment_yuan >= {YI} THEN 1 ELSE 0 END),"
            f" SUM(CASE WHEN {SIGNED} THEN p.total_investment_yuan ELSE 0 END),"
            " SUM(CASE WHEN p.started_on BETWEEN :start AND :end THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN p.production_on BETWEEN :start AND :end THEN 1 ELSE 0 END)"
            f" FROM project p WHERE {COUNTED} AND {scope.of('p')}", **days)[0]
        values = (trips, companies, visits, leads, signed, yi, amount, started, producing)
        return dict(zip(FIGURES, (number(value) for value in values), strict=True))

    def signed_where(self, span: Span, scope: Scope, condition: str, columns: str, tail: str = "") -> list[Any]:
        """Columns over the counted projects signed in the span that meet the condition."""
        return rows(f"SELECT {columns} FROM project p WHERE {COUNTED} AND {SIGNED} AND {condition}"
                    f" AND {scope.of('p')} {tail}", start=span.start, end=span.end, **scope.params)

    def pending(self, span: Span, scope: Scope) -> int:
        """Signed in the span, awaiting verification, not voided."""
        return self.remembered(("pending", span, scope), lambda: number(rows(
            f"SELECT COUNT(*) FROM project p WHERE NOT p.verified AND NOT p.voided AND {SIGNED} AND {scope.of('p')}",
            start=span.start, end=span.end, **scope.params)[0][0]))

    def fixed_assets(self, span: Span, scope: Scope) -> int:
        return number(self.signed_where(span, scope, "1 = 1", "SUM(p.fixed_asset_investment_yuan)")[0][0])

    def floors(self, span: Span, scope: Scope) -> dict[int, tuple[int, int]]:
        """Per size floor in 亿元: how many counted signings reach it, and their sum."""
        return self.remembered(("floors", span, scope), lambda: {floor: tuple(number(v) for v in self.signed_where(
            span, scope, f"p.total_investment_yuan >= {floor * YI}", "COUNT(*), SUM(p.total_investment_yuan)")[0])
            for floor in FLOORS_YI})

    def bands(self, span: Span, scope: Scope) -> dict[tuple[int, int | None], int]:
        """Per size band in 亿元 (lower bound in, upper out): how many counted signings."""
        counts = {}
        for low, high in BANDS_YI:
            below = "" if high is None else f" AND p.total_investment_yuan < {high * YI}"
            counts[low, high] = number(self.signed_where(
                span, scope, f"p.total_investment_yuan >= {low * YI}{below}", "COUNT(*)")[0][0])
        return counts

    def yi_codes(self, span: Span, scope: Scope) -> list[str]:
        """The 亿元以上 ranking: largest first, then the earlier signing, then the code."""
        return self.remembered(("yi", span, scope), lambda: [code for code, in self.signed_where(
            span, scope, f"p.total_investment_yuan >= {YI}", "p.code",
            "ORDER BY p.total_investment_yuan DESC, p.signed_on, p.code")])

    def months(self, span: Span, scope: Scope) -> dict[str, tuple[int, int]]:
        """Per month the span touches ('YYYY-MM'): counted signings and their sum, on the span's days of it."""
        found, first = {}, date(span.start.year, span.start.month, 1)
        while first <= span.end:
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            part = Span("", {}, (), max(first, span.start), min(following - timedelta(days=1), span.end))
            found[f"{first:%Y-%m}"] = tuple(number(v) for v in self.signed_where(
                part, scope, "1 = 1", "COUNT(*), SUM(p.total_investment_yuan)")[0])
            first = following
        return found

    def industries(self, span: Span, scope: Scope) -> dict[str, tuple[int, int]]:
        return {industry or "未分类": (number(count), number(amount)) for industry, count, amount in self.signed_where(
            span, scope, "1 = 1", "COALESCE(p.industry, ''), COUNT(*), SUM(p.total_investment_yuan)",
            "GROUP BY COALESCE(p.industry, '')")}

    def from_leads(self, span: Span, scope: Scope) -> tuple[int, int]:
        """Counted signings in the span that came from a lead of the scope: how many, and their sum."""
        count, amount = rows(
            f'SELECT COUNT(*), SUM(p.total_investment_yuan) FROM project p JOIN "lead" l ON l.id = p.lead_id'
            f" WHERE {COUNTED} AND {SIGNED} AND {scope.of('l')}", start=span.start, end=span.end, **scope.params)[0]
        return number(count), number(amount)

    def active_teams(self, scope: Scope) -> int:
        district = "" if scope.district_id is None else " AND district_id = :district_id"
        return number(rows(f"SELECT COUNT(*) FROM team WHERE active{district}", **scope.params)[0][0])

    def visits(self, span: Span, scope: Scope) -> int:
        return self.figures(span, scope)["visits"]

    def lead_list(self, scope: Scope) -> tuple[int, int]:
        """Every lead of the scope and their amounts: intended until signed, then its project's (voided: none)."""
        count, amount = rows(
            "SELECT COUNT(*), SUM(CASE WHEN l.stage = 'signed' THEN p.total_investment_yuan"
            " ELSE l.intended_investment_yuan END)"
            ' FROM "lead" l LEFT JOIN project p ON p.lead_id = l.id AND NOT p.voided'
            f" WHERE {scope.of('l')}", **scope.params)[0]
        return number(count), number(amount)

    def ranked_teams(self, span: Span, place: Place) -> set[str]:
        """The teams a district's ranking lists: its active ones, and any other with a figure in the span."""
        return {name for team_id, name, active in place.teams
                if active or any(self.figures(span, Scope(team_id=team_id)).values())}


# ------------------------------------------------------------------------------------------- comparing

MISSING = "(missing)"


@dataclass
class Ledger:
    """Every comparison made, by surface and figure, and those that disagreed."""

    seed: int
    pairs: set[tuple[str, str]] = field(default_factory=set)
    count: int = 0
    mismatches: list[str] = field(default_factory=list)

    def check(self, surface: str, where: str, figure: str, expected: Any, got: Any) -> None:
        self.count += 1
        self.pairs.add((surface, figure))
        if expected != got:
            self.mismatches.append(f"{surface} [{where}] {figure}: expected {expected!r}, got {got!r}")

    def check_all(self, surface: str, where: str, expected: dict[str, Any], got: dict[str, Any]) -> None:
        for figure, value in expected.items():
            self.check(surface, where, figure, value, got.get(figure, MISSING))

    def verdict(self) -> None:
        """Print what was compared; fail naming every disagreement."""
        surfaces = {surface for surface, _figure in self.pairs}
        print(f"\nseed {self.seed}: {self.count} comparisons of {len(self.pairs)} surface·figure pairs "
              f"({len(surfaces)} surfaces × their figures, over {len(SPANS)} periods); "
              f"{len(self.mismatches)} mismatches")
        if self.mismatches:
            pytest.fail(f"{len(self.mismatches)} of {self.count} figures disagree with the SQL:\n"
                        + "\n".join(self.mismatches), pytrace=False)


def yi_shown(yuan: int) -> str:
    """Yuan in 亿元 as people read it: two decimals, halves up, grouped digits."""
    return f"{(Decimal(yuan) / YI).quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def on_card(figure: str, value: int) -> str:
    return yi_shown(value) if figure == MONEY else f"{value:,}"


def on_page(figure: str, value: int) -> str:
    return f"{yi_shown(value)}亿元" if figure == MONEY else str(value)


def shown_figures(figures: dict[str, int], keys: tuple[str, ...], style: Any) -> dict[str, str]:
    return {key: style(key, figures[key]) for key in keys}


# --------------------------------------------------------------------------------------- reading the surfaces

def sign_in(app: Flask, username: str) -> FlaskClient:
    """A browser of its own, signed in through the real form."""
    browser = app.test_client()
    response = browser.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return browser


def page(browser: FlaskClient, path: str, query: dict[str, Any]) -> str:
    response = browser.get(f"{path}?{urlencode(query)}")
    assert response.status_code == 200, (path, query, response.status_code)
    return response.text


def chart(browser: FlaskClient, name: str, query: dict[str, Any]) -> dict[str, Any]:
    response = browser.get(f"/dashboard/data/{name}?{urlencode(query)}")
    assert response.status_code == 200, (name, query, response.text)
    return response.json


def card_blocks(html: str) -> list[dict[str, str]]:
    """Each block of KPI cards, in page order: {figure: the number shown}."""
    return [dict(re.findall(r'<strong class="figure" data-key="([^"]+)">([^<]*)</strong>', block))
            for block in html.split('<section class="cards kpi-cards"')[1:]]


BRIEF = re.compile(r"截至([^，]+)，全(区|市)招商引资签约项目(\d+)个，其中亿元以上项目(\d+)个，总投资([\d,.]+)亿元；"
                   r"(\d+)支驻外招商专班外出招商(\d+)次，拜访企业(\d+)家。")


def brief_figures(sentence: str) -> dict[str, Any]:
    found = BRIEF.search(sentence)
    if found is None:
        return {}
    day, whole, signed, yi, amount, teams, trips, companies = found.groups()
    return {"as_of": day, "whole": whole, "signed_projects": int(signed), "yi_projects": int(yi), MONEY: amount,
            "teams": int(teams), "trips": int(trips), "enterprises_visited": int(companies)}


def expected_brief(truth: Truth, span: Span, scope: Scope) -> dict[str, Any]:
    figures = truth.figures(span, scope)
    amount = figures[MONEY]
    return {"as_of": f"{span.end.year}年{span.end.month}月{span.end.day}日",  # the period is over, in a past year
            "whole": "市" if scope == CITY else "区", "signed_projects": figures["signed_projects"],
            "yi_projects": figures["yi_projects"], MONEY: f"{amount // YI:,}" if amount % YI == 0 else yi_shown(amount),
            "teams": truth.active_teams(scope), "trips": figures["trips"],
            "enterprises_visited": figures["enterprises_visited"]}


def ranking_rows(html: str, key: str) -> dict[str, dict[str, str]]:
    """A ranking table's rows by unit name: rank, score and each figure cell as shown."""
    found = {}
    for name, rank, score, cells in re.findall(
            rf'<tr {key}="([^"]+)" data-rank="(\d+)" data-score="([^"]+)">(.*?)</tr>', html, re.S):
        shown = {PAGE_METRICS[metric]: value.strip() for metric, value in re.findall(
            r'data-metric="([^"]+)">([^<]*)<', cells)}
        found[name] = {"rank": rank, "score": score} | shown
    return found


def ranking_totals(html: str) -> dict[str, str]:
    return {PAGE_METRICS[metric]: value.strip() for metric, value in re.findall(r'data-total="([^"]+)">([^<]*)<', html)}


def sheet(browser: FlaskClient, name: str, ext: str, query: dict[str, Any]) -> list[list[Any]]:
    """An export's first sheet read back, title row first; empty cells are None."""
    response = browser.get(f"/exports/{name}.{ext}?{urlencode(query)}")
    assert response.status_code == 200, (name, ext, query, response.status_code)
    data = response.data
    response.close()  # a workbook is sent from an open file
    if ext == "csv":
        return [[cell or None for cell in line] for line in csv.reader(io.StringIO(data.decode("utf-8-sig")))]
    frame = pd.read_excel(io.BytesIO(data), engine="calamine", header=None)
    return [[None if pd.isna(cell) else cell for cell in line] for line in frame.itertuples(index=False)]


def whole(cell: Any) -> int | str:
    """A count as written (a CSV's text, a workbook's number)."""
    try:
        return int(Decimal(str(cell)))
    except ArithmeticError:
        return f"not a number: {cell!r}"


def yuan(cell: Any) -> int | str:
    """An amount written in 亿元 (exact text in a CSV, a number in a workbook), back in yuan."""
    try:
        amount = Decimal(cell) if isinstance(cell, str) else Decimal(repr(float(cell)))
    except (ArithmeticError, TypeError, ValueError):
        return f"not an amount: {cell!r}"
    return int((amount * YI).to_integral_value(ROUND_HALF_UP))


def n_in(cell: Any) -> int | None:
    """The number inside a text such as 12个项目."""
    found = re.search(r"\d+", str(cell or ""))
    return int(found.group()) if found else None


def data_and_footer(table: list[list[Any]]) -> tuple[list[list[Any]], list[list[Any]]]:
    """The data rows under the title and header, and the rows after them that start with 合计 or 其中."""
    body = table[2:]
    for index, line in enumerate(body):
        if str(line[0] or "").startswith(("合计", "其中")):
            return body[:index], body[index:]
    return body, []


def unit_rows(table: list[list[Any]], total_label: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """A ranking export: each unit's figures by name, and the totals row's, by the header of each column."""
    header = [str(cell or "") for cell in table[1]]
    columns = {EXPORT_HEADERS[title]: index for index, title in enumerate(header) if title in EXPORT_HEADERS}

    def figures(line: list[Any]) -> dict[str, Any]:
        return {key: (yuan if key == MONEY else whole)(line[index]) for key, index in columns.items()}
    units, totals = {}, {}
    for line in table[2:]:
        if line[1] == total_label:
            totals = figures(line)
            break
        units[str(line[1])] = figures(line) | {"rank": whole(line[0]), "score": str(line[2])}
    return units, totals


def on_turn(world: World, index: int) -> Place:
    """The district whose leader reads the slower surfaces in the index-th period: each district in turn."""
    return world.districts[index % len(world.districts)]


def readers(world: World, index: int) -> list[tuple[str, str, Scope]]:
    """Who reads the pages and files of the index-th period: a district's leader (each district in turn) and the
    city; (label, username, whose figures)."""
    turn = on_turn(world, index)
    return [(f"{turn.name}领导", world.leaders[turn.id], Scope(district_id=turn.id)), ("市招商局", world.city, CITY)]


# ------------------------------------------------------------------------------------------------- the tests

def check_edges(world: World) -> None:
    """The generator made what the rules turn on, so the tests can catch a rule broken at an edge."""
    year, truth = SPANS[0], Truth()
    amounts = {amount for amount, in rows(f"SELECT p.total_investment_yuan FROM project p WHERE {COUNTED}"
                                          f" AND {SIGNED}", start=year.start, end=year.end)}
    assert {99_999_999, YI} <= amounts
    voided, pending, dollars = rows(
        "SELECT SUM(CASE WHEN p.voided THEN 1 ELSE 0 END), SUM(CASE WHEN NOT p.verified THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN p.currency <> 'CNY' AND p.original_amount < {YI} AND {COUNTED} THEN 1 ELSE 0 END)"
        " FROM project p")[0]
    assert number(voided) and number(pending) and number(dollars)
    for day in (date(2026, 3, 31), date(2026, 4, 1), date(2026, 12, 31)):
        assert number(rows(f"SELECT COUNT(*) FROM project p WHERE {COUNTED} AND p.signed_on = :day", day=day)[0][0])
    # a company held by several districts was visited in more than one: the city counts fewer than the districts' sum
    by_district = sum(truth.figures(year, Scope(district_id=place.id))["enterprises_visited"]
                      for place in world.districts)
    assert truth.figures(year, CITY)["enterprises_visited"] < by_district


@pytest.fixture(params=SEEDS, ids=[f"seed{seed}" for seed in SEEDS])
def world(app: Flask, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> World:
    monkeypatch.setattr(periods, "now", lambda: NOW)
    made = build(request.param)
    check_edges(made)
    return made


class Browsers(dict[str, FlaskClient]):
    """A browser per user, signed in when first wanted."""

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app

    def __missing__(self, username: str) -> FlaskClient:
        browser = self[username] = sign_in(self.app, username)
        return browser


@pytest.fixture
def browsers(app: Flask, world: World) -> Browsers:
    return Browsers(app)


def test_every_page_tells_the_sql_truth(world: World, browsers: Browsers) -> None:
    """The dashboard (cards, brief, charts) and the three rankings' pages, as the city and the districts' people."""
    truth, ledger = Truth(), Ledger(world.seed)
    check_dashboard(ledger, truth, world, browsers)
    check_rankings(ledger, truth, world, browsers)
    ledger.verdict()


def test_every_export_and_command_tells_the_sql_truth(world: World, browsers: Browsers,
                                                      runner: FlaskCliRunner) -> None:
    """Every export's totals and rows, and `flask summary` and `flask rankings`."""
    truth, ledger = Truth(), Ledger(world.seed)
    check_exports(ledger, truth, world, browsers)
    check_command_line(ledger, truth, world, runner)
    ledger.verdict()


def check_dashboard(ledger: Ledger, truth: Truth, world: World, browsers: Browsers) -> None:
    """Cards, the brief and the pending note for a district's leader, the city, the city narrowed to a district or an
    admin, and a team member (with the team's cards); the charts' JSON for the city, the leader and the team."""
    first = world.districts[0]
    for index, span in enumerate(SPANS):
        turn = on_turn(world, index)
        other = (("招商局管理员", world.admin, Scope(district_id=first.id), {}) if index % 2 else
                 (f"市招商局选{turn.name}", world.city, Scope(district_id=turn.id), {"district": str(turn.id)}))
        for label, username, scope, extra in [*((*reader, {}) for reader in readers(world, index)), other]:
            where = f"{span.name} · {label}"
            html = page(browsers[username], "/", span.query | extra)
            blocks = card_blocks(html)
            ledger.check_all("dashboard cards", where, shown_figures(truth.figures(span, scope), CARD_FIGURES, on_card),
                             blocks[0] if blocks else {})
            ledger.check_all("dashboard brief", where, expected_brief(truth, span, scope), brief_figures(html))
            note = re.search(r"另有 (\d+) 个签约项目待认定", html)
            ledger.check("dashboard pending note", where, "pending_verification", truth.pending(span, scope),
                         int(note.group(1)) if note else 0)
            if username != world.admin and not extra:
                check_charts(ledger, truth, span, where, browsers[username], scope, span.query)
        where, own = f"{span.name} · 专班成员", Scope(team_id=world.member_team)
        blocks = card_blocks(page(browsers[world.member], "/", span.query))
        ledger.check_all("dashboard cards", where, shown_figures(truth.figures(span, Scope(district_id=first.id)),
                                                                CARD_FIGURES, on_card), blocks[0] if blocks else {})
        ledger.check_all("dashboard team cards", where, shown_figures(truth.figures(span, own), CARD_FIGURES, on_card),
                         blocks[1] if len(blocks) > 1 else {})
        check_charts(ledger, truth, span, f"{where} · 本专班", browsers[world.member], own,
                     span.query | {"team": str(world.member_team)})


def check_charts(ledger: Ledger, truth: Truth, span: Span, where: str, browser: FlaskClient, scope: Scope,
                 query: dict[str, str]) -> None:
    """The monthly, sizes, industries and funnel charts' numbers for the scope."""
    expected = truth.figures(span, scope)
    months = chart(browser, "monthly", query)["months"]
    ledger.check("chart monthly", where, "per month", truth.months(span, scope),
                 {m["month"]: (m["signed"], m["investment_yuan"]) for m in months})
    ledger.check("chart monthly", where, "signed_projects", expected["signed_projects"],
                 sum(m["signed"] for m in months))
    ledger.check("chart monthly", where, MONEY, expected[MONEY], sum(m["investment_yuan"] for m in months))
    sizes = chart(browser, "sizes", query)["sizes"]
    ledger.check("chart sizes", where, "per band", truth.bands(span, scope),
                 {(band["low_yi"], band["high_yi"]): band["count"] for band in sizes})
    ledger.check("chart sizes", where, "yi_projects", expected["yi_projects"], sum(band["count"] for band in sizes))
    industries = chart(browser, "industries", query)["industries"]
    ledger.check("chart industries", where, "per industry", truth.industries(span, scope),
                 {row["industry"]: (row["signed"], row["investment_yuan"]) for row in industries})
    stages = chart(browser, "funnel", query)["stages"]
    signed = next((stage for stage in stages if stage["stage"] == "signed"), {})
    ledger.check("chart funnel", where, "signed from leads", truth.from_leads(span, scope),
                 (signed.get("count"), signed.get("investment_yuan")))


def check_rankings(ledger: Ledger, truth: Truth, world: World, browsers: Browsers) -> None:
    """专班排名, 亿元以上项目榜 and 区县排名 as the city and as a district's leader, and the scores charts."""
    for index, span in enumerate(SPANS):
        turn = on_turn(world, index)
        (leader, username, _scope), (city, *_rest) = readers(world, index)
        tables = {label: check_team_ranking(ledger, truth, span, turn, f"{span.name} · {turn.name} · {label}",
                                            page(browsers[name], "/rankings/teams", span.query | query))
                  for label, name, query in ((leader, username, {}), (city, world.city, {"district": str(turn.id)}))}
        ledger.check("team ranking page", f"{span.name} · {turn.name}", "the city's view = the leader's",
                     tables[leader], tables[city])
        scores = {row["team_name"]: (str(row["rank"]), row["score"])
                  for row in chart(browsers[username], "teams", span.query)["teams"]}
        ledger.check("chart teams", f"{span.name} · {turn.name}", "rank and score as ranked",
                     {name: (row["rank"], row["score"]) for name, row in tables[leader].items()}, scores)
        for label, name, scope in readers(world, index):
            where = f"{span.name} · {label}"
            html = page(browsers[name], "/rankings/projects", span.query)
            found = re.search(r'data-count="(\d+)" data-total-yuan="(\d+)"', html)
            floors = truth.floors(span, scope)
            ledger.check("project ranking page", where, "count and sum", floors[1],
                         tuple(int(n) for n in found.groups()) if found else None)
            ledger.check("project ranking page", where, "per size", {str(f): n for f, (n, _sum) in floors.items()},
                         {key: int(n) for key, n in re.findall(
                             r'<li data-bucket="(\d+)"><span>[^<]*</span> <strong>(\d+)</strong>', html)})
            ledger.check("project ranking page", where, "order (first page)", truth.yi_codes(span, scope)[:50],
                         re.findall(r'<tr data-code="([^"]+)" data-rank="\d+"', html))
        check_district_ranking(ledger, truth, world, span, [(city, browsers[world.city]),
                                                            (leader, browsers[username])])


def check_team_ranking(ledger: Ledger, truth: Truth, span: Span, place: Place, where: str,
                       html: str) -> dict[str, dict[str, str]]:
    """A district's team ranking page: the teams it lists, each one's figures and the district's; its rows."""
    listed = ranking_rows(html, "data-team")
    ledger.check("team ranking page", where, "teams listed", truth.ranked_teams(span, place), set(listed))
    for team_id, name, _active in place.teams:
        if name in listed:
            ledger.check_all("team ranking page", f"{where} · {name}",
                             shown_figures(truth.figures(span, Scope(team_id=team_id)), FIGURES, on_page), listed[name])
    ledger.check_all("team ranking page totals", where,
                     shown_figures(truth.figures(span, Scope(district_id=place.id)), FIGURES, on_page),
                     ranking_totals(html))
    return listed


def check_district_ranking(ledger: Ledger, truth: Truth, world: World, span: Span,
                           viewers: list[tuple[str, FlaskClient]]) -> None:
    """区县排名 as the city (first) and as a district's leader: the same table, and every figure the SQL's."""
    tables = {}
    for label, browser in viewers:
        where = f"{span.name} · {label}"
        html = page(browser, "/rankings/districts", span.query)
        listed, totals = ranking_rows(html, "data-district"), ranking_totals(html)
        tables[label] = (listed, totals)
        for place in world.districts:
            ledger.check_all("district ranking page", f"{where} · {place.name}", shown_figures(
                truth.figures(span, Scope(district_id=place.id)), DISTRICT_PAGE_FIGURES, on_page),
                listed.get(place.name, {}))
        ledger.check_all("district ranking page totals", where,
                         shown_figures(truth.figures(span, CITY), DISTRICT_PAGE_FIGURES, on_page), totals)
    (city, city_table), *others = tables.items()
    for label, table in others:
        ledger.check("district ranking page", f"{span.name} · {label}", "the leader's view = the city's",
                     city_table, table)
    scores = {row["team_name"]: (str(row["rank"]), row["score"])
              for row in chart(viewers[0][1], "teams", span.query)["teams"]}
    ledger.check("chart teams", f"{span.name} · {city}", "rank and score as ranked",
                 {name: (row["rank"], row["score"]) for name, row in city_table[0].items()}, scores)


def check_command_line(ledger: Ledger, truth: Truth, world: World, runner: FlaskCliRunner) -> None:
    """`flask summary --json` for every district; `--brief` and the rankings' `--json` for each district in turn (not
    the one whose pages were read in that period)."""
    def run(*args: str) -> str:
        result = runner.invoke(args=list(args))
        assert result.exit_code == 0, (args, result.output)
        return result.output

    for index, span in enumerate(SPANS):
        turn = on_turn(world, index + 1)
        for place in world.districts:
            where, scope = f"{span.name} · --district {place.name}", Scope(district_id=place.id)
            summary = json.loads(run("summary", *span.options, "--district", place.name, "--json"))
            ledger.check_all("flask summary --json", where, truth.figures(span, scope) | {
                "pending_verification": truth.pending(span, scope), "teams": truth.active_teams(scope),
                "period_start": span.start.isoformat(), "period_end": span.end.isoformat()}, summary)
        where, scope = f"{span.name} · --district {turn.name}", Scope(district_id=turn.id)
        ledger.check_all("flask summary --brief", where, expected_brief(truth, span, scope),
                         brief_figures(run("summary", *span.options, "--district", turn.name, "--brief")))
        teams = json.loads(run("rankings", "teams", *span.options, "--district", turn.name, "--json"))["teams"]
        listed = {row["team_name"]: row["figures"] for row in teams}
        ledger.check("flask rankings teams --json", where, "teams listed", truth.ranked_teams(span, turn), set(listed))
        for team_id, name, _active in turn.teams:
            if name in listed:
                ledger.check_all("flask rankings teams --json", f"{where} · {name}",
                                 truth.figures(span, Scope(team_id=team_id)), listed[name])
        ranking = json.loads(run("rankings", "projects", *span.options, "--district", turn.name, "--json"))
        floors = truth.floors(span, scope)
        ledger.check_all("flask rankings projects --json", where, {
            "count": floors[1][0], "total_investment_yuan": floors[1][1],
            "buckets": {str(floor): n for floor, (n, _sum) in floors.items()}}, ranking)
        ledger.check("flask rankings projects --json", where, "order", truth.yi_codes(span, scope),
                     [row["code"] for row in ranking["projects"]])
        districts = json.loads(run("rankings", "districts", *span.options, "--json"))
        listed = {row["district"]: row["figures"] for row in districts["districts"]}
        for place in world.districts:
            ledger.check_all("flask rankings districts --json", f"{span.name} · {place.name}",
                             truth.figures(span, Scope(district_id=place.id)), listed.get(place.name, {}))
        ledger.check_all("flask rankings districts --json (city)", span.name, truth.figures(span, CITY),
                         districts["city"])


def check_exports(ledger: Ledger, truth: Truth, world: World, browsers: Browsers) -> None:
    """Every export as the city and as a district's leader: its totals rows and its rows' figures; each list as
    .csv in every period (the two team rankings' by one reader or the other), and as .xlsx in the year (the same
    table, written by another writer)."""
    assert set(CATALOGUE) == {*EXPORTS, "leads"}, "an export was added: check its totals here too"
    for label, username, scope in readers(world, 0):
        for ext in ("csv", "xlsx") if scope == CITY else ("csv",):
            _data, footer = data_and_footer(sheet(browsers[username], "leads", ext, {}))
            line = footer[0] if footer else [None] * 6
            ledger.check(f"export leads.{ext}", label, "合计 count and amount", truth.lead_list(scope),
                         (n_in(line[1]), yuan(line[5])))
    for index, span in enumerate(SPANS):
        for label, username, scope in readers(world, index):
            named = {"district": str(on_turn(world, index + 1).id)} if scope == CITY else {}  # its team ranking's
            for ext in ("csv", "xlsx") if index == 0 else ("csv",):
                rankings = ext == "xlsx" or (scope == CITY) == (index % 2 == 0)
                check_period_exports(ledger, truth, world, span, ext, f"{span.name} · {label}", browsers[username],
                                     scope, named if rankings else None)


def check_period_exports(ledger: Ledger, truth: Truth, world: World, span: Span, ext: str, where: str,
                         browser: FlaskClient, scope: Scope, teams_query: dict[str, str] | None) -> None:
    """The period's exports as one reader downloads them; the team rankings' unless `teams_query` is None."""
    figures, floors = truth.figures(span, scope), truth.floors(span, scope)
    # 签约项目清单: by default what the figures count; 合计 with its fixed assets, then 其中 per size floor
    data, footer = data_and_footer(sheet(browser, "projects", ext, span.query))
    line = next((line for line in footer if line[0] == "合计"), [None] * 7)
    ledger.check(f"export projects.{ext}", where, "rows", figures["signed_projects"], len(data))
    ledger.check(f"export projects.{ext}", where, "合计 count, sum and fixed assets",
                 (figures["signed_projects"], figures[MONEY], truth.fixed_assets(span, scope)),
                 (n_in(line[1]), yuan(line[5]), yuan(line[6])))
    ledger.check(f"export projects.{ext}", where, "其中 per size (count, sum)", floors,
                 {floor_of(line[1]): (n_in(str(line[1]).split("以上")[-1]), yuan(line[5]))
                  for line in footer if line[0] == "其中"})
    if ext == "csv" and scope == CITY:  # with the signings awaiting verification: a 合计 line for each standing
        _data, footer = data_and_footer(sheet(browser, "projects", ext, span.query | {"verified": "all"}))
        ledger.check(f"export projects.{ext}?verified=all", where, "合计 per standing",
                     {"合计（已认定）": figures["signed_projects"], "合计（待认定）": truth.pending(span, scope)},
                     {str(line[0]): n_in(line[1]) for line in footer if str(line[0]).startswith("合计")})
    # 亿元以上项目榜
    data, footer = data_and_footer(sheet(browser, "ranking", ext, span.query))
    line = next((line for line in footer if line[0] == "合计"), [None] * 3)
    ledger.check(f"export ranking.{ext}", where, "合计 count and sum", floors[1], (n_in(line[1]), yuan(line[2])))
    ledger.check(f"export ranking.{ext}", where, "其中 per size", {floor: n for floor, (n, _sum) in floors.items()},
                 {floor_of(line[1]): n_in(str(line[1]).split("以上")[-1]) for line in footer if line[0] == "其中"})
    ledger.check(f"export ranking.{ext}", where, "order", truth.yi_codes(span, scope), [str(row[3]) for row in data])
    # 拜访记录 over the period's days
    data, footer = data_and_footer(sheet(browser, "visits", ext, {"start": span.start.isoformat(),
                                                                   "end": span.end.isoformat()}))
    ledger.check(f"export visits.{ext}", where, "rows and 合计 count", (figures["visits"], figures["visits"]),
                 (len(data), n_in(footer[0][1]) if footer else None))
    if teams_query is None:
        return
    # 专班排名: a district's (for the city, the one it names)
    place = next(p for p in world.districts if p.id == (scope.district_id or int(teams_query["district"])))
    units, totals = unit_rows(sheet(browser, "teams", ext, span.query | teams_query), "全区合计")
    ledger.check(f"export teams.{ext}", f"{where} · {place.name}", "teams listed", truth.ranked_teams(span, place),
                 set(units))
    for team_id, name, _active in place.teams:
        if name in units:
            ledger.check_all(f"export teams.{ext}", f"{where} · {name}", truth.figures(span, Scope(team_id=team_id)),
                             units[name])
    ledger.check_all(f"export teams.{ext} totals", f"{where} · {place.name}",
                     truth.figures(span, Scope(district_id=place.id)), totals)
    # 区县排名: the same for every reader
    units, totals = unit_rows(sheet(browser, "districts", ext, span.query), "全市合计")
    for place in world.districts:
        ledger.check_all(f"export districts.{ext}", f"{where} · {place.name}",
                         truth.figures(span, Scope(district_id=place.id)), units.get(place.name, {}))
    ledger.check_all(f"export districts.{ext} totals", where, truth.figures(span, CITY), totals)


def floor_of(label: Any) -> int | None:
    """The size floor in 亿元 a 其中 line names: 亿元以上项目3个 → 1, 10亿元以上项目2个 → 10."""
    found = re.match(r"(\d*)亿元以上", str(label or ""))
    return (int(found.group(1)) if found.group(1) else 1) if found else None
