"""Trips (外出招商): recording through the pages, team scoping, filters, counts."""

import re
from datetime import date

import pytest
from sqlalchemy import event, func, select

from crm.domain.periods import Period
from crm.domain.refused import Refused
from crm.extensions import db
from crm.models import Role, Trip
from crm.trips import services


@pytest.fixture
def app_config(app_config):
    return app_config | {"PAGE_SIZE": 3}


def trip_form(**fields):
    return {"destination": "苏州", "start_on": "2026-04-07", "end_on": "2026-04-09", "leader_id": 0,
            "purpose": "对接新能源企业", "summary": ""} | fields


def listed(html: str) -> list[int]:
    """The trip ids a list page links to, in order."""
    return [int(n) for n in re.findall(r'href="/trips/(\d+)"', html)]


def test_member_records_edits_and_deletes_a_trip(client, login, make_user):
    member = make_user(Role.MEMBER)
    mate = make_user(Role.MEMBER, team=member.team, display_name="周同事")
    leader = make_user(Role.LEADER, display_name="赵副区长")
    login(member)
    assert client.get("/trips/new").status_code == 200
    response = client.post("/trips/new", data=trip_form(leader_id=leader.id, participant_ids=[member.id, mate.id]))
    trip = db.session.scalar(select(Trip))
    assert response.status_code == 302 and response.location == f"/trips/{trip.id}"
    assert trip.team == member.team and trip.leader == leader and trip.created_by_id == member.id
    assert {u.id for u in trip.participants} == {member.id, mate.id}
    page = client.get(response.location).text
    assert "已记录外出招商：苏州" in page and "赵副区长" in page and "周同事" in page

    response = client.post(f"/trips/{trip.id}/edit", data=trip_form(destination="无锡", end_on="2026-04-10",
                                                                     participant_ids=[mate.id], version=trip.version))
    assert response.status_code == 302 and response.location == f"/trips/{trip.id}"
    trip = db.session.get(Trip, trip.id)
    assert (trip.destination, trip.end_on, trip.leader) == ("无锡", date(2026, 4, 10), None)
    assert [u.id for u in trip.participants] == [mate.id]
    assert "已保存" in client.get(response.location).text

    trip_id = trip.id
    response = client.post(f"/trips/{trip_id}/delete")
    assert response.status_code == 302 and response.location == "/trips/"
    assert "已删除外出招商：无锡" in client.get("/trips/").text
    assert db.session.get(Trip, trip_id) is None


def test_trip_with_visits_is_not_deleted(client, login, make_user, make_trip, make_visit):
    member = make_user(Role.MEMBER)
    trip = make_trip(team=member.team)
    make_visit(team=member.team, trip=trip)
    login(member)
    response = client.post(f"/trips/{trip.id}/delete", follow_redirects=True)
    assert "已有 1 条拜访记录，不能删除" in response.text
    assert db.session.get(Trip, trip.id) is not None


@pytest.mark.parametrize("method, path", [("GET", ""), ("GET", "/edit"), ("POST", "/edit"), ("POST", "/delete")])
def test_another_teams_trip_answers_404(client, login, make_user, make_trip, method, path):
    other = make_trip(destination="深圳")
    login(make_user(Role.MEMBER))
    response = client.open(f"/trips/{other.id}{path}", method=method, data=trip_form(destination="改掉"))
    assert response.status_code == 404
    assert db.session.get(Trip, other.id).destination == "深圳"


@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMIN])
def test_leaders_and_admins_see_every_team(client, login, make_user, make_trip, role):
    trips = [make_trip(destination="深圳"), make_trip(destination="宁波")]
    login(make_user(role))
    page = client.get("/trips/").text
    assert "深圳" in page and "宁波" in page
    assert all(client.get(f"/trips/{t.id}").status_code == 200 for t in trips)
    expected = 403 if role is Role.LEADER else 200  # leaders read; they record no trips
    assert client.get(f"/trips/{trips[0].id}/edit").status_code == expected


def test_members_list_only_their_own_team(client, login, make_user, make_trip):
    member = make_user(Role.MEMBER)
    own = make_trip(team=member.team, destination="杭州")
    make_trip(destination="深圳")
    login(member)
    page = client.get("/trips/").text
    assert listed(page) == [own.id] and "深圳" not in page


def test_end_before_start_is_refused_without_a_write(client, login, make_user, make_trip):
    member = make_user(Role.MEMBER)
    login(member)
    response = client.post("/trips/new", data=trip_form(start_on="2026-04-09", end_on="2026-04-07"))
    assert response.status_code == 422 and "返回日期不能早于出发日期" in response.text
    assert db.session.scalar(select(func.count()).select_from(Trip)) == 0
    trip = make_trip(team=member.team)
    response = client.post(f"/trips/{trip.id}/edit", data=trip_form(start_on="2026-04-09", end_on="2026-04-07",
                                                                     version=trip.version))
    assert response.status_code == 422 and db.session.get(Trip, trip.id).end_on == date(2026, 3, 4)
    with pytest.raises(Refused, match="返回日期不能早于出发日期"):
        services.update_trip(trip, actor=member, version=trip.version, team=member.team, destination="X",
                             start_on=date(2026, 4, 9),
                             end_on=date(2026, 4, 7), leader=None, participants=[], purpose=None, summary=None)


