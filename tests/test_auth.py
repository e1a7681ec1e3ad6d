"""Sign-in, sessions that can be revoked, throttling, and safe redirects."""

import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.auth.services import authenticate, hash_password
from crm.auth.throttle import wait_remaining
from crm.core.audit import set_actor
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
    login(make_user(Role.SECURITY))  # accounts are the security administrator's (三员分立)
    assert client.post(f"/admin/users/{member.id}/deactivate").status_code == 302
    assert member_client.get("/").location.startswith("/login")


def test_new_session_at_sign_in(app, client, make_user):
    user = make_user(Role.MEMBER)
    with client.session_transaction() as session:
        session["planted"] = "by-someone-else"
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        # the user, their current token, and the key of this session's row (crm/auth/sessions_held.py)
        assert session["_user_id"].startswith(f"{user.id}:{db.session.get(User, user.id).session_token}:")


def test_cookie_flags(app_config):
    from crm import create_app
    app = create_app(app_config | {"SESSION_COOKIE_SECURE": True})
    with app.app_context():
        user = User(username="flags", display_name="F", role=Role.CITY, password_hash=hash_password(PASSWORD))
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
    for n in range(app.config["LOGIN_ADDRESS_FAILURES"]):
        assert client.post("/login", data={"username": f"guess{n}", "password": "bad-bad-bad"}).status_code == 401
    response = client.post("/login", data={"username": "another", "password": "bad-bad-bad"})
    assert response.status_code == 429


def test_wait_grows_with_further_failures_and_is_capped(app):
    now = now_utc()

    def fail(times: int) -> None:
        db.session.add_all(LoginAttempt(at=now - timedelta(seconds=5), username="victim", address=f"10.0.0.{n}",
                                        success=False) for n in range(times))
        db.session.commit()
    fail(12)  # from twelve addresses, none of which ever signed in as the victim
    assert wait_remaining("victim", "192.0.2.1", now) == 60 * 2 ** (12 - app.config["LOGIN_ACCOUNT_FAILURES"]) - 5
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


# The same answer and the same work for an unknown user and a wrong password ----------------------------------

def test_an_unknown_or_inactive_user_is_throttled_like_a_known_one(app, client, make_user):
    make_user(Role.MEMBER, username="gone", active=False)
    for username in ("ghost", "gone"):
        for n in range(app.config["LOGIN_ACCOUNT_FAILURES"]):
            assert client.post("/login", data={"username": username, "password": "bad-bad-bad"},
                               environ_base={"REMOTE_ADDR": f"192.0.{len(username)}.{n}"}).status_code == 401
        response = client.post("/login", data={"username": username, "password": "bad-bad-bad"},
                               environ_base={"REMOTE_ADDR": "198.51.100.9"})
        assert response.status_code == 429 and "登录失败次数过多" in response.text


def test_each_failed_sign_in_runs_exactly_one_argon2_verification(app, client, make_user, monkeypatch):
    from argon2 import PasswordHasher
    make_user(Role.MEMBER, username="zhang")
    make_user(Role.MEMBER, username="gone", active=False)
    calls: list[str] = []
    verify, hash_ = PasswordHasher.verify, PasswordHasher.hash
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, *a: calls.append("verify") or verify(self, *a))
    monkeypatch.setattr(PasswordHasher, "hash", lambda self, *a, **k: calls.append("hash") or hash_(self, *a, **k))
    client.post("/login", data={"username": "warm-up", "password": "nope-nope-nope"})  # makes the dummy hash once
    for username in ("zhang", "nobody", "gone"):
        calls.clear()
        response = client.post("/login", data={"username": username, "password": "nope-nope-nope"})
        assert response.status_code == 401 and "用户名或密码不正确" in response.text
        assert calls == ["verify"], username


def test_unknown_user_and_wrong_password_take_about_the_same_time(app_config):
    from tests.conftest import running_app
    # argon2 costly enough to be most of a sign-in (here ~13 ms against ~2 ms for the rest), and no throttling
    with running_app(app_config | {"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_COST": 16 * 1024, "ARGON2_PARALLELISM": 1,
                                   "LOGIN_FAILURES_BEFORE_WAIT": 1_000, "LOGIN_ADDRESS_FAILURES": 1_000,
                                   "LOGIN_ACCOUNT_FAILURES": 1_000}) as app:
        db.session.add(User(username="zhang", display_name="张", role=Role.CITY,
                            password_hash=hash_password(PASSWORD)))
        db.session.commit()
        client = app.test_client()
        times: dict[str, list[float]] = {"zhang": [], "nobody": []}
        for _ in range(12):  # interleaved, so a busy moment of the machine falls on both
            for username, spent in times.items():
                start = time.perf_counter()
                response = client.post("/login", data={"username": username, "password": "nope-nope-nope"})
                spent.append(time.perf_counter() - start)
                assert response.status_code == 401
    wrong, unknown = (statistics.median(spent[2:]) for spent in times.values())  # the first two warm up
    assert 0.5 < unknown / wrong < 2, (wrong, unknown)


