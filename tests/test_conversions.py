"""Conversions keep their links: a visit becomes a lead linked to it (转为线索), a signed lead and its project link
to each other, and the visit and enterprise pages link to what they name, for those who may see it."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import Lead, LeadStage, Role, Visit

LEAD = {"title": "储能电池项目", "owner_id": 0, "status": "active"}


@pytest.fixture
def visit(member, make_enterprise, make_visit) -> Visit:
    enterprise = make_enterprise(name="长江储能有限公司")
    return make_visit(team=member.team, enterprise=enterprise, created_by=member, summary="董事长有意在张湾建厂",
                      visited_on=date(2026, 3, 3))


def lead_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Lead))


def test_a_visit_becomes_a_lead_linked_to_it(client, login, member, visit):
    login(member)
    page = client.get(f"/visits/{visit.id}").text
    assert f'href="/leads/new?visit_id={visit.id}"' in page and "转为线索" in page
    assert f'href="/enterprises/{visit.enterprise_id}"' in page
    form = client.get(f"/leads/new?visit_id={visit.id}")
    assert form.status_code == 200
    assert 'value="长江储能有限公司"' in form.text
    assert f'name="enterprise_id" type="hidden" value="{visit.enterprise_id}"' in form.text
    assert "董事长有意在张湾建厂" in form.text  # the visit it comes from is shown
    saved = client.post(f"/leads/new?visit_id={visit.id}", data=LEAD | {"enterprise_name": "长江储能有限公司",
                                                                         "enterprise_id": visit.enterprise_id})
    assert saved.status_code == 302
    lead = db.session.scalar(select(Lead).where(Lead.title == "储能电池项目"))
    assert (lead.team, lead.enterprise_id) == (member.team, visit.enterprise_id)
    assert db.session.get(Visit, visit.id).lead_id == lead.id
    assert "董事长有意在张湾建厂" in client.get(f"/leads/{lead.id}").text
    page = client.get(f"/visits/{visit.id}").text
    assert f'href="/leads/{lead.id}"' in page and "转为线索" not in page  # linked now: nothing more to convert


def test_the_admin_gets_the_visits_team_chosen(client, login, admin, visit):
    login(admin)
    form = client.get(f"/leads/new?visit_id={visit.id}").text
    assert re.search(rf'<option selected value="{visit.team_id}">', form)


def test_another_teams_visit_is_not_there(client, login, member, make_visit):
    other = make_visit(summary="别队的拜访")
    login(member)
    assert client.get(f"/leads/new?visit_id={other.id}").status_code == 404
    posted = client.post(f"/leads/new?visit_id={other.id}", data=LEAD | {"enterprise_name": "随便一家企业"})
    assert posted.status_code == 404 and "别队的拜访" not in posted.text
    assert lead_count() == 0 and db.session.get(Visit, other.id).lead_id is None


def test_the_admin_may_not_link_a_visit_to_another_teams_lead(client, login, admin, visit, make_team):
    login(admin)
    other = make_team(name="深圳专班")
    refused = client.post(f"/leads/new?visit_id={visit.id}", data=LEAD | {"team_id": other.id,
                                                                           "enterprise_name": "长江储能有限公司"})
    assert refused.status_code == 422 and "该拜访属于其他专班" in refused.text
    assert lead_count() == 0 and db.session.get(Visit, visit.id).lead_id is None


def test_a_visit_already_linked_is_refused(client, login, member, visit, make_lead):
    first = make_lead(team=member.team, enterprise=visit.enterprise, title="已有线索")
    visit.lead = first
    db.session.commit()
    login(member)
    assert "转为线索" not in client.get(f"/visits/{visit.id}").text
    assert "该拜访已关联线索" in client.get(f"/leads/new?visit_id={visit.id}").text
    refused = client.post(f"/leads/new?visit_id={visit.id}", data=LEAD | {"enterprise_name": "长江储能有限公司"})
    assert refused.status_code == 422 and "该拜访已关联线索" in refused.text
    assert lead_count() == 1 and db.session.get(Visit, visit.id).lead_id == first.id


def test_another_districts_visit_is_not_there(client, login, member, admin, make_district, make_team, make_visit,
                                              make_enterprise):
    there = make_district(name="茅箭区", code="MJ")
    far = make_visit(team=make_team(district_id=there.id), enterprise=make_enterprise(district_id=there.id),
                     summary="茅箭区的拜访")
    for user in (member, admin):
        login(user)
        assert client.get(f"/leads/new?visit_id={far.id}").status_code == 404
        posted = client.post(f"/leads/new?visit_id={far.id}", data=LEAD | {"enterprise_name": "随便一家企业",
                                                                            "team_id": member.team_id})
        assert posted.status_code == 404
        client.post("/logout")
    assert lead_count() == 0


def test_who_may_not_add_leads_is_not_offered_the_conversion(client, login, make_user, visit):
    login(make_user(Role.LEADER))
    page = client.get(f"/visits/{visit.id}").text
    assert "转为线索" not in page and f'href="/enterprises/{visit.enterprise_id}"' in page


def test_the_enterprise_page_offers_a_lead_from_it_and_from_its_visits(client, login, member, visit, make_user):
    login(member)
    page = client.get(f"/enterprises/{visit.enterprise_id}").text
    assert f'href="/leads/new?enterprise_id={visit.enterprise_id}"' in page
    assert f'href="/leads/new?visit_id={visit.id}"' in page
    client.post("/logout")
    login(make_user(Role.LEADER))
    page = client.get(f"/enterprises/{visit.enterprise_id}").text
    assert "/leads/new" not in page


def test_a_signed_lead_and_its_project_link_to_each_other(client, login, member, make_lead, make_project):
    lead = make_lead(team=member.team, stage=LeadStage.SIGNED)
    project = make_project(team=member.team, enterprise=lead.enterprise, lead=lead, code="ZW-2026-064")
    login(member)
    assert f'<a href="/projects/{project.id}">ZW-2026-064' in client.get(f"/leads/{lead.id}").text
    assert f'<a href="/leads/{lead.id}">{lead.title}</a>' in client.get(f"/projects/{project.id}").text


def test_a_project_does_not_link_to_a_lead_its_viewer_may_not_see(client, login, member, make_lead, make_project,
                                                                   make_team):
    lead = make_lead(team=make_team(), stage=LeadStage.SIGNED, title="别队的线索")
    project = make_project(team=lead.team, enterprise=lead.enterprise, lead=lead)
    login(member)
    page = client.get(f"/projects/{project.id}").text
    assert f"/leads/{lead.id}" not in page and "别队的线索" not in page
