"""Recording and changing signed projects: units, currencies, team scoping, and two people editing at once."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update

from crm.domain.periods import LOCAL, today
from crm.extensions import db
from crm.models import AuditEvent, Enterprise, Project, Role
from crm.projects.records import services
from tests.conftest import PASSWORD


def sign_in(client, user) -> None:
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def new_project(enterprise: str, **changes: Any) -> dict[str, Any]:
    """A filled-in project form."""
    return {"name": "光伏组件基地", "enterprise_name": enterprise, "signed_on": "2026-02-01",
            "agreement_kind": "contract", "project_type": "new", "industry": "新能源", "location": "张湾经济开发区",
            "unit": "yi", "currency": "CNY", "total_investment": "3.5", "fixed_asset_investment": "2.8",
            "expected_sales": "50000", "expected_tax": "3000", "jobs": "800", "land_area_mu": "120.5",
            "planned_start_on": "2026-03-01"} | changes


def edited(project: Project, **changes: Any) -> dict[str, Any]:
    """The edit form of a project as it is shown, with some values changed."""
    return new_project(project.enterprise.name, name=project.name, enterprise_id=str(project.enterprise_id),
                       signed_on=project.signed_on.isoformat(), total_investment="1.5", fixed_asset_investment="",
                       expected_sales="", expected_tax="", jobs="", land_area_mu="", planned_start_on="",
                       version=str(project.version)) | changes


def project_count() -> int:
    return db.session.scalar(select(func.count(Project.id)))


def test_create_in_yi_gives_exact_yuan_and_the_next_code(client, login, member, make_enterprise):
    enterprise = make_enterprise(name="晶澳光伏科技有限公司")
    login(member)
    form = client.get(f"/projects/new?enterprise_id={enterprise.id}").text
    assert 'list="enterprise-names"' in form and 'value="晶澳光伏科技有限公司"' in form
    response = client.post("/projects/new", data=new_project(enterprise.name, enterprise_id=str(enterprise.id)))
    assert response.status_code == 302
    project = db.session.scalar(select(Project))
    assert response.location == f"/projects/{project.id}"
    assert (project.code, project.team_id, project.enterprise_id) == ("ZW-2026-001", member.team_id, enterprise.id)
    assert project.total_investment_yuan == 350_000_000 and project.fixed_asset_investment_yuan == 280_000_000
    assert project.expected_annual_sales_yuan == 500_000_000 and project.expected_annual_tax_yuan == 30_000_000
    assert project.land_area_mu == Decimal("120.50") and project.jobs == 800
    assert not project.verified and project.created_by_id == member.id and project.currency == "CNY"


def test_create_in_wan_and_an_unknown_enterprise_is_registered(client, login, member):
    login(member)
    data = new_project("新登记能源有限公司", unit="wan", total_investment="12345.6789", fixed_asset_investment="1")
    assert client.post("/projects/new", data=data).status_code == 302
    project = db.session.scalar(select(Project))
    assert project.total_investment_yuan == 123_456_789 and project.fixed_asset_investment_yuan == 10_000
    assert project.enterprise.name == "新登记能源有限公司"


def test_foreign_currency_total_is_original_times_rate(client, login, member, make_enterprise):
    login(member)
    data = new_project(make_enterprise().name, currency="USD", total_investment="", original_amount="1.2",
                       fx_rate="7.1", fixed_asset_investment="5")
    assert client.post("/projects/new", data=data).status_code == 302
    project = db.session.scalar(select(Project))
    assert (project.total_investment_yuan, project.currency) == (852_000_000, "USD")
    assert (project.original_amount, project.fx_rate) == (120_000_000, Decimal("7.1"))
    page = client.get(f"/projects/{project.id}").text
    assert "8.52亿元" in page and "1.20亿美元" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"fixed_asset_investment": "3.6"}, "固定资产投资不能大于总投资"),
    ({"currency": "EUR", "original_amount": "1", "fx_rate": ""}, "汇率"),
    ({"currency": "EUR", "original_amount": "", "fx_rate": "7.8"}, "原币金额"),
    ({"signed_on": (today() + timedelta(days=1)).isoformat()}, "签约日期不能晚于今天"),
    ({"from_event": "y", "event_name": ""}, "活动签约须填写活动名称"),
    ({"total_investment": "-1"}, "金额不能为负数"),
    ({"total_investment": ""}, "请填写总投资额"),
    ({"land_area_mu": "1.234"}, "两位小数"),
    ({"planned_start_on": "2026-09-01", "planned_production_on": "2026-05-01"}, "先后顺序"),
])
def test_refused_forms_answer_422_and_write_nothing(client, login, member, changes, message):
    login(member)
    response = client.post("/projects/new", data=new_project("不应登记的企业", **changes))
    assert response.status_code == 422
    assert message in response.text
    assert project_count() == 0
    assert db.session.scalar(select(func.count(Enterprise.id))) == 0


def test_member_of_another_team_gets_404_on_edit(client, login, make_user, make_project):
    project = make_project()
    outsider = make_user(Role.MEMBER)
    login(outsider)
    assert client.get(f"/projects/{project.id}/edit").status_code == 404
    assert client.post(f"/projects/{project.id}/edit", data=edited(project, name="改名")).status_code == 404
    assert db.session.get(Project, project.id).name != "改名"


def test_admin_credits_a_chosen_team_and_leaders_may_not_edit(client, login, make_user, make_team, make_enterprise):
    team = make_team(name="北京专班")
    login(make_user(Role.ADMIN))
    assert client.post("/projects/new", data=new_project(make_enterprise().name)).status_code == 422  # no team
    assert client.post("/projects/new", data=new_project(make_enterprise().name, team_id=str(team.id))).status_code \
        == 302
    assert db.session.scalar(select(Project)).team_id == team.id
    client.post("/logout")
    login(make_user(Role.LEADER))
    assert client.get("/projects/new").status_code == 403


def test_two_users_editing_at_once_lose_nothing(app, make_user, make_team, make_project):
    team = make_team()
    alice, bob = make_user(Role.MEMBER, team=team, display_name="甲用户"), make_user(Role.LEAD, team=team)
    project = make_project(team=team, total_investment_yuan=150_000_000, name="原名称")
    first, second = app.test_client(), app.test_client()
    sign_in(first, alice)
    sign_in(second, bob)
    for client in (first, second):
        assert 'name="version" type="hidden" value="1"' in client.get(f"/projects/{project.id}/edit").text
    stale = edited(project)
    assert first.post(f"/projects/{project.id}/edit", data=stale | {"total_investment": "3"}).status_code == 302
    response = second.post(f"/projects/{project.id}/edit", data=stale | {"total_investment": "2", "name": "乙改名"})
    assert response.status_code == 409
    assert "项目已被他人修改" in response.text
    assert '<td class="stored">3</td><td class="typed">2</td>' in response.text  # A's value beside B's
    assert '<td class="stored">原名称</td><td class="typed">乙改名</td>' in response.text
    assert 'name="version" type="hidden" value="2"' in response.text
    stored = db.session.get(Project, project.id)
    assert (stored.total_investment_yuan, stored.name, stored.version) == (300_000_000, "原名称", 2)
    history = first.get(f"/projects/{project.id}").text
    assert "甲用户" in history and "总投资：1.50亿元 → 3.00亿元" in history
    changed_at = db.session.scalar(select(AuditEvent.at).where(AuditEvent.entity == "Project",
                                                               AuditEvent.action == "update"))
    assert changed_at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") in history  # shown in Shanghai time


def test_a_race_caught_at_commit_answers_409(client, login, member, make_project, monkeypatch):
    project = make_project(team=member.team, name="原名称")
    real = services.update_project

    def racing(project: Project, **fields: Any) -> Project:
        # Another request commits between this one's read and its write.
        db.session.execute(update(Project).where(Project.id == project.id).values(version=Project.version + 1)
                           .execution_options(synchronize_session=False))
        return real(project, **fields)

    monkeypatch.setattr(services, "update_project", racing)
    login(member)
    response = client.post(f"/projects/{project.id}/edit", data=edited(project, name="新名称"))
    assert response.status_code == 409 and "项目已被他人修改" in response.text
    assert db.session.get(Project, project.id).name == "原名称"


def test_update_project_refuses_an_older_version(app, member, make_project):
    project = make_project(team=member.team)
    with pytest.raises(services.StaleEdit):
        services.update_project(project, actor=member, version=project.version - 1, name="新名称")
    assert db.session.get(Project, project.id).name != "新名称"


def test_editing_keeps_the_code_and_fills_the_form(client, login, member, make_project):
    project = make_project(team=member.team, code="ZW-2025-009", signed_on=date(2025, 6, 1),
                           total_investment_yuan=80_000_000)
    login(member)
    form = client.get(f"/projects/{project.id}/edit").text
    assert 'value="8000"' in form and '<option selected value="wan">' in form
    data = edited(project, signed_on="2026-01-05", unit="wan", total_investment="9000")
    assert client.post(f"/projects/{project.id}/edit", data=data).status_code == 302
    stored = db.session.get(Project, project.id)
    assert (stored.code, stored.signed_on, stored.total_investment_yuan) == ("ZW-2025-009", date(2026, 1, 5),
                                                                             90_000_000)
