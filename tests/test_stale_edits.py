"""Two people editing one record (enterprise, trip, visit, team, account, 代办事项, a year's ranking weights or a
team's targets): the second save, made from the older version, is refused with 409.

Nothing of the second edit is applied; its page shows what is stored now beside what was typed, the form keeps what
was typed, at the stored version, so saving again is a choice made having seen the newer values.
"""

import importlib
import pkgutil
import re
from dataclasses import dataclass
from datetime import date
from html import escape
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from sqlalchemy import func, select, update
from sqlalchemy.orm.exc import StaleDataError

import crm
from crm.core.stale_edits import StaleEdit, bump_version, fingerprint
from crm.enterprises import services
from crm.extensions import db
from crm.models import AuditEvent, Enterprise, RankingSettings, Role, ServiceItem, ServiceItemStatus, TargetMetric, User
from crm.reports.scoring import DEFAULT_WEIGHTS, ScoringRule, save_rule, settings_of
from crm.teams.services import set_targets, targets_fingerprint, targets_for
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


@pytest.fixture
def item_world(make_project, make_user):
    project = make_project(signed_on=date(2026, 3, 3))
    first, second = (make_user(Role.MEMBER, team=project.team, display_name=name) for name in ("李敏", "赵强"))
    item = ServiceItem(project=project, name="施工许可", owner=first)
    db.session.add(item)
    db.session.commit()
    return {"project": project, "item": item, "first": first, "second": second}


def item_form(page: str, project_id: int, item_id: int) -> dict[str, str]:
    """What a 代办事项's inline form on the project page would send: its inputs and the options selected."""
    form = re.search(rf'action="/projects/{project_id}/service-items/{item_id}".*?</form>', page, re.S).group(0)
    selects = {name: re.search(r'<option value="([^"]*)"[^>]*selected', body).group(1)
               for name, body in re.findall(r'<select name="([^"]+)">(.*?)</select>', form, re.S)}
    return {key: value for key, value in form_values(form).items() if key != "csrf_token"} | selects


def test_the_second_of_two_service_item_edits_is_refused_and_keeps_what_was_typed(app, item_world):
    project, item = item_world["project"], item_world["item"]
    first, second = signed_in(app, item_world["first"]), signed_in(app, item_world["second"])
    page, url = f"/projects/{project.id}", f"/projects/{project.id}/service-items/{item.id}"
    typed_first = item_form(first.get(page).text, project.id, item.id)
    typed_second = item_form(second.get(page).text, project.id, item.id)
    assert typed_first["version"] == typed_second["version"] == "1"

    assert first.post(url, data=typed_first | {"status": "doing"}).status_code == 302
    refused = second.post(url, data=typed_second | {"owner_id": str(item_world["second"].id),
                                                    "due_on": "2026-12-31"})

    assert refused.status_code == 409
    assert "代办事项“施工许可”已被他人修改，您的修改没有保存" in refused.text  # the notice at the top of the page
    assert "代办事项已被他人修改，您的修改没有保存" in refused.text  # and at the item, over its table
    assert re.search(r"<td class=\"stored\">办理中</td><td class=\"typed\">待办</td>", refused.text)
    assert re.search(r"<td class=\"stored\">李敏</td><td class=\"typed\">赵强</td>", refused.text)
    assert re.search(r"<td class=\"stored\">—</td><td class=\"typed\">2026-12-31</td>", refused.text)
    kept = item_form(refused.text, project.id, item.id)
    assert kept == {"version": "2", "status": "todo", "owner_id": str(item_world["second"].id),
                    "due_on": "2026-12-31", "done_on": ""}  # what was typed, at the stored version
    db.session.refresh(item)
    assert (item.status, item.owner_id, item.due_on, item.version) == (ServiceItemStatus.DOING, item_world["first"].id,
                                                                      None, 2)

    assert second.post(url, data=kept).status_code == 302  # saved having seen the newer values
    db.session.refresh(item)
    assert (item.status, item.owner_id, item.due_on, item.version) == (ServiceItemStatus.TODO,
                                                                      item_world["second"].id, date(2026, 12, 31), 3)


