"""Sign-in, sessions that can be revoked, throttling, and safe redirects."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.audit import set_actor
from crm.auth.services import authenticate, hash_password, wait_remaining
from crm.extensions import db
from crm.models import AuditEvent, LoginAttempt, Role, User, now_utc
from tests.conftest import PASSWORD


def copied_session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_sign_in_and_out(client, make_user, login):
    user = make_user(Role.MEMBER)
    response = login(user)
    assert response.location == "/"
    assert "招商引资工作概况" in client.get("/").text
    response = client.post("/logout")
    assert response.location == "/login"
    assert client.get("/").location.startswith("/login")


def test_wrong_password_and_unknown_user_get_the_same_message(client, make_user):
    make_user(Role.MEMBER, username="zhang")
    wrong = client.post("/login", data={"username": "zhang", "password": "nope-nope-nope"})
    unknown = client.post("/login", data={"username": "nobody", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码不正确" in wrong.text and "用户名或密码不正确" in unknown.text
    assert "不存在" not in unknown.text


def test_inactive_user_cannot_sign_in(client, make_user):
    make_user(Role.MEMBER, username="gone", active=False)
    response = client.post("/login", data={"username": "gone", "password": PASSWORD})
    assert response.status_code == 401


def test_password_is_stored_with_argon2id(app):
    stored = hash_password("a-long-password")
    assert stored.startswith("$argon2id$")
    assert "a-long-password" not in stored


def test_production_cost_is_at_least_rfc9106(app):
    from crm.config import Config
    assert Config.ARGON2_MEMORY_COST >= 64 * 1024 and Config.ARGON2_TIME_COST >= 3


def test_sign_out_ends_a_copied_session(app, client, make_user, login):
    login(make_user(Role.MEMBER))
    stolen = copied_session_cookie(client)
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").location.startswith("/login")


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, make_user, login):
    user = make_user(Role.MEMBER)
    other = app.test_client()
    other.post("/login", data={"username": user.username, "password": PASSWORD})
    login(user)
    response = client.post("/account/password", data={"current": PASSWORD, "new": "a-new-password-1",
                                                      "confirm": "a-new-password-1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").location.startswith("/login")


def test_password_change_needs_the_current_password(client, make_user, login):
    login(make_user(Role.MEMBER))
    response = client.post("/account/password", data={"current": "wrong-wrong", "new": "a-new-password-1",
                                                      "confirm": "a-new-password-1"})
    assert response.status_code == 422
    assert "当前密码不正确" in response.text


def test_deactivation_ends_sessions(app, client, make_user, login):
    member = make_user(Role.MEMBER)
    member_client = app.test_client()
    member_client.post("/login", data={"username": member.username, "password": PASSWORD})
    assert member_client.get("/").status_code == 200
    login(make_user(Role.ADMIN))
    assert client.post(f"/admin/users/{member.id}/deactivate").status_code == 302
    assert member_client.get("/").location.startswith("/login")


def test_new_session_at_sign_in(app, client, make_user):
    user = make_user(Role.MEMBER)
    with client.session_transaction() as session:
        session["planted"] = "by-someone-else"
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:{db.session.get(User, user.id).session_token}"


def test_cookie_flags(app_config):
    from crm import create_app
    app = create_app(app_config | {"SESSION_COOKIE_SECURE": True})
    with app.app_context():
        user = User(username="flags", display_name="F", role=Role.ADMIN, password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.commit()
        response = app.test_client().post("/login", data={"username": "flags", "password": PASSWORD})
        cookie = response.headers["Set-Cookie"]
        db.session.remove()
        db.engine.dispose()
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


@pytest.mark.parametrize("limit, age", [("SESSION_IDLE_LIMIT", "seen_at"), ("SESSION_ABSOLUTE_LIMIT", "login_at")])
def test_session_time_limits(app, client, make_user, login, limit, age):
    login(make_user(Role.MEMBER))
    with client.session_transaction() as session:
        session[age] -= app.config[limit].total_seconds() + 1
    response = client.get("/")
    assert response.location.startswith("/login")
    assert client.get("/").location.startswith("/login")


def test_failures_are_throttled_per_account_then_allowed_again(app, client, make_user):
    user = make_user(Role.MEMBER)
    for _ in range(5):
        assert client.post("/login", data={"username": user.username, "password": "bad-bad-bad"}).status_code == 401
    throttled = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert throttled.status_code == 429
    assert "登录失败次数过多" in throttled.text
    later = now_utc() + app.config["LOGIN_WAIT"] + timedelta(seconds=1)
    assert wait_remaining(user.username, "127.0.0.1", later) == 0
    assert authenticate(user.username, PASSWORD, address="127.0.0.1", now=later) is not None


def test_throttle_per_address_covers_many_accounts(app, client):
    for n in range(5):
        client.post("/login", data={"username": f"guess{n}", "password": "bad-bad-bad"})
    response = client.post("/login", data={"username": "another", "password": "bad-bad-bad"})
    assert response.status_code == 429


def test_wait_grows_with_further_failures_and_is_capped(app):
    now = now_utc()

    def fail(times: int) -> None:
        db.session.add_all(LoginAttempt(at=now - timedelta(seconds=5), username="victim", address=f"10.0.0.{n}",
                                        success=False) for n in range(times))
        db.session.commit()
    fail(8)
    assert wait_remaining("victim", "192.0.2.1", now) == 60 * 2 ** (8 - 5) - 5
    fail(20)
    assert wait_remaining("victim", "192.0.2.1", now) == app.config["LOGIN_WAIT_MAX"].total_seconds() - 5


def test_sign_ins_are_audited(client, make_user):
    user = make_user(Role.MEMBER)
    client.post("/login", data={"username": user.username, "password": "bad-bad-bad"})
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("login%"))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["login_failed", "login"]


@pytest.mark.parametrize("target, expected", [
    ("/teams/", "/teams/"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_redirect_after_sign_in_stays_on_this_site(client, make_user, target, expected):
    user = make_user(Role.MEMBER)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD, "next": target})
    assert response.location == expected


def test_csrf_is_required_on_forms(app_config, make_user):
    from crm import create_app
    app = create_app(app_config | {"WTF_CSRF_ENABLED": True})
    with app.app_context():
        set_actor(None)
        response = app.test_client().post("/login", data={"username": "x", "password": "y"})
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 400
    assert "页面已过期或表单无效" in response.text
