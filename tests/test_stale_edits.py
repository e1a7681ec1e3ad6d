"""Two people editing one enterprise or trip: the second save, made from the older version, is refused with 409.

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
