"""Two people editing one record (enterprise, trip, visit, team, account): the second save, made from the older
version, is refused with 409.

Nothing of the second edit is applied; its page shows what is stored now beside what was typed, the form keeps what
was typed, at the stored version, so saving again is a choice made having seen the newer values.
"""

import re
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError

from crm.enterprises import services
from crm.extensions import db
from crm.models import AuditEvent, Enterprise, Role, User
from crm.stale_edits import StaleEdit, bump_version
from tests.conftest import PASSWORD


def signed_in(app: Flask, user: User) -> FlaskClient:
    """A browser of its own, signed in as the user."""
    client = app.test_client()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def form_values(page: str) -> dict[str, str]:
    """The text inputs' and hidden inputs' values of a page's form, by name."""
    values = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="checkbox"' not in tag:
            values[name.group(1)] = value.group(1) if value else ""
    return values


def enterprise_form(page: str) -> dict[str, str]:
    values = form_values(page)
    return {key: values[key] for key in ("name", "credit_code", "industry", "province", "city", "version")}


@pytest.fixture
def enterprise(make_enterprise) -> Enterprise:
    return make_enterprise(name="瀚泽新材料有限公司", city="上海", industry="新材料")


def test_the_second_of_two_enterprise_edits_is_refused_and_keeps_what_was_typed(app, make_user, enterprise):
    first, second = signed_in(app, make_user(Role.ADMIN)), signed_in(app, make_user(Role.ADMIN))
    url = f"/enterprises/{enterprise.id}/edit"
    typed_first, typed_second = enterprise_form(first.get(url).text), enterprise_form(second.get(url).text)
    assert typed_first["version"] == typed_second["version"] == "1"

    assert first.post(url, data=typed_first | {"city": "杭州"}).status_code == 302
    refused = second.post(url, data=typed_second | {"industry": "生物医药"})

    assert refused.status_code == 409
    assert "企业信息已被他人修改，您的修改没有保存" in refused.text
    assert re.search(r"<td class=\"stored\">杭州</td><td class=\"typed\">上海</td>", refused.text)
    assert re.search(r"<td class=\"stored\">新材料</td><td class=\"typed\">生物医药</td>", refused.text)
    kept = form_values(refused.text)
    assert kept["industry"] == "生物医药" and kept["version"] == "2"  # what was typed, at the stored version
    db.session.refresh(enterprise)
    assert enterprise.industry == "新材料"  # nothing of the losing save was written

    again = second.post(url, data=enterprise_form(refused.text))  # saved having seen the newer values
    assert again.status_code == 302
    db.session.refresh(enterprise)
    assert (enterprise.city, enterprise.industry, enterprise.version) == ("上海", "生物医药", 3)


def test_an_enterprise_edit_without_its_version_is_refused(app, client, login, make_user, enterprise):
    login(make_user(Role.MEMBER))
    url = f"/enterprises/{enterprise.id}/edit"
    data = enterprise_form(client.get(url).text)
    for version in (None, "", "x", "99999999999"):
        sent = {key: value for key, value in data.items() if key != "version"}
        response = client.post(url, data=sent | ({"version": version} if version is not None else {}))
        assert response.status_code == 422 and "页面已过期，请刷新后重试" in response.text
    db.session.refresh(enterprise)
    assert enterprise.version == 1


def test_a_stale_enterprise_edit_writes_nothing_to_the_audit_trail(app, make_user, enterprise):
    first, second = signed_in(app, make_user(Role.ADMIN)), signed_in(app, make_user(Role.ADMIN))
    url = f"/enterprises/{enterprise.id}/edit"
    typed_first, typed_second = enterprise_form(first.get(url).text), enterprise_form(second.get(url).text)
    first.post(url, data=typed_first | {"city": "杭州"})
    before = db.session.query(AuditEvent).filter_by(entity="Enterprise").count()
    assert second.post(url, data=typed_second | {"industry": "生物医药"}).status_code == 409
    assert db.session.query(AuditEvent).filter_by(entity="Enterprise").count() == before


@pytest.fixture
def trip_world(make_team, make_user, make_trip):
    team = make_team(name="上海专班")
    lead, member, other = (make_user(role, team=team) for role in (Role.LEAD, Role.MEMBER, Role.MEMBER))
    trip = make_trip(team=team, destination="上海", start_on=date(2026, 3, 2), end_on=date(2026, 3, 4),
                     participants=[member])
    return {"lead": lead, "member": member, "other": other, "trip": trip}


