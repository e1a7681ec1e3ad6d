"""The demo data: the district report's figures, the flagship's dates, determinism, refusal to reload."""

import json
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, or_, select

from crm.access.tenancy import declare
from crm.demo.district import load_district
from crm.domain.money import YUAN_PER_YI as YI
from crm.domain.periods import today
from crm.extensions import db
from crm.models import (
    District,
    Enterprise,
    Lead,
    LeadStage,
    Milestone,
    Project,
    ProjectStatus,
    Role,
    ServiceItem,
    Trip,
    User,
    Visit,
)

YEAR = today().year
REPORT = {"teams": 10, "trips": 192, "enterprises_visited": 95, "signed_projects": 60, "yi_projects": 38,
          "signed_investment_yuan": 57_200_000_000, "chief_officers": 36, "key_projects": 151}


@pytest.fixture
def cli(runner: FlaskCliRunner) -> FlaskCliRunner:
    """The CLI runner (`flask demo` is one of the app's commands)."""
    return runner


@pytest.fixture
def demo(demo_output: dict[str, Any]) -> dict[str, Any]:
    """The district demo for this year, loaded through the command (tests/plugins/demo.py); its JSON output.

    The test then reads 张湾区 alone, as its users do (the demo's neighbour districts have tests of their own).
    """
    declare(db.session.scalar(select(District.id).where(District.name == "张湾区")), "as the district's users read")
    return demo_output