def test_a_service_item_edit_without_its_version_is_refused(app, item_world):
    project, item = item_world["project"], item_world["item"]
    client = signed_in(app, item_world["first"])
    url = f"/projects/{project.id}/service-items/{item.id}"
    data = item_form(client.get(f"/projects/{project.id}").text, project.id, item.id)
    for version in (None, "", "x", "-1", "99999999999"):
        sent = {key: value for key, value in data.items() if key != "version"}
        response = client.post(url, data=sent | {"status": "done"} | ({"version": version} if version is not None
                                                                       else {}))
        assert response.status_code == 422 and "页面已过期，请刷新后重试" in response.text
    db.session.refresh(item)
    assert (item.status, item.version) == (ServiceItemStatus.TODO, 1)


def weights_form(page: str) -> dict[str, str]:
    """What the weights page's form would send: its number boxes, the deduction, the choice and the version."""
    values = {key: value for key, value in form_values(page).items() if key not in ("csrf_token", "normalisation")}
    chosen = re.search(r'<input[^>]*checked[^>]*name="normalisation"[^>]*value="([^"]+)"'
                       r'|<input[^>]*name="normalisation"[^>]*value="([^"]+)"[^>]*checked', page)
    return values | {"normalisation": chosen.group(1) or chosen.group(2)}


@pytest.mark.parametrize("first_save", [True, False], ids=["the year's first rule", "a stored rule"])
def test_the_second_of_two_weights_edits_is_refused_and_keeps_what_was_typed(app, make_user, first_save):
    admin = make_user(Role.ADMIN)
    if not first_save:
        save_rule(ScoringRule(2026, dict(DEFAULT_WEIGHTS)), admin.id, admin.district_id)
        db.session.commit()
    first, second = signed_in(app, admin), signed_in(app, make_user(Role.ADMIN))
    url, opened_at = "/rankings/weights/2026", "0" if first_save else "1"
    typed_first, typed_second = weights_form(first.get(url).text), weights_form(second.get(url).text)
    assert typed_first["version"] == typed_second["version"] == opened_at

    assert first.post(url, data=typed_first | {"weight_trips": "30"}).status_code == 302
    refused = second.post(url, data=typed_second | {"overdue_deduction": "1.5", "normalisation": "target"})

    assert refused.status_code == 409 and "本年度评分办法已被他人修改，您的修改没有保存" in refused.text
    assert re.search(rf"<td class=\"stored\">30</td><td class=\"typed\">{DEFAULT_WEIGHTS[TargetMetric.TRIPS]}</td>",
                     refused.text)
    assert re.search(r"<td class=\"stored\">与最高的专班相比（最高者得满分）</td>"
                     r"<td class=\"typed\">与按时段折算的年度目标相比（完成即满分）</td>", refused.text)
    kept = weights_form(refused.text)
    assert (kept["overdue_deduction"], kept["normalisation"]) == ("1.5", "target")
    assert kept["version"] == str(int(opened_at) + 1)  # what was typed, at the stored version
    settings = settings_of(2026, admin.district_id)
    db.session.refresh(settings)
    assert (settings.weights["trips"], settings.normalisation, settings.version) == (30, "best", int(opened_at) + 1)

    assert second.post(url, data=kept).status_code == 302  # saved having seen the newer values
    db.session.refresh(settings)
    assert (settings.weights["trips"], settings.normalisation) == (DEFAULT_WEIGHTS[TargetMetric.TRIPS], "target")


def test_the_second_of_two_city_weights_edits_is_refused(app, make_user):
    first, second = signed_in(app, make_user(Role.CITY)), signed_in(app, make_user(Role.CITY))
    url = "/rankings/districts/weights/2026"
    typed_first, typed_second = weights_form(first.get(url).text), weights_form(second.get(url).text)
    assert first.post(url, data=typed_first | {"weight_trips": "40"}).status_code == 302
    refused = second.post(url, data=typed_second | {"deduct_overdue": "y"})
    assert refused.status_code == 409 and "本年度评分办法已被他人修改，您的修改没有保存" in refused.text
    assert re.search(r"<td class=\"stored\">否</td><td class=\"typed\">是</td>", refused.text)
    settings = settings_of(2026, None)
    assert (settings.weights["trips"], settings.deduct_overdue, settings.version) == (40, False, 1)
    typed_first = weights_form(first.get(url).text)
    assert typed_first["version"] == "1"
    assert first.post(url, data=typed_first | {"weight_trips": "50"}).status_code == 302
    assert second.post(url, data=weights_form(refused.text)).status_code == 409  # stale again: 50 came since


