"""Who logs a visit for which team: members for their own, a leader for a trip they head or a team they choose,
the office for any team of the district; the city reads and is told why it may not log."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.domain.periods import today
from crm.extensions import db
from crm.models import Role, Visit
from crm.visits.services import VisitRefused, log_visit
from tests.test_visits import visit_input


def posted(team_id, enterprise_name="鸿远新材料有限公司", **fields):
    return {"uuid": str(uuid.uuid4()), "team_id": team_id, "enterprise_name": enterprise_name,
            "visited_on": today().isoformat(), "kind": "reception"} | fields


def visits() -> list[Visit]:
    return db.session.scalars(select(Visit).order_by(Visit.id)).all()


def test_a_leader_logs_for_the_team_of_the_trip_they_head(app, client, make_user, make_team, make_trip, login):
    leader = make_user(Role.LEADER, display_name="王区长")
    team = make_team(name="深圳专班")
    member = make_user(Role.MEMBER, team=team, display_name="李明")
    trip = make_trip(team=team, leader=leader, start_on=today() - timedelta(days=1), end_on=today() + timedelta(days=1))
    login(leader)
    page = client.get("/visits/new")
    assert page.status_code == 200 and 'id="visit-form"' in page.text and "拜访计入：深圳专班" in page.text
    assert f'<option selected value="{trip.id}">' in page.text  # the trip they head today, offered first
    assert "王区长" in page.text and "李明" in page.text  # the leader may be on the visit with the team
    response = client.post("/visits/new", data=posted(team.id, participant_ids=[leader.id, member.id],
                                                      trip_id=trip.id))
    assert response.status_code == 302 and response.location == f"/visits/new?team={team.id}"
    [visit] = visits()
    assert visit.team_id == team.id and visit.trip_id == trip.id and visit.created_by_id == leader.id
    assert {u.id for u in visit.participants} == {leader.id, member.id}


def test_the_office_chooses_the_team_first(app, client, make_user, make_team, login):
    make_team(name="上海专班")
    chosen = make_team(name="北京专班")
    login(make_user(Role.ADMIN))
    page = client.get("/visits/new")
    assert page.status_code == 200 and 'id="visit-form"' not in page.text and "请选择专班" in page.text
    assert "上海专班" in page.text and "北京专班" in page.text
    page = client.get(f"/visits/new?team={chosen.id}")
    assert 'id="visit-form"' in page.text and "拜访计入：北京专班" in page.text
    assert client.post("/visits/new", data=posted(chosen.id)).status_code == 302
    assert [v.team_id for v in visits()] == [chosen.id]
    again = client.get("/visits/new")  # as the phone keeps it for offline use: the team chosen last
    assert 'id="visit-form"' in again.text and "拜访计入：北京专班" in again.text


@pytest.mark.parametrize("team_id", ["", "abc", "999999", "-1"])
def test_the_office_without_a_team_of_its_district_writes_nothing(client, make_user, team_id, login):
    login(make_user(Role.ADMIN))
    response = client.post("/visits/new", data=posted(team_id))
    assert response.status_code == 422 and "请选择为哪个专班登记这次拜访" in response.text
    assert visits() == []


def test_another_districts_team_is_no_choice(client, make_user, make_team, make_district, login):
    elsewhere = make_team(name="外区专班", district_id=make_district(name="茅箭区", code="MJ").id)
    login(make_user(Role.LEADER))
    assert "外区专班" not in client.get("/visits/new").text
    response = client.post("/visits/new", data=posted(elsewhere.id))
    assert response.status_code == 422 and visits() == []
    api = client.post("/api/v1/visits", json=posted(elsewhere.id))
    assert api.status_code == 422 and api.json["fields"]["team_id"] and visits() == []


def test_the_api_takes_the_team_or_the_trips_team_from_a_leader(app, client, make_user, make_team, make_trip, login):
    leader = make_user(Role.LEADER)
    team = make_team()
    trip = make_trip(team=team, leader=leader)
    login(leader)
    named = client.post("/api/v1/visits", json=posted(team.id))
    by_trip = client.post("/api/v1/visits", json=posted(None, trip_id=trip.id))
    assert named.status_code == 201 and by_trip.status_code == 201
    assert named.json["visit"]["team_id"] == team.id == by_trip.json["visit"]["team_id"]
    again = client.post("/api/v1/visits", json=posted(team.id) | {"uuid": named.json["visit"]["uuid"]})
    assert again.status_code == 200 and again.json["created"] is False
    neither = client.post("/api/v1/visits", json=posted(None))
    assert neither.status_code == 422 and "请选择" in neither.json["fields"]["team_id"]
    assert len(visits()) == 2


def test_a_member_logs_for_their_own_team_only(app, make_user, make_team):
    member = make_user(Role.MEMBER)
    with pytest.raises(VisitRefused) as refused:
        log_visit(member, visit_input(enterprise_name="某企业", team_id=make_team().id))
    assert refused.value.field == "team_id" and "本专班" in refused.value.message
    logged = log_visit(member, visit_input(enterprise_name="某企业", team_id=member.team_id))
    assert logged.visit.team_id == member.team_id


def test_a_leader_edits_their_own_visit_and_no_other(app, client, make_user, make_team, make_visit, login):
    leader = make_user(Role.LEADER)
    team = make_team()
    own = make_visit(team=team, created_by_id=leader.id, summary="初次接洽")
    others = make_visit(team=team)
    login(leader)
    form = client.get(f"/visits/{own.id}/edit")
    assert form.status_code == 200
    response = client.post(f"/visits/{own.id}/edit", data=posted(team.id, summary="再次洽谈", uuid=own.uuid,
                                                                  participant_ids=[leader.id], version="1"))
    assert response.status_code == 302
    assert db.session.get(Visit, own.id).summary == "再次洽谈"
    refused = client.get(f"/visits/{others.id}/edit")
    assert refused.status_code == 403 and "只有记录人、专班负责人或管理员可以修改" in refused.text


def test_the_city_is_not_offered_the_form_and_is_told_why(client, make_user, login):
    login(make_user(Role.CITY))
    home = client.get("/")
    assert home.status_code == 200 and "/visits/new" not in home.text.split('href="/visits/new#outbox"')[-1]
    refused = client.get("/visits/new")
    assert refused.status_code == 403 and "市招商局查看各区县的拜访记录，不登记拜访" in refused.text
    api = client.post("/api/v1/visits", json=posted(None))
    assert api.status_code == 403 and "不登记拜访" in api.json["message"]
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 0


def test_every_refusal_says_who_may(client, make_user, login):
    login(make_user(Role.MEMBER))
    refused = client.get("/admin/users/")
    assert refused.status_code == 403 and "此功能仅限安全管理员使用，您当前的身份是专班成员。" in refused.text


def test_the_installed_app_opens_where_the_user_works(client, make_user, login):
    assert client.get("/manifest.webmanifest").json["start_url"] == "/visits/new"  # before signing in
    login(make_user(Role.CITY))
    manifest = client.get("/manifest.webmanifest").json
    assert manifest["start_url"] == "/" and manifest["lang"] == "zh-CN"
