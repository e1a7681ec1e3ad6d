"""The sessions an account holds: a row per sign-in, a limit on how many, each one endable by its user."""

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.extensions import db
from crm.models import Role, UserSession, now_utc
from tests.conftest import PASSWORD


def signed_in(app: Flask, username: str, agent: str = "test") -> FlaskClient:
    client = app.test_client()
    answer = client.post("/login", data={"username": username, "password": PASSWORD},
                         headers={"User-Agent": agent})
    assert answer.status_code == 302 and answer.location == "/", answer.text
    return client


def rows(user_id: int) -> list[UserSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)
                                   .order_by(UserSession.id)))


def test_the_fourth_sign_in_ends_the_first_session(app, make_user):
    user = make_user(Role.MEMBER)
    devices = [signed_in(app, user.username, agent=f"device {n}") for n in range(4)]
    assert devices[0].get("/").location.startswith("/login")
    assert [device.get("/").status_code for device in devices[1:]] == [200, 200, 200]
    held = rows(user.id)
    assert [row.ended_at is not None for row in held] == [True, False, False, False]
    assert held[3].user_agent == "device 3"
    assert all(len(row.key_hash) == 64 for row in held)  # kept as a hash: the cookie's key is nowhere in the table


def test_the_limit_is_a_setting(app, make_user):
    app.config["SESSION_MAX_PER_USER"] = 1
    user = make_user(Role.MEMBER)
    first = signed_in(app, user.username)
    second = signed_in(app, user.username)
    assert first.get("/").location.startswith("/login") and second.get("/").status_code == 200


def test_a_user_sees_their_sessions_and_ends_one(app, make_user):
    user = make_user(Role.MEMBER)
    laptop = signed_in(app, user.username, agent="Laptop Chrome")
    phone = signed_in(app, user.username, agent="Phone Safari")
    page = laptop.get("/account/").text
    assert "Laptop Chrome" in page and "Phone Safari" in page and "本机" in page
    phone_row = next(row for row in rows(user.id) if row.user_agent == "Phone Safari")
    assert laptop.post("/account/sessions/end", data={"session": phone_row.id}).location == "/account/"
    assert phone.get("/").location.startswith("/login")
    assert laptop.get("/").status_code == 200
    assert laptop.post("/account/sessions/end", data={"session": phone_row.id}).status_code == 404  # ended already
    assert laptop.post("/account/sessions/end", data={"session": "x"}).status_code == 400


def test_another_users_session_cannot_be_ended(app, make_user):
    one, other = make_user(Role.MEMBER), make_user(Role.MEMBER)
    mine = signed_in(app, one.username)
    theirs = signed_in(app, other.username)
    their_row = rows(other.id)[0]
    assert mine.post("/account/sessions/end", data={"session": their_row.id}).status_code == 404
    assert theirs.get("/").status_code == 200


def test_a_rotated_token_ends_the_rows_and_the_new_password_keeps_this_session(app, make_user):
    user = make_user(Role.MEMBER)
    here = signed_in(app, user.username)
    elsewhere = signed_in(app, user.username)
    changed = here.post("/account/password", data={"current": PASSWORD, "new": "Brand-New-Secret-77",
                                                   "confirm": "Brand-New-Secret-77"})
    assert changed.status_code == 302
    assert elsewhere.get("/").location.startswith("/login")
    assert here.get("/").status_code == 200
    assert [row.ended_at is None for row in rows(user.id)] == [False, False, True]


def test_last_seen_is_written_at_most_once_a_minute(app, make_user):
    user = make_user(Role.MEMBER)
    client = signed_in(app, user.username)
    row = rows(user.id)[0]
    first_seen = row.last_seen_at
    client.get("/")
    client.get("/")
    assert rows(user.id)[0].last_seen_at == first_seen
    row = rows(user.id)[0]
    row.last_seen_at = now_utc() - timedelta(minutes=2)
    db.session.commit()
    client.get("/")
    assert rows(user.id)[0].last_seen_at > now_utc() - timedelta(seconds=30)


def test_a_session_cookie_without_a_live_row_opens_nothing(app, make_user):
    user = make_user(Role.MEMBER)
    client = signed_in(app, user.username)
    row = rows(user.id)[0]
    row.ended_at = now_utc()
    db.session.commit()
    assert client.get("/").location.startswith("/login")
    assert client.get("/api/v1/me").status_code == 401
