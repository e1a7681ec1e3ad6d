"""Two-factor sign-in: enrolment with an authenticator app, the code at sign-in, recovery codes, limits, reset."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import AuditEvent, RecoveryCode, Role, User
from tests.conftest import PASSWORD
from tests.sign_in_steps import (
    DEFAULT_REQUIRED,
    enrol,
    shown_recovery_codes,
    sign_in_with_code,
    sign_in_with_password,
    users_manager,
)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return app_config | {"MFA_REQUIRED_ROLES": DEFAULT_REQUIRED}


def events(action: str, **where: Any) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    return db.session.scalar(query) or 0


def test_enrolment_shows_the_secret_as_uri_and_qr_code_and_confirms_with_a_code(client, make_user, login):
    user = make_user(Role.MEMBER)
    login(user)
    assert "未启用" in client.get("/account/").text
    page = client.get("/account/second-factor").text
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn on the server: no script, allowed by the CSP
    assert "otpauth://totp/" in page and "issuer=" in page
    wrong = client.post("/account/second-factor", data={"code": "000000"})
    assert wrong.status_code == 422 and "验证码不正确" in wrong.text
    enrolled = enrol(client)
    db.session.refresh(user)
    assert user.has_second_factor and user.totp_secret == enrolled.secret
    assert len(enrolled.recovery_codes) == 10 == len(set(enrolled.recovery_codes))
    stored = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10
    assert not {row.code_hash for row in stored} & {code.replace("-", "") for code in enrolled.recovery_codes}
    assert "还剩 10 个未用的恢复码" in client.get("/account/").text


def test_sign_in_needs_the_code_and_makes_no_session_before_it(app, client, make_user, login):
    user = make_user(Role.MEMBER)
    login(user)
    enrolled = enrol(client)
    client.post("/logout")
    first = sign_in_with_password(client, user.username)
    assert first.location == "/login/code"
    assert client.get("/").location.startswith("/login")  # the password alone opens nothing
    assert client.get("/api/v1/me").status_code == 401  # nor the API, which knows only the session cookie
    wrong = client.post("/login/code", data={"code": "123456" if enrolled.code(1) != "123456" else "654321"})
    assert wrong.status_code == 401 and "验证码不正确" in wrong.text
    right = client.post("/login/code", data={"code": enrolled.code(1)})
    assert right.status_code == 302 and right.location == "/"
    assert client.get("/").status_code == 200
    assert events("second_factor_failed", user_id=user.id) == 1
    assert events("login_second_factor", user_id=user.id) == 1


def test_a_code_is_taken_once(client, make_user, login):
    user = make_user(Role.MEMBER)
    login(user)
    enrolled = enrol(client)  # used the current step
    client.post("/logout")
    assert sign_in_with_code(client, user.username, enrolled.code()).status_code == 401  # the step enrolment used
    code = enrolled.code(1)
    assert sign_in_with_code(client, user.username, code).location == "/"
    client.post("/logout")
    replayed = sign_in_with_code(client, user.username, code)
    assert replayed.status_code == 401
    assert client.get("/").location.startswith("/login")


def test_a_recovery_code_signs_in_once(client, make_user, login):
    user = make_user(Role.MEMBER)
    login(user)
    enrolled = enrol(client)
    client.post("/logout")
    spare = enrolled.recovery_codes[3]
    assert sign_in_with_code(client, user.username, spare.upper().replace("-", " ")).location == "/"
    client.post("/logout")
    assert sign_in_with_code(client, user.username, spare).status_code == 401
    client.post("/login/code", data={"code": enrolled.recovery_codes[4]})
    assert client.get("/").status_code == 200
    assert "还剩 8 个未用的恢复码" in client.get("/account/").text


def test_a_required_role_without_a_factor_enrols_before_anything_else(app, client, make_user, login):
    admin = make_user(Role.ADMIN)
    first = sign_in_with_password(client, admin.username)
    assert first.location == "/account/second-factor"
    assert client.get("/").location.startswith("/login")  # no session until enrolled
    assert client.get("/login/code").location == "/login"  # and the code step is not a way round
    enrolled = enrol(client)
    assert client.get("/").status_code == 200
    assert len(enrolled.recovery_codes) == 10


def test_a_signed_in_user_whose_role_comes_to_require_a_factor_reaches_only_enrolment(app, client, make_user,
                                                                                        login):
    app.config["MFA_REQUIRED_ROLES"] = []
    login(make_user(Role.LEADER))
    app.config["MFA_REQUIRED_ROLES"] = DEFAULT_REQUIRED
    assert client.get("/").location == "/account/second-factor"
    assert client.get("/projects/").location == "/account/second-factor"
    assert client.get("/api/v1/me").status_code == 403
    assert client.get("/account/second-factor").status_code == 200


def test_wrong_codes_end_the_sign_in_and_then_the_accounts_window(app, client, make_user, login):
    user = make_user(Role.MEMBER)
    login(user)
    enrolled = enrol(client)
    client.post("/logout")
    sign_in_with_password(client, user.username)
    for _ in range(4):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 401
    fifth = client.post("/login/code", data={"code": "000000"})
    assert fifth.location == "/login"  # start over with the password
    assert client.post("/login/code", data={"code": enrolled.code(1)}).location == "/login"
    sign_in_with_password(client, user.username)
    for _ in range(5):
        client.post("/login/code", data={"code": "000000"})
    assert events("second_factor_failed", user_id=user.id) == 10
    sign_in_with_password(client, user.username)
    held = client.post("/login/code", data={"code": enrolled.code(1)})  # the right code, but the window is spent
    assert held.status_code == 429 and "验证码错误次数过多" in held.text
    assert client.get("/").location.startswith("/login")


def test_the_accounts_daily_limit_holds_too(app, client, make_user, login):
    app.config.update(MFA_FAILURES_PER_WINDOW=100, MFA_FAILURES_PER_DAY=3)
    user = make_user(Role.MEMBER)
    login(user)
    enrolled = enrol(client)
    client.post("/logout")
    sign_in_with_password(client, user.username)
    for _ in range(3):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 401
    assert client.post("/login/code", data={"code": enrolled.code(1)}).status_code == 429


def test_the_security_administrator_resets_a_factor_audited_and_the_user_enrols_again(app, make_user, login):
    manager_role = users_manager()
    target = make_user(Role.ADMIN if manager_role is not Role.ADMIN else Role.LEADER)
    own = app.test_client()
    assert sign_in_with_password(own, target.username).location == "/account/second-factor"
    enrol(own)
    assert own.get("/").status_code == 200

    manager = make_user(manager_role)
    client: FlaskClient = app.test_client()
    sign_in_with_password(client, manager.username)
    enrol(client)
    assert "重置双因素认证" in client.get(f"/admin/users/{target.id}/edit").text
    reset = client.post(f"/admin/users/{target.id}/second-factor/reset")
    assert reset.status_code == 302
    assert events("second_factor_reset", entity="User", entity_id=target.id, user_id=manager.id) == 1
    target = db.session.get(User, target.id)
    assert not target.has_second_factor
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == target.id)) == 0
    assert own.get("/").location.startswith("/login")  # their sessions ended
    assert sign_in_with_password(own, target.username).location == "/account/second-factor"


def test_disabling_and_new_recovery_codes_need_the_password_and_a_code(client, make_user, login):
    user = make_user(Role.MEMBER)
    login(user)
    enrolled = enrol(client)
    no_code = client.post("/account/second-factor/codes", data={"password": PASSWORD, "code": ""})
    assert no_code.status_code == 422
    wrong = client.post("/account/second-factor/disable", data={"password": "Wrong-Horse-Battery9",
                                                                "code": enrolled.code(1)})
    assert wrong.status_code == 401
    renewed = client.post("/account/second-factor/codes", data={"password": PASSWORD, "code": enrolled.code(1)})
    assert renewed.status_code == 200
    new_codes = shown_recovery_codes(renewed.text)
    assert len(new_codes) == 10 and not set(new_codes) & set(enrolled.recovery_codes)
    old = client.post("/account/second-factor/disable", data={"password": PASSWORD,
                                                              "code": enrolled.recovery_codes[0]})
    assert old.status_code == 401  # the codes before the renewal stopped working
    earlier = client.post("/account/second-factor/disable", data={"password": PASSWORD, "code": enrolled.code(-1)})
    assert earlier.status_code == 401  # a step older than one already used
    db.session.refresh(user)
    assert user.has_second_factor
    off = client.post("/account/second-factor/disable", data={"password": PASSWORD, "code": new_codes[0]})
    assert off.location == "/account/"
    db.session.refresh(user)
    assert not user.has_second_factor and user.totp_secret is None
    assert events("second_factor_disabled", user_id=user.id) == 1