def test_summary_reproduces_the_report(demo: dict[str, Any], cli: FlaskCliRunner) -> None:
    result = cli.invoke(args=["summary", "--json", "--year", str(YEAR)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert {key: summary[key] for key in REPORT} == REPORT
    assert summary["pending_verification"] == 0
    assert 300 <= summary["visits"] <= 400


def test_battery_base_keeps_its_pace(demo: dict[str, Any]) -> None:
    project = db.session.scalar(select(Project).where(Project.name.like("%动力电池生产基地%")))
    signed = project.signed_on
    assert signed == min(date(YEAR, 2, 1), today())
    assert project.total_investment_yuan >= YI and project.chief_officer is not None
    assert project.planned_start_on == signed + timedelta(days=26)
    assert project.planned_production_on == signed + timedelta(days=180)
    cells = db.session.scalar(select(Milestone).where(Milestone.project_id == project.id,
                                                      Milestone.name == "首条电芯生产线调试投产"))
    assert cells.planned_on == signed + timedelta(days=300)
    # What lies after today is planned only.
    for planned, actual in ((project.planned_start_on, project.started_on),
                            (project.planned_production_on, project.production_on),
                            (cells.planned_on, cells.achieved_on)):
        assert actual == (planned if planned <= today() else None)
    expected = (ProjectStatus.PRODUCING if project.production_on else
                ProjectStatus.STARTED if project.started_on else ProjectStatus.SIGNED)
    assert project.status is expected


def test_new_plant_starts_in_april(demo: dict[str, Any]) -> None:
    project = db.session.scalar(select(Project).where(Project.name.like("%新厂区项目")))
    assert project.planned_start_on.month == 4 and project.signed_on.year == YEAR
    assert project.started_on in (project.planned_start_on, None)
    assert project.expected_annual_sales_yuan == 1_000_000_000
    assert project.expected_annual_tax_yuan == 50_000_000


def test_projects_are_consistent(demo: dict[str, Any]) -> None:
    projects = db.session.scalars(select(Project).where(Project.signed_on >= date(YEAR, 1, 1))).all()
    assert sorted(p.code for p in projects) == [f"ZW-{YEAR}-{n:03d}" for n in range(1, 61)]
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    assert all(p.verified and not p.voided and p.verified_by_id == admin.id for p in projects)
    assert all(p.fixed_asset_investment_yuan <= p.total_investment_yuan for p in projects)
    assert all(p.chief_officer is not None and p.service_team for p in projects if p.is_yi)
    visited = set(db.session.scalars(select(Visit.enterprise_id).where(Visit.visited_on >= date(YEAR, 1, 1))))
    assert {p.enterprise_id for p in projects} <= visited
    leaders = db.session.scalars(select(User).where(User.role == Role.LEADER)).all()
    assert len(leaders) == 36 and all(leader.chief_of for leader in leaders)
    terminated = db.session.scalars(select(Project).where(Project.status == ProjectStatus.TERMINATED)).all()
    assert terminated and all(p.termination_reason for p in terminated)


def test_nothing_happens_after_today(demo: dict[str, Any]) -> None:
    late = [
        select(func.count()).select_from(Trip).where(Trip.end_on > today()),
        select(func.count()).select_from(Visit).where(Visit.visited_on > today()),
        select(func.count()).select_from(Project).where(or_(Project.signed_on > today(), Project.started_on > today(),
                                                            Project.production_on > today(),
                                                            Project.capacity_on > today())),
        select(func.count()).select_from(Milestone).where(Milestone.achieved_on > today()),
    ]
    assert [db.session.scalar(query) for query in late] == [0, 0, 0, 0]


def test_leads_walk_every_stage(demo: dict[str, Any]) -> None:
    leads = db.session.scalars(select(Lead)).all()
    assert {lead.stage for lead in leads} == set(LeadStage)
    for lead in leads:
        log = lead.stage_log
        assert log[0].from_stage is None and log[0].to_stage is LeadStage.CLUE
        assert [change.to_stage for change in log[:-1]] == [change.from_stage for change in log[1:]]
        assert log[-1].to_stage is lead.stage
        assert all(a.changed_at < b.changed_at for a, b in zip(log, log[1:], strict=False))
        assert (lead.drop_reason is not None) == (lead.stage is LeadStage.DROPPED)
    signed = [lead for lead in leads if lead.stage is LeadStage.SIGNED]
    # every project was signed from a lead: this year's 60 and the earlier years' ones
    assert all(lead.project is not None for lead in signed)
    assert len(signed) == db.session.scalar(select(func.count()).select_from(Project))
    assert sum(lead.project.signed_on.year == YEAR for lead in signed) == 60


def test_the_logins_work(demo: dict[str, Any], login) -> None:
    roles = {"admin": Role.ADMIN, "leader": Role.LEADER, "lead": Role.LEAD, "member": Role.MEMBER,
             "city": Role.CITY, "security": Role.SECURITY, "auditor": Role.AUDITOR}  # 三员分立: one login per duty
    assert set(demo["logins"]) == set(roles)
    for role, account in demo["logins"].items():
        user = db.session.scalar(select(User).where(User.username == account["username"])
                                 .execution_options(all_districts=True))  # the city's user is of no district
        assert user.role is roles[role]
        login(account["username"], account["password"])


def snapshot(seed: int) -> list[tuple[Any, ...]]:
    """Load the demo with a seed, note what it made, and roll it back."""
    load_district(YEAR, seed)
    rows = [*db.session.execute(select(Project.code, Project.name, Project.total_investment_yuan)
                                .order_by(Project.code)),
            *db.session.execute(select(Visit.uuid, Visit.visited_on).order_by(Visit.uuid)),
            *db.session.execute(select(Enterprise.credit_code).order_by(Enterprise.credit_code)),
            *db.session.execute(select(Trip.start_on, Trip.destination).order_by(Trip.start_on, Trip.destination)),
            *db.session.execute(select(Lead.title, Lead.stage, Lead.intended_investment_yuan)
                                .order_by(Lead.title, Lead.stage, Lead.intended_investment_yuan)),
            *db.session.execute(select(Project.code, ServiceItem.name, ServiceItem.status, ServiceItem.done_on)
                                .join(Project).order_by(Project.code, ServiceItem.name))]
    rows = [tuple(row) for row in rows]
    db.session.rollback()
    return rows


@pytest.mark.slow  # loads the whole demo three times
def test_a_seed_makes_the_same_data(app: Flask) -> None:
    first = snapshot(1)
    assert snapshot(1) == first
    assert snapshot(2) != first


def test_second_run_refuses_and_keeps_the_data(demo: dict[str, Any], cli: FlaskCliRunner) -> None:
    users = db.session.scalar(select(func.count()).select_from(User))
    result = cli.invoke(args=["demo", "--year", str(YEAR)])
    assert result.exit_code != 0
    assert "already has users" in result.output
    again = cli.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(User)) == users
    for login in demo["logins"].values():  # `make run` run again still shows the logins
        assert f"{login['username']:16} {login['password']}" in again.output


def test_a_year_not_begun_is_refused(cli: FlaskCliRunner) -> None:
    result = cli.invoke(args=["demo", "--year", str(YEAR + 1)])
    assert result.exit_code != 0 and "has not begun" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
