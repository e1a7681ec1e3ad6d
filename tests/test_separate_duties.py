"""三员分立: the security administrator manages accounts, the audit administrator reads the trail, the business
admin does neither, and no duty holder reaches the business's records or changes anything outside their duty."""

import pytest
from flask import Flask
from sqlalchemy import select

from crm.access.rights import RIGHTS
from crm.extensions import db
from crm.models import AuditEvent, Role, User


def rules_of(app: Flask, method: str) -> list[tuple[str, str]]:
    """(endpoint, URL) of every route answering the method, its arguments filled with 1 (or a name)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or method not in (rule.methods or ()):
            continue
        values = {arg: ("csv" if arg == "ext" else "x" if arg in ("name", "uuid") else 1) for arg in rule.arguments}
        try:
            found.append((rule.endpoint, app.url_map.bind("localhost").build(rule.endpoint, values)))
        except Exception:  # a converter refusing the stand-in value: no such route to ask
            continue
    return found


def right_of(app: Flask, endpoint: str) -> str | None:
    return getattr(app.view_functions[endpoint], "access_right", None)


def test_no_role_holds_two_of_the_three_duties():
    managers, auditors = RIGHTS["users.manage"], RIGHTS["audit.view"]
    business = {role for right, roles in RIGHTS.items() if right not in ("users.manage", "audit.view",
                                                                          "dashboard.view", "account.edit")
                for role in roles}
    assert managers == {Role.SECURITY} and auditors == {Role.AUDITOR}
    assert Role.ADMIN not in managers | auditors
    assert not (business & {Role.SECURITY, Role.AUDITOR})


def test_every_post_route_refuses_the_auditor(app, client, make_user, login):
    auditor = make_user(Role.AUDITOR)
    login(auditor)
    for endpoint, url in rules_of(app, "POST"):
        if right_of(app, endpoint) in ("public", "account.edit"):
            continue  # signing in and out, their own password and language
        response = client.post(url, data={}, headers={"X-Requested-With": "magnet"})
        assert response.status_code in (403, 404), (endpoint, response.status_code)


def test_the_duty_holders_read_none_of_the_business_pages(app, make_user, login, client):
    for role in (Role.SECURITY, Role.AUDITOR):
        login(make_user(role))
        own = {"users.manage"} if role is Role.SECURITY else {"audit.view"}
        for endpoint, url in rules_of(app, "GET"):
            if right_of(app, endpoint) in ("public", "account.edit", "dashboard.view", *own):
                continue
            response = client.get(url)
            assert response.status_code in (401, 403, 404), (role, endpoint, response.status_code)
        client.post("/logout")


@pytest.mark.parametrize("role, page", [(Role.SECURITY, "/admin/users/"), (Role.AUDITOR, "/audit/")])
def test_a_duty_holder_starts_from_their_own_page(client, make_user, login, role, page):
    login(make_user(role))
    response = client.get("/")
    assert response.status_code == 302 and response.location == page
    assert client.get(page).status_code == 200


def test_the_business_admin_cannot_manage_users(client, make_user, login):
    admin = make_user(Role.ADMIN)
    member = make_user(Role.MEMBER)
    login(admin)
    assert client.get("/admin/users/").status_code == 403
    assert client.post(f"/admin/users/{member.id}/deactivate").status_code == 403
    assert db.session.get(User, member.id).active
    refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "forbidden",
                                                         AuditEvent.user_id == admin.id))
    assert refused is not None and refused.result.value == "refused"


def test_the_security_admin_manages_accounts_and_each_role_change_is_audited(client, make_user, login):
    security = make_user(Role.SECURITY)
    member = make_user(Role.MEMBER)
    login(security)
    response = client.post(f"/admin/users/{member.id}/edit", data={
        "display_name": member.display_name, "role": "auditor", "team_id": 0, "active": "y", "version": "1"})
    assert response.status_code == 302, response.text
    assert db.session.get(User, member.id).role is Role.AUDITOR
    change = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "User", AuditEvent.entity_id == member.id,
                                                         AuditEvent.action == "update")).all()[-1]
    assert change.user_id == security.id and change.changes["role"] == ["member", "auditor"]
    assert change.district_id == security.district_id


def test_a_security_admin_cannot_change_their_own_role_or_deactivate_themself(client, make_user, login):
    security = make_user(Role.SECURITY)
    login(security)
    response = client.post(f"/admin/users/{security.id}/edit", data={
        "display_name": security.display_name, "role": "admin", "team_id": 0, "active": "y", "version": "1"})
    assert response.status_code == 422 and "不能修改自己的角色" in response.text
    response = client.post(f"/admin/users/{security.id}/edit", data={
        "display_name": security.display_name, "role": "security", "team_id": 0, "version": "1"})
    assert response.status_code == 422 and "不能停用自己的账号" in response.text
    user = db.session.get(User, security.id)
    assert user.role is Role.SECURITY and user.active


def test_the_users_page_shows_the_policy_in_force(app, client, make_user, login):
    app.config["MFA_REQUIRED_ROLES"] = ["admin", "leader"]
    login(make_user(Role.SECURITY))
    page = client.get("/admin/users/").text
    assert "密码与登录策略" in page and "新密码至少" in page
    assert "必须使用双因素登录的角色：管理员、区领导" in page