def test_a_weights_edit_without_its_version_is_refused(app, make_user):
    client = signed_in(app, make_user(Role.ADMIN))
    data = weights_form(client.get("/rankings/weights/2026").text)
    for version in (None, "", "x", "99999999999"):
        sent = {key: value for key, value in data.items() if key != "version"}
        response = client.post("/rankings/weights/2026", data=sent | ({"version": version} if version is not None
                                                                      else {}))
        assert response.status_code == 422 and "页面已过期，请刷新后重试" in response.text
    assert db.session.scalar(select(func.count()).select_from(RankingSettings)) == 0


def targets_form(page: str) -> dict[str, str]:
    return {key: value for key, value in form_values(page).items() if key != "csrf_token"}


def test_a_target_cleared_and_set_again_makes_an_older_targets_form_stale(app, make_user, make_team):
    """A row deleted and made again would start over at any version; the fingerprint of the year's targets tells."""
    team = make_team(name="上海专班")
    set_targets(team, 2026, {TargetMetric.TRIPS: 20, TargetMetric.SIGNED_PROJECTS: 6})
    db.session.commit()
    first, second = signed_in(app, make_user(Role.ADMIN)), signed_in(app, make_user(Role.ADMIN))
    url = f"/teams/{team.id}/targets/2026"
    typed_first, typed_second = targets_form(first.get(url).text), targets_form(second.get(url).text)
    assert typed_first["opened"] == typed_second["opened"] and len(typed_first["opened"]) == 16

    assert first.post(url, data=typed_first | {"trips": ""}).status_code == 302  # clears: the row is deleted
    assert first.post(url, data=targets_form(first.get(url).text) | {"trips": "30"}).status_code == 302  # made again
    refused = second.post(url, data=typed_second | {"signed": "8"})

    assert refused.status_code == 409 and "本年度目标已被他人修改，您的修改没有保存" in refused.text
    assert re.search(r"<td class=\"stored\">30</td><td class=\"typed\">20</td>", refused.text)
    kept = targets_form(refused.text)
    assert kept["signed"] == "8" and kept["opened"] == targets_fingerprint(targets_for(team, 2026))
    assert targets_for(team, 2026) == {TargetMetric.TRIPS: 30, TargetMetric.SIGNED_PROJECTS: 6}

    assert second.post(url, data=kept).status_code == 302  # saved having seen the newer values
    assert targets_for(team, 2026) == {TargetMetric.TRIPS: 20, TargetMetric.SIGNED_PROJECTS: 8}


def test_the_year_s_first_targets_set_twice_are_refused_the_second_time(app, make_user, make_team):
    team = make_team(name="上海专班")
    first, second = signed_in(app, make_user(Role.ADMIN)), signed_in(app, make_user(Role.ADMIN))
    url = f"/teams/{team.id}/targets/2026"
    typed_first, typed_second = targets_form(first.get(url).text), targets_form(second.get(url).text)
    assert first.post(url, data=typed_first | {"visits": "100"}).status_code == 302
    refused = second.post(url, data=typed_second | {"investment": "12.5"})
    assert refused.status_code == 409
    assert re.search(r"<td class=\"stored\">100</td><td class=\"typed\">—</td>", refused.text)
    assert targets_for(team, 2026) == {TargetMetric.VISITS: 100}


def test_a_targets_edit_without_its_fingerprint_is_refused(app, make_user, make_team):
    team = make_team(name="上海专班")
    client = signed_in(app, make_user(Role.ADMIN))
    url = f"/teams/{team.id}/targets/2026"
    data = targets_form(client.get(url).text)
    for opened in (None, "", "x" * 16, "ABCDEF0123456789", data["opened"] + "0", data["opened"][:-1]):
        sent = {key: value for key, value in data.items() if key != "opened"}
        response = client.post(url, data=sent | {"trips": "9"} | ({"opened": opened} if opened is not None else {}))
        assert response.status_code == 422 and "页面已过期，请刷新后重试" in response.text
    assert targets_for(team, 2026) == {}


def test_a_fingerprint_is_of_the_set_not_of_the_order_it_was_read_in():
    pairs = [("trips", 20), ("signed", 6)]
    assert fingerprint(pairs) == fingerprint(reversed(pairs)) != fingerprint([("trips", 20), ("signed", 7)])
    assert fingerprint(pairs) != fingerprint(pairs[:1]) and len(fingerprint([])) == 16


