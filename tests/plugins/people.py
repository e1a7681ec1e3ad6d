"""The people and records a test makes: districts, teams, users, enterprises, trips, visits, leads, projects.

Each maker commits what it makes, numbered so that names never clash; `member` and `admin` are the users most tests
sign in as (a module that needs them made otherwise defines its own).
"""

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from crm.auth.services import hash_password
from crm.domain.credit_code import make_credit_code
from crm.enterprises.names import normalise_name
from crm.extensions import db
from crm.models import (
    AgreementKind,
    District,
    Enterprise,
    Lead,
    Project,
    ProjectType,
    Role,
    Team,
    Trip,
    User,
    Visit,
    VisitKind,
)
from tests.plugins.app import PASSWORD


@pytest.fixture
def home_district(app: Flask) -> District:
    """The district every made record belongs to unless a test names another."""
    district = db.session.scalar(select(District).where(District.code == "ZW"))
    if district is None:
        district = District(name="张湾区", code="ZW")
        db.session.add(district)
        db.session.commit()
    return district


@pytest.fixture
def make_district() -> Callable[..., District]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> District:
        n = next(counter)
        district = District(**({"name": f"测试{n}区", "code": f"T{n}"} | fields))
        db.session.add(district)
        db.session.commit()
        return district
    return make


@pytest.fixture
def make_team(home_district: District) -> Callable[..., Team]:
    counter = iter(range(1, 10_000))
    home_id = home_district.id  # read once: a test may empty the database and start again

    def make(**fields: Any) -> Team:
        n = next(counter)
        team = Team(**({"name": f"测试{n}专班", "base_city": "上海", "district_id": home_id} | fields))
        db.session.add(team)
        db.session.commit()
        return team
    return make


_password_hash: dict[str, str] = {}


@pytest.fixture
def make_user(make_team: Callable[..., Team], home_district: District) -> Callable[..., User]:
    counter = iter(range(1, 10_000))
    home_id = home_district.id

    def make(role: Role = Role.MEMBER, **fields: Any) -> User:
        n = next(counter)
        if "team" not in fields and role in (Role.LEAD, Role.MEMBER):
            fields["team"] = make_team()
        if role is not Role.CITY and "district_id" not in fields and "district" not in fields:
            team = fields.get("team")
            fields["district_id"] = team.district_id if team is not None else home_id
        if PASSWORD not in _password_hash:
            _password_hash[PASSWORD] = hash_password(PASSWORD)
        user = User(**({"username": f"{role.value}{n}", "display_name": f"用户{n}", "role": role,
                         "password_hash": _password_hash[PASSWORD]} | fields))
        db.session.add(user)
        db.session.commit()
        return user
    return make


@pytest.fixture
def make_enterprise(home_district: District) -> Callable[..., Enterprise]:
    import random
    rng = random.Random(7)
    counter = iter(range(1, 10_000))
    home_id = home_district.id

    def make(**fields: Any) -> Enterprise:
        n = next(counter)
        name = fields.pop("name", f"测试科技{n}有限公司")
        enterprise = Enterprise(**({"name": name, "name_key": normalise_name(name), "district_id": home_id,
                                    "credit_code": make_credit_code(rng), "industry": "新材料", "province": "上海",
                                    "city": "上海"} | fields))
        db.session.add(enterprise)
        db.session.commit()
        return enterprise
    return make


@pytest.fixture
def make_trip(make_team: Callable[..., Team]) -> Callable[..., Trip]:
    def make(**fields: Any) -> Trip:
        fields.setdefault("team", fields.get("team") or make_team())
        trip = Trip(**({"destination": "上海", "start_on": date(2026, 3, 2), "end_on": date(2026, 3, 4)} | fields))
        db.session.add(trip)
        db.session.commit()
        return trip
    return make


@pytest.fixture
def make_visit(make_team, make_enterprise) -> Callable[..., Visit]:
    def make(**fields: Any) -> Visit:
        fields.setdefault("team", fields.get("team") or make_team())
        fields.setdefault("enterprise", fields.get("enterprise") or make_enterprise())
        visit = Visit(**({"uuid": str(uuid.uuid4()), "visited_on": date(2026, 3, 3), "kind": VisitKind.CALL_ON}
                         | fields))
        db.session.add(visit)
        db.session.commit()
        return visit
    return make


@pytest.fixture
def make_lead(make_team, make_enterprise) -> Callable[..., Lead]:
    def make(**fields: Any) -> Lead:
        fields.setdefault("team", fields.get("team") or make_team())
        fields.setdefault("enterprise", fields.get("enterprise") or make_enterprise())
        lead = Lead(**({"title": "新材料项目", "intended_investment_yuan": 200_000_000} | fields))
        db.session.add(lead)
        db.session.commit()
        return lead
    return make


@pytest.fixture
def make_project(make_team, make_enterprise) -> Callable[..., Project]:
    counter = iter(range(1, 10_000))

    def make(**fields: Any) -> Project:
        n = next(counter)
        fields.setdefault("team", fields.get("team") or make_team())
        fields.setdefault("enterprise", fields.get("enterprise") or make_enterprise())
        project = Project(**({"code": f"T-2026-{n:03d}", "name": f"测试项目{n}", "signed_on": date(2026, 3, 5),
                              "agreement_kind": AgreementKind.CONTRACT, "project_type": ProjectType.NEW,
                              "total_investment_yuan": 150_000_000, "verified": True} | fields))
        db.session.add(project)
        db.session.commit()
        return project
    return make


@pytest.fixture
def member(make_user: Callable[..., User]) -> User:
    """A team member (of a team of their own)."""
    return make_user(Role.MEMBER, display_name="王立")


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    """The district's administrator (招商局)."""
    return make_user(Role.ADMIN, display_name="李主任")