def test_participants_of_another_team_are_refused(client, login, make_user, make_team):
    team = make_team()
    outsider = make_user(Role.MEMBER, display_name="外队张三")
    login(make_user(Role.ADMIN))
    response = client.post("/trips/new", data=trip_form(team_id=team.id, participant_ids=[outsider.id]))
    assert response.status_code == 422 and "外队张三" in response.text and "成员" in response.text
    assert db.session.scalar(select(func.count()).select_from(Trip)) == 0
    with pytest.raises(Refused):
        services.create_trip(actor=make_user(Role.MEMBER, team=team), team=team, destination="X",
                             start_on=date(2026, 1, 1), end_on=date(2026, 1, 2), leader=None,
                             participants=[outsider], purpose=None, summary=None)


def test_admin_records_a_trip_for_any_team(client, login, make_user, make_team):
    team = make_team(name="广州专班")
    member = make_user(Role.MEMBER, team=team)
    login(make_user(Role.ADMIN))
    assert "广州专班" in client.get("/trips/new").text
    response = client.post("/trips/new", data=trip_form(team_id=team.id, participant_ids=[member.id]))
    assert response.status_code == 302
    assert db.session.scalar(select(Trip)).team == team


def test_trip_counts_match_a_plain_count(app, make_team, make_trip):
    a, b = make_team(), make_team()
    for team, start in [(a, date(2026, 1, 1)), (a, date(2026, 3, 31)), (a, date(2026, 2, 10)),
                        (a, date(2025, 12, 31)), (a, date(2026, 4, 1)), (b, date(2026, 3, 31))]:
        make_trip(team=team, start_on=start, end_on=max(start, date(2026, 1, 1)))
    quarter = Period.quarter(2026, 1)
    plain = {team.id: db.session.scalar(select(func.count()).select_from(Trip).where(
        Trip.team_id == team.id, Trip.start_on >= quarter.start, Trip.start_on <= quarter.end)) for team in (a, b)}
    assert services.trip_counts(quarter) == plain == {a.id: 3, b.id: 1}
    assert services.trip_counts(quarter, team_ids=[b.id]) == {b.id: 1}


def test_list_counts_visits_and_participants_in_a_fixed_number_of_queries(app, client, login, make_user,
                                                                          make_trip, make_visit):
    admin = make_user(Role.ADMIN)
    member = make_user(Role.MEMBER)
    busy = make_trip(team=member.team, destination="合肥", participants=[member])
    for _ in range(3):
        make_visit(team=member.team, trip=busy)
    make_trip(team=member.team, destination="芜湖")
    login(admin)
    statements = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    def queries() -> tuple[int, str]:
        start = len(statements)
        html = client.get("/trips/").text
        return len(statements) - start, html

    two_trips, html = queries()
    row = re.search(r"合肥</a></td>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'class="count">(\d+)<', row) == ["1", "3"]
    make_trip(team=member.team, start_on=date(2026, 3, 1), end_on=date(2026, 3, 1))
    three_trips, html = queries()
    assert len(listed(html)) == 3 and three_trips == two_trips  # one more trip, not one more query


def test_filters_and_pagination(client, login, make_user, make_team, make_trip):
    a, b = make_team(name="上海专班"), make_team(name="北京专班")
    for day in range(1, 8):
        make_trip(team=a, destination=f"苏州{day}", start_on=date(2026, 5, day), end_on=date(2026, 5, day))
    make_trip(team=b, destination="天津", start_on=date(2026, 1, 5), end_on=date(2026, 1, 6))
    make_trip(team=b, destination="苏州老站", start_on=date(2025, 5, 5), end_on=date(2025, 5, 6))
    login(make_user(Role.ADMIN))
    first = client.get("/trips/?year=2026&destination=苏州").text
    assert "共 7 次外出招商" in first and "天津" not in first
    assert first.index("苏州7") < first.index("苏州6")  # newest first
    assert len(listed(first)) == 3 and "第 1 / 3 页" in first
    assert "page=2&amp;year=2026&amp;destination=" in first  # the next page keeps the filters
    assert len(listed(client.get("/trips/?year=2026&destination=苏州&page=3").text)) == 1
    assert "共 1 次外出招商" in client.get(f"/trips/?team={b.id}&year=2026").text
    assert "共 1 次外出招商" in client.get("/trips/?year=2026&quarter=1").text
    assert "共 7 次外出招商" in client.get("/trips/?year=2026&month=5").text
    assert "共 2 次外出招商" in client.get("/trips/?start=2026-05-01&end=2026-05-02").text
    assert "共 9 次外出招商" in client.get("/trips/").text


@pytest.mark.parametrize("query", ["month=13", "year=abc", "start=2026-05-01", "start=2026-05-02&end=2026-05-01",
                                   "start=2026-02-30&end=2026-03-01", "team=999999", "quarter=x"])
def test_bad_filters_get_a_message_not_a_500(client, login, make_user, query):
    login(make_user(Role.ADMIN))
    response = client.get(f"/trips/?{query}")
    assert response.status_code == 400 and "筛选条件有误" in response.text