# Every edit form that carries a version, the same way: two people open it, the first saves a value, the second
# types another in the same field and saves from the older version. The 409 page keeps the second person's text in
# the form (not the stored value), shows the newer stored value beside it, and carries the newer version, so that
# saving it again applies their text knowingly.


class FormControls(HTMLParser):
    """What each form of a page would send, as a browser sends it: by the form's action, (name, value) pairs."""

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url, self.forms, self.form, self.select, self.textarea = url, {}, None, None, None

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attributes}
        if tag == "form":
            self.form = self.forms.setdefault(attrs.get("action") or self.url, [])
        elif self.form is None or "disabled" in attrs:
            return
        elif tag == "input" and attrs.get("name") and attrs.get("type", "text") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.form.append((attrs["name"], attrs.get("value", "on" if "checked" in attrs else "")))
        elif tag == "select" and attrs.get("name"):
            self.select = {"name": attrs["name"], "first": None, "chosen": [], "multiple": "multiple" in attrs}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select["first"] = value if self.select["first"] is None else self.select["first"]
            if "selected" in attrs:
                self.select["chosen"].append(value)
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = (attrs["name"], [])

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"] or ([] if self.select["multiple"] or self.select["first"] is None
                                               else [self.select["first"]])
            self.form.extend((self.select["name"], value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = "".join(self.textarea[1]).replace("\r\n", "\n")  # as a browser reads it: one newline after
            self.form.append((self.textarea[0], text[1:] if text.startswith("\n") else text))  # the tag is no text
            self.textarea = None


def sent(page: str, url: str, action: str) -> dict[str, list[str]]:
    """What the form posting to `action` on a page at `url` sends as it stands."""
    parser = FormControls(url)
    parser.feed(page)
    values: dict[str, list[str]] = {}
    for name, value in parser.forms[action]:
        values.setdefault(name, []).append(value)
    return values


@dataclass
class Edit:
    editors: tuple[User, User]
    page: str  # where the form is
    action: str  # where it posts
    field: str  # a field both type in
    first: str  # what the first saves
    second: str  # what the second types, from the older version


def enterprise_edit(world) -> Edit:
    enterprise = world.make_enterprise(name="瀚泽新材料有限公司", industry="新材料")
    url = f"/enterprises/{enterprise.id}/edit"
    return Edit((world.make_user(Role.ADMIN), world.make_user(Role.ADMIN)), url, url, "industry", "生物医药", "新能源")


def trip_edit(world) -> Edit:
    team = world.make_team()
    lead, member = world.make_user(Role.LEAD, team=team), world.make_user(Role.MEMBER, team=team)
    trip = world.make_trip(team=team, destination="上海", start_on=date(2026, 3, 2), end_on=date(2026, 3, 4))
    url = f"/trips/{trip.id}/edit"
    return Edit((lead, member), url, url, "summary", "拜访两家企业", "拜访三家企业并签订意向")


def visit_edit(world) -> Edit:
    team = world.make_team()
    author, lead = world.make_user(Role.MEMBER, team=team), world.make_user(Role.LEAD, team=team)
    visit = world.make_visit(team=team, created_by=author, summary="初次接触", participants=[author])
    url = f"/visits/{visit.id}/edit"
    return Edit((lead, author), url, url, "next_step", "报送项目材料", "约定二次拜访")


def lead_edit(world) -> Edit:
    team = world.make_team()
    lead = world.make_lead(team=team, title="新材料基地", next_action="电话联系")
    url = f"/leads/{lead.id}/edit"
    return Edit((world.make_user(Role.LEAD, team=team), world.make_user(Role.MEMBER, team=team)), url, url,
                "next_action", "安排实地考察", "发送供地方案\n并约见董事长")


def team_edit(world) -> Edit:
    team = world.make_team(name="深圳专班", base_city="深圳")
    url = f"/teams/{team.id}/edit"
    return Edit((world.make_user(Role.ADMIN), world.make_user(Role.ADMIN)), url, url, "base_city", "东莞", "广州")


def account_edit(world) -> Edit:
    member = world.make_user(Role.MEMBER, display_name="王晓")
    url = f"/admin/users/{member.id}/edit"
    return Edit((world.make_user(Role.SECURITY), world.make_user(Role.SECURITY)), url, url, "title", "科长",
                "招商专员")


def service_item_edit(world) -> Edit:
    project = world.make_project(signed_on=date(2026, 3, 3))
    item = ServiceItem(project=project, name="施工许可")
    db.session.add(item)
    db.session.commit()
    editors = (world.make_user(Role.MEMBER, team=project.team), world.make_user(Role.MEMBER, team=project.team))
    return Edit(editors, f"/projects/{project.id}", f"/projects/{project.id}/service-items/{item.id}", "due_on",
                "2026-10-01", "2026-11-30")


def weights_edit(world) -> Edit:
    url = "/rankings/weights/2026"
    return Edit((world.make_user(Role.ADMIN), world.make_user(Role.ADMIN)), url, url, "weight_trips", "30", "25")


def city_weights_edit(world) -> Edit:
    url = "/rankings/districts/weights/2026"
    return Edit((world.make_user(Role.CITY), world.make_user(Role.CITY)), url, url, "weight_trips", "40", "35")


def project_edit(world) -> Edit:
    team = world.make_team()
    project = world.make_project(team=team, location="张湾经济开发区")
    url = f"/projects/{project.id}/edit"
    return Edit((world.make_user(Role.MEMBER, team=team), world.make_user(Role.LEAD, team=team)), url, url,
                "location", "茅箭工业园", "十堰高新区")


# Each form class that declares a version, and how to edit a record through it (a subclass's page as well).
EDITS = {"EnterpriseForm": [enterprise_edit], "TripForm": [trip_edit], "VisitForm": [visit_edit],
         "LeadForm": [lead_edit], "TeamForm": [team_edit], "UserForm": [account_edit],
         "ItemUpdateForm": [service_item_edit], "WeightsForm": [weights_edit, city_weights_edit],
         "ProjectForm": [project_edit]}


def versioned_forms() -> set[str]:
    """The names of the app's form classes that declare a version field."""
    for module in pkgutil.walk_packages(crm.__path__, "crm."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, classes = set(), [FlaskForm]
    while classes:
        for subclass in classes.pop().__subclasses__():
            classes.append(subclass)
            if subclass.__module__.startswith("crm.") and "version" in vars(subclass):
                found.add(subclass.__name__)
    return found


# Versioned forms with nothing typed to keep, and where their stale answer is tested.
NOTHING_TYPED = {"CompleteForm": "the one-tap 完成 of a 代办事项: tests/test_project_service.py "
                                 "::test_the_chief_officer_ticks_an_item_done_in_one_post_and_logs_an_issue"}


def test_every_form_with_a_version_is_edited_below():
    assert versioned_forms() - set(NOTHING_TYPED) == set(EDITS)
    assert set(NOTHING_TYPED) <= versioned_forms()


@pytest.mark.parametrize("edit", [edit for edits in EDITS.values() for edit in edits], ids=lambda edit: edit.__name__)
def test_a_stale_edit_keeps_what_was_typed_beside_the_newer_value(app, request, edit):
    world = SimpleNamespace(**{name: request.getfixturevalue(name) for name in (
        "make_user", "make_team", "make_enterprise", "make_trip", "make_visit", "make_lead", "make_project")})
    case = edit(world)
    first, second = (signed_in(app, editor) for editor in case.editors)
    opened_first = sent(first.get(case.page).text, case.page, case.action)
    opened_second = sent(second.get(case.page).text, case.page, case.action)
    opened_at = int(opened_second["version"][0])

    assert first.post(case.action, data=opened_first | {case.field: case.first}).status_code == 302
    refused = second.post(case.action, data=opened_second | {case.field: case.second})

    assert refused.status_code == 409
    assert re.search(rf'<td class="stored">{re.escape(escape(case.first))}</td>\s*'
                     rf'<td class="typed">{re.escape(escape(case.second))}</td>', refused.text)
    kept = sent(refused.text, case.page, case.action)
    assert kept[case.field] == [case.second] and kept["version"] == [str(opened_at + 1)]  # typed, at the newer version

    assert second.post(case.action, data=kept).status_code == 302  # saved, having seen the newer value
    assert sent(second.get(case.page).text, case.page, case.action)[case.field] == [case.second]