def trip_form(page: str, participants: list[int]) -> dict:
    values = form_values(page)
    textareas = dict(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\s*([^<]*)</textarea>', page))
    return {"destination": values["destination"], "start_on": values["start_on"], "end_on": values["end_on"],
            "leader_id": "0", "participant_ids": participants, "purpose": textareas.get("purpose", ""),
            "summary": textareas.get("summary", ""), "version": values["version"]}


def test_the_second_of_two_trip_edits_is_refused_and_keeps_what_was_typed(app, trip_world):
    trip = trip_world["trip"]
    members = [trip_world["member"].id]
    first, second = signed_in(app, trip_world["lead"]), signed_in(app, trip_world["member"])
    url = f"/trips/{trip.id}/edit"
    typed_first, typed_second = trip_form(first.get(url).text, members), trip_form(second.get(url).text, members)

    assert first.post(url, data=typed_first | {"destination": "苏州"}).status_code == 302
    refused = second.post(url, data=typed_second | {"summary": "拜访三家企业"})

    assert refused.status_code == 409 and "外出招商记录已被他人修改，您的修改没有保存" in refused.text
    assert re.search(r"<td class=\"stored\">苏州</td><td class=\"typed\">上海</td>", refused.text)
    assert "拜访三家企业</textarea>" in refused.text and form_values(refused.text)["version"] == "2"
    db.session.refresh(trip)
    assert (trip.destination, trip.summary, trip.version) == ("苏州", None, 2)


def test_a_change_of_the_people_alone_makes_an_older_trip_form_stale(app, trip_world):
    trip, member, other = trip_world["trip"], trip_world["member"], trip_world["other"]
    first, second = signed_in(app, trip_world["lead"]), signed_in(app, member)
    url = f"/trips/{trip.id}/edit"
    typed_first = trip_form(first.get(url).text, [member.id, other.id])
    typed_second = trip_form(second.get(url).text, [member.id])
    assert first.post(url, data=typed_first).status_code == 302
    refused = second.post(url, data=typed_second | {"purpose": "洽谈"})
    assert refused.status_code == 409
    db.session.refresh(trip)
    assert {user.id for user in trip.participants} == {member.id, other.id} and trip.purpose is None


def test_a_trip_edit_without_its_version_is_refused(app, trip_world):
    trip = trip_world["trip"]
    client = signed_in(app, trip_world["lead"])
    data = trip_form(client.get(f"/trips/{trip.id}/edit").text, [trip_world["member"].id])
    del data["version"]
    response = client.post(f"/trips/{trip.id}/edit", data=data | {"destination": "苏州"})
    assert response.status_code == 422 and "页面已过期，请刷新后重试" in response.text
    db.session.refresh(trip)
    assert (trip.destination, trip.version) == ("上海", 1)


def test_a_save_racing_another_matches_no_row(app, make_user, enterprise):
    """Both saves read version 1 and pass the form's check; the one that writes second changes nothing."""
    admin = make_user(Role.ADMIN)
    assert enterprise.version == 1  # read by this save
    # the other save's write, landed between this one's read and its write (past the ORM, which still holds 1)
    db.session.connection().execute(update(Enterprise.__table__).where(Enterprise.__table__.c.id == enterprise.id)
                                    .values(version=2, city="杭州"))
    with pytest.raises(StaleDataError):
        services.save_enterprise(enterprise, actor=admin, confirmed=True, name=enterprise.name, version=1,
                                 industry="生物医药")
    db.session.rollback()
    assert enterprise.industry == "新材料"  # nothing of the losing save was written


def visit_form(page: str) -> dict:
    """What the visit edit page's form would send: its inputs, textareas, the kind chosen and participants ticked."""
    values = {key: value for key, value in form_values(page).items() if key not in ("kind", "participant_ids")}
    textareas = dict(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\s*([^<]*)</textarea>', page))
    checked = re.findall(r'<input[^>]*checked[^>]*>', page)
    kind = [re.search(r'value="([^"]*)"', tag).group(1) for tag in checked if 'name="kind"' in tag]
    people = [re.search(r'value="([^"]*)"', tag).group(1) for tag in checked if 'name="participant_ids"' in tag]
    return values | textareas | {"kind": kind[0], "participant_ids": people, "trip_id": "0", "lead_id": "0"}


@pytest.fixture
def visit_world(make_team, make_user, make_visit, make_enterprise):
    team = make_team(name="深圳专班")
    author, lead = make_user(Role.MEMBER, team=team), make_user(Role.LEAD, team=team)
    visit = make_visit(team=team, created_by=author, enterprise=make_enterprise(name="鹏程储能有限公司"),
                       summary="初次接触", participants=[author])
    return {"author": author, "lead": lead, "visit": visit}


def test_the_second_of_two_visit_edits_is_refused_and_keeps_what_was_typed(app, visit_world):
    visit = visit_world["visit"]
    first, second = signed_in(app, visit_world["lead"]), signed_in(app, visit_world["author"])
    url = f"/visits/{visit.id}/edit"
    typed_first, typed_second = visit_form(first.get(url).text), visit_form(second.get(url).text)
    assert typed_first["version"] == typed_second["version"] == "1"

    assert first.post(url, data=typed_first | {"summary": "谈妥供地意向"}).status_code == 302
    refused = second.post(url, data=typed_second | {"next_step": "报送项目材料", "kind": "remote"})

    assert refused.status_code == 409 and "拜访信息已被他人修改，您的修改没有保存" in refused.text
    assert re.search(r"<td class=\"stored\">谈妥供地意向</td><td class=\"typed\">初次接触</td>", refused.text)
    assert re.search(r"<td class=\"stored\">走访</td><td class=\"typed\">电话视频</td>", refused.text)
    assert "报送项目材料</textarea>" in refused.text and form_values(refused.text)["version"] == "2"
    db.session.refresh(visit)
    assert (visit.summary, visit.next_step, visit.version) == ("谈妥供地意向", None, 2)

    again = second.post(url, data=visit_form(refused.text))  # saved having seen the newer values
    assert again.status_code == 302
    db.session.refresh(visit)
    assert (visit.summary, visit.next_step, visit.version) == ("初次接触", "报送项目材料", 3)


def test_a_visit_edit_without_its_version_is_refused(app, visit_world):
    visit = visit_world["visit"]
    client = signed_in(app, visit_world["author"])
    data = visit_form(client.get(f"/visits/{visit.id}/edit").text)
    for version in (None, "", "x", "99999999999"):
        sent = {key: value for key, value in data.items() if key != "version"}
        response = client.post(f"/visits/{visit.id}/edit",
                               data=sent | {"summary": "改写"} | ({"version": version} if version is not None else {}))
        assert response.status_code == 422 and "页面已过期，请刷新后重试" in response.text
    db.session.refresh(visit)
    assert (visit.summary, visit.version) == ("初次接触", 1)


def test_an_offline_resend_of_a_visit_is_no_edit_and_never_stale(app, visit_world):
    """The phone sends a visit's UUID again (page or API): it gets the visit back as saved, not a 409."""
    visit = visit_world["visit"]
    client = signed_in(app, visit_world["author"])
    assert client.post(f"/visits/{visit.id}/edit", data=visit_form(client.get(f"/visits/{visit.id}/edit").text)
                       | {"summary": "复访"}).status_code == 302
    sent = {"uuid": visit.uuid, "enterprise_name": "鹏程储能有限公司", "visited_on": "2026-03-03", "kind": "call_on",
            "summary": "手机上的旧内容"}
    assert client.post("/visits/new", data=sent | {"trip_id": "0", "lead_id": "0"}).status_code == 302
    answer = client.post("/api/v1/visits", json=sent, headers={"X-Requested-With": "fetch"})
    assert answer.status_code == 200 and answer.json["created"] is False and answer.json["visit"]["summary"] == "复访"
    db.session.refresh(visit)
    assert (visit.summary, visit.version) == ("复访", 2)


def test_a_merge_moves_versioned_visits_and_makes_an_open_visit_form_stale(app, make_user, make_enterprise,
                                                                        visit_world):
    visit, kept = visit_world["visit"], make_enterprise(name="鹏程储能科技有限公司")
    author = signed_in(app, visit_world["author"])
    typed = visit_form(author.get(f"/visits/{visit.id}/edit").text)
    admin = signed_in(app, make_user(Role.ADMIN))
    merged = admin.post(f"/enterprises/{visit.enterprise_id}/merge", data={"keep_id": kept.id})
    assert merged.status_code == 302
    db.session.refresh(visit)
    assert (visit.enterprise_id, visit.version) == (kept.id, 2)
    refused = author.post(f"/visits/{visit.id}/edit", data=typed | {"summary": "复访"})
    assert refused.status_code == 409
    assert re.search(r"<td class=\"stored\">鹏程储能科技有限公司</td><td class=\"typed\">鹏程储能有限公司</td>",
                     refused.text)


def team_form(page: str) -> dict[str, str]:
    values = form_values(page)
    return {"name": values["name"], "base_city": values["base_city"], "leader_id": "0", "active": "y",
            "version": values["version"]}


def test_the_second_of_two_team_edits_is_refused_and_keeps_what_was_typed(app, make_team, make_user):
    team = make_team(name="深圳专班", base_city="深圳")
    first, second = signed_in(app, make_user(Role.ADMIN)), signed_in(app, make_user(Role.ADMIN))
    url = f"/teams/{team.id}/edit"
    typed_first, typed_second = team_form(first.get(url).text), team_form(second.get(url).text)
    assert first.post(url, data=typed_first | {"base_city": "东莞"}).status_code == 302
    refused = second.post(url, data=typed_second | {"name": "深莞专班"})
    assert refused.status_code == 409 and "专班信息已被他人修改，您的修改没有保存" in refused.text
    assert re.search(r"<td class=\"stored\">东莞</td><td class=\"typed\">深圳</td>", refused.text)
    assert form_values(refused.text)["name"] == "深莞专班" and form_values(refused.text)["version"] == "2"
    db.session.refresh(team)
    assert (team.name, team.base_city, team.version) == ("深圳专班", "东莞", 2)
    del typed_first["version"]
    assert first.post(url, data=typed_first).status_code == 422


def user_form(page: str, role: str, team_id: int) -> dict[str, str]:
    values = form_values(page)
    return {"display_name": values["display_name"], "title": values["title"], "role": role, "team_id": team_id,
            "active": "y", "version": values["version"]}


def test_the_second_of_two_account_edits_is_refused_and_keeps_what_was_typed(app, make_user):
    member = make_user(Role.MEMBER, display_name="王晓")
    first, second = signed_in(app, make_user(Role.SECURITY)), signed_in(app, make_user(Role.SECURITY))
    url = f"/admin/users/{member.id}/edit"
    typed_first = user_form(first.get(url).text, "member", member.team_id)
    typed_second = user_form(second.get(url).text, "member", member.team_id)
    assert first.post(url, data=typed_first | {"role": "lead"}).status_code == 302
    refused = second.post(url, data=typed_second | {"title": "招商专员"})
    assert refused.status_code == 409 and "用户信息已被他人修改，您的修改没有保存" in refused.text
    assert re.search(r"<td class=\"stored\">专班负责人</td><td class=\"typed\">专班成员</td>", refused.text)
    assert form_values(refused.text)["title"] == "招商专员" and form_values(refused.text)["version"] == "2"
    db.session.refresh(member)
    assert (member.role, member.title, member.version) == (Role.LEAD, None, 2)
    del typed_first["version"]
    assert first.post(url, data=typed_first).status_code == 422


def test_signing_in_leaves_an_open_account_form_current_and_deactivating_makes_it_stale(app, make_user):
    member = make_user(Role.MEMBER, display_name="王晓")
    security = signed_in(app, make_user(Role.SECURITY))
    url = f"/admin/users/{member.id}/edit"
    typed = user_form(security.get(url).text, "member", member.team_id)
    signed_in(app, member)  # writes the row: last sign-in, the session
    assert security.post(url, data=typed | {"title": "招商专员"}).status_code == 302
    typed = user_form(security.get(url).text, "member", member.team_id)
    assert security.post(f"/admin/users/{member.id}/deactivate").status_code == 302
    assert security.post(url, data=typed).status_code == 409  # would switch the account back on
    db.session.refresh(member)
    assert (member.active, member.version) == (False, 3)


def test_an_account_save_racing_another_matches_no_row(app, make_user):
    member = make_user(Role.MEMBER)
    db.session.connection().execute(update(User.__table__).where(User.__table__.c.id == member.id).values(version=2))
    with pytest.raises(StaleEdit):
        bump_version(member, 1)  # read at 1 by this save; the other raised it first
    db.session.rollback()
