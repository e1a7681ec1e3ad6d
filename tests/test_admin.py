"""Admin pages: users and teams."""

import re

from sqlalchemy import select

from crm.extensions import db
from crm.models import Role, TargetMetric, Team, TeamTarget, User
from tests.conftest import PASSWORD


def test_the_security_admin_creates_a_member(app, client, make_user, make_team, login):
    team = make_team(name="杭州专班")
    login(make_user(Role.SECURITY))
    response = client.post("/admin/users/new", data={
        "username": "li.ming", "display_name": "李明", "role": "member", "team_id": team.id,
        "password": "Long-Enough-2026", "active": "y"})
    assert response.status_code == 302 and response.location == "/admin/users/"
    user = db.session.scalar(select(User).where(User.username == "li.ming"))
    assert user.team == team and user.role is Role.MEMBER
    assert "已添加用户 李明" in client.get("/admin/users/").text
    signed_in = app.test_client().post("/login", data={"username": "li.ming", "password": "Long-Enough-2026"})
    assert signed_in.status_code == 302


def test_member_without_team_is_refused_with_a_message(client, make_user, login):
    login(make_user(Role.SECURITY))
    response = client.post("/admin/users/new", data={
        "username": "wang", "display_name": "王", "role": "member", "team_id": 0, "password": "Long-Enough-2026"})
    assert response.status_code == 422
    assert "必须属于一个专班" in response.text
    assert db.session.scalar(select(User).where(User.username == "wang")) is None


def test_duplicate_username_and_short_password_are_refused(client, make_user, login):
    login(make_user(Role.SECURITY, username="boss"))
    response = client.post("/admin/users/new", data={
        "username": "boss", "display_name": "X", "role": "admin", "team_id": 0, "password": "short"})
    assert response.status_code == 422
    assert "该用户名已被使用" in response.text and "10" in response.text


def test_the_security_admin_resets_a_password(app, client, make_user, login):
    member = make_user(Role.MEMBER)
    login(make_user(Role.SECURITY))
    response = client.post(f"/admin/users/{member.id}/password", data={"password": "Brand-New-2026"})
    assert response.status_code == 302
    other = app.test_client()
    assert other.post("/login", data={"username": member.username, "password": PASSWORD}).status_code == 401
    assert other.post("/login", data={"username": member.username, "password": "Brand-New-2026"}).status_code == 302


def test_the_security_admin_cannot_deactivate_themselves(client, make_user, login):
    admin = make_user(Role.SECURITY)
    login(admin)
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "不能停用自己的账号" in response.text
    assert db.session.get(User, admin.id).active


def test_role_change_through_edit(client, make_user, make_team, login):
    member = make_user(Role.MEMBER)
    login(make_user(Role.SECURITY))
    response = client.post(f"/admin/users/{member.id}/edit", data={
        "display_name": "新名字", "role": "lead", "team_id": member.team_id, "active": "y", "version": "1"})
    assert response.status_code == 302
    assert db.session.get(User, member.id).role is Role.LEAD


def test_admin_creates_and_edits_a_team(client, make_user, login):
    leader = make_user(Role.LEADER, display_name="赵副区长")
    login(make_user(Role.ADMIN))
    assert client.post("/teams/new", data={"name": "宁波专班", "base_city": "宁波", "leader_id": leader.id,
                                           "active": "y"}).status_code == 302
    team = db.session.scalar(select(Team).where(Team.name == "宁波专班"))
    assert team.leader == leader
    page = client.get("/teams/").text
    assert "宁波专班" in page and "赵副区长" in page
    clash = client.post("/teams/new", data={"name": "宁波专班", "base_city": "宁波", "leader_id": 0})
    assert clash.status_code == 422 and "已有同名专班" in clash.text


def opened(page: str) -> str:
    """The fingerprint of the targets a targets page was opened with."""
    return re.search(r'name="opened" type="hidden" value="([0-9a-f]+)"', page).group(1)


def test_admin_sets_yearly_targets(client, make_user, make_team, login):
    team = make_team()
    login(make_user(Role.ADMIN))
    url = f"/teams/{team.id}/targets/2026"
    response = client.post(url, data={"trips": "20", "signed": "6", "investment": "57.2",
                                      "opened": opened(client.get(url).text)})
    assert response.status_code == 302
    targets = {t.metric: t.target for t in db.session.scalars(select(TeamTarget).where(TeamTarget.team == team))}
    assert targets == {TargetMetric.TRIPS: 20, TargetMetric.SIGNED_PROJECTS: 6,
                       TargetMetric.SIGNED_INVESTMENT: 5_720_000_000}
    page = client.get(url).text
    assert 'value="57.2000"' in page
    cleared = client.post(url, data={"trips": "", "signed": "6", "investment": "", "opened": opened(page)})
    assert cleared.status_code == 302
    assert db.session.scalar(select(TeamTarget).where(TeamTarget.metric == TargetMetric.TRIPS)) is None


def test_bad_target_input_gets_a_message_and_writes_nothing(client, make_user, make_team, login):
    team = make_team()
    login(make_user(Role.ADMIN))
    url = f"/teams/{team.id}/targets/2026"
    response = client.post(url, data={"trips": "-3", "investment": "很多", "opened": opened(client.get(url).text)})
    assert response.status_code == 422
    assert "金额" in response.text and "页面已过期" not in response.text
    assert db.session.scalars(select(TeamTarget)).all() == []


def test_missing_records_are_404(client, make_user, login):
    login(make_user(Role.SECURITY))
    assert client.get("/admin/users/999/edit").status_code == 404
    client.post("/logout")
    login(make_user(Role.ADMIN))
    response = client.get("/teams/999/edit")
    assert response.status_code == 404 and "页面不存在" in response.text


def test_user_list_is_paginated(app, client, make_user, login):
    app.config["PAGE_SIZE"] = 3
    admin = make_user(Role.SECURITY, username="a-admin")
    for n in range(5):
        make_user(Role.LEADER, username=f"leader-{n}")
    login(admin)
    first = client.get("/admin/users/").text
    second = client.get("/admin/users/?page=2").text
    assert "第 1 / 2 页，共 6 条" in first and "第 2 / 2 页，共 6 条" in second
    assert first.count("<tr class") + second.count("<tr class") == 6