# The password policy, wherever a password is set ---------------------------------------------------------------

DENGBAO = {"PASSWORD_MIN_CLASSES": 3}  # 等保: three of lower case, upper case, digits, symbols


def test_the_default_policy_accepts_the_documented_passwords_and_refuses_weak_ones(app):
    from crm.auth.passwords import password_problems
    for password in (PASSWORD, "magnet-demo-2026", "Long-Enough-2026", "a-new-password-1", "Brand-New-2026"):
        assert password_problems(password, app.config, username="admin") == []
    assert password_problems("short-1", app.config) == ["密码至少需要 10 个字符，当前只有 7 个"]
    for common in ("1234567890", "Password@2024", "admin123456!", "Woaini1314", "qwertyuiop"):
        assert "密码过于常见，容易被猜到，请换一个" in password_problems(common, app.config), common
    assert password_problems("zhang.wei.2026", app.config, username="Zhang.Wei") == ["密码不能包含用户名"]
    assert password_problems("zhang.wei.2026", app.config | {"PASSWORD_REJECT_USERNAME": False},
                             username="zhang.wei") == []


def test_a_dengbao_site_asks_for_three_kinds_of_character_and_says_which_are_missing(app):
    from crm.auth.passwords import generate_password, password_problems
    config = app.config | DENGBAO
    assert password_problems("correct-horse-battery", config) == [
        "密码需包含小写字母、大写字母、数字、符号中的至少 3 类，当前只有 2 类（缺少：大写字母、数字）"]
    assert password_problems("magnet-demo-2026", config) == []
    assert password_problems("Magnet2026Demo", config) == []
    strict = config | {"PASSWORD_MIN_CLASSES": 4, "PASSWORD_MIN_LENGTH": 20}
    assert all(password_problems(generate_password(strict), strict) == [] for _ in range(200))


def test_settings_come_from_the_environment(app_config, monkeypatch):
    from crm import create_app
    monkeypatch.setenv("FLASK_PASSWORD_MIN_LENGTH", "12")
    monkeypatch.setenv("FLASK_PASSWORD_MIN_CLASSES", "3")
    monkeypatch.setenv("FLASK_PASSWORD_REJECT_USERNAME", "false")
    config = create_app(app_config).config
    assert (config["PASSWORD_MIN_LENGTH"], config["PASSWORD_MIN_CLASSES"], config["PASSWORD_REJECT_USERNAME"]) == (
        12, 3, False)


def test_changing_ones_password_follows_the_policy(app, client, make_user, login):
    app.config.update(DENGBAO)
    user = make_user(Role.MEMBER)
    login(user)
    response = client.post("/account/password", data={"current": PASSWORD, "new": "only-lower-case",
                                                      "confirm": "only-lower-case"})
    assert response.status_code == 422 and "缺少：大写字母、数字" in response.text
    assert authenticate(user.username, PASSWORD, address="192.0.2.1") is not None


def test_a_security_admin_creating_or_resetting_follows_the_policy(app, client, make_user, login):
    app.config.update(DENGBAO)
    member = make_user(Role.MEMBER)
    login(make_user(Role.SECURITY))
    created = client.post("/admin/users/new", data={
        "username": "wang", "display_name": "王", "role": "admin", "team_id": 0, "password": "long-enough-pw"})
    assert created.status_code == 422 and "缺少：大写字母、数字" in created.text
    named = client.post("/admin/users/new", data={
        "username": "wang", "display_name": "王", "role": "admin", "team_id": 0, "password": "Wang-2026-pass"})
    assert named.status_code == 422 and "密码不能包含用户名" in named.text
    assert db.session.scalar(select(User).where(User.username == "wang")) is None
    before = member.password_hash
    reset = client.post(f"/admin/users/{member.id}/password", data={"password": "brand-new-password"})
    assert reset.status_code == 422 and "缺少：大写字母、数字" in reset.text
    assert db.session.get(User, member.id).password_hash == before
    assert client.post(f"/admin/users/{member.id}/password", data={"password": "Brand-New-2026"}).status_code == 302


def test_the_command_line_follows_the_policy(app, runner):
    app.config.update(DENGBAO)
    result = runner.invoke(args=["users", "create", "root", "--role", "admin", "--password", "long-enough-pw"])
    assert result.exit_code != 0 and "缺少：大写字母、数字" in result.output
    assert db.session.scalar(select(User).where(User.username == "root")) is None
    ok = runner.invoke(args=["users", "create", "root", "--role", "admin", "--password", "Long-Enough-2026"])
    assert ok.exit_code == 0, ok.output
