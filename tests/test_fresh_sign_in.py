"""Re-entry before privileged actions: an old sign-in is asked for the password (or a code) again."""

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from crm.extensions import db
from crm.models import Project, Role, User, now_utc
from tests.conftest import PASSWORD
from tests.sign_in_steps import enrol, users_manager


def age_the_sign_in(client: FlaskClient, minutes: int = 11) -> None:
    """Move the last entry of the password back past REAUTH_WINDOW (10 minutes by default)."""
    with client.session_transaction() as session:
        session["auth_at"] = (now_utc() - timedelta(minutes=minutes)).timestamp()


def test_a_fresh_sign_in_acts_at_once_and_an_old_one_is_asked_again(client, make_user, login):
    member = make_user(Role.MEMBER)
    login(make_user(users_manager()))
    assert client.get("/admin/users/new").status_code == 200  # signed in just now: within the window
    age_the_sign_in(client, minutes=9)
    assert client.get("/admin/users/new").status_code == 200
    age_the_sign_in(client)
    asked = client.get("/admin/users/new")
    assert asked.status_code == 302 and asked.location == "/auth/confirm?next=/admin/users/new"
    refused = client.post(f"/admin/users/{member.id}/deactivate")
    assert refused.status_code == 302 and refused.location.startswith("/auth/confirm?next=")
    assert db.session.get(User, member.id).active  # nothing done before the re-entry
    wrong = client.post("/auth/confirm", data={"password": "Not-The-Password-1", "next": "/admin/users/new"})
    assert wrong.status_code == 401 and "密码不正确" in wrong.text
    confirmed = client.post("/auth/confirm", data={"password": PASSWORD, "next": "/admin/users/new"})
    assert confirmed.status_code == 302 and confirmed.location == "/admin/users/new"
    assert client.get("/admin/users/new").status_code == 200
    assert client.post(f"/admin/users/{member.id}/deactivate").status_code == 302
    assert not db.session.get(User, member.id).active


@pytest.mark.parametrize("action", ["verify", "withdraw", "void", "restore"])
def test_verifying_and_voiding_ask_again(client, make_user, make_project, login, action: str):
    project = make_project(verified=False)
    login(make_user(Role.ADMIN))
    age_the_sign_in(client)
    before = {c.key: getattr(project, c.key) for c in Project.__table__.columns}
    answer = client.post(f"/projects/{project.id}/{action}", data={"note": "齐全", "reason": "重复录入"},
                         headers={"Referer": f"http://localhost/projects/{project.id}"})
    assert answer.status_code == 302
    assert answer.location == f"/auth/confirm?next=/projects/{project.id}"
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert {c.key: getattr(project, c.key) for c in Project.__table__.columns} == before


def test_merging_enterprises_asks_again(client, make_user, make_enterprise, login):
    duplicate = make_enterprise()
    login(make_user(Role.ADMIN))
    age_the_sign_in(client)
    assert client.get(f"/enterprises/{duplicate.id}/merge").location == (
        f"/auth/confirm?next=/enterprises/{duplicate.id}/merge")


@pytest.mark.parametrize(("role", "asked"), [(Role.ADMIN, True), (Role.LEADER, True), (Role.MEMBER, False)])
def test_exporting_the_whole_district_asks_again_a_teams_own_list_does_not(client, make_user, login,
                                                                         role: Role, asked: bool):
    login(make_user(role))
    age_the_sign_in(client)
    answer = client.get("/exports/visits.csv?year=2026")
    if asked:
        assert answer.location == "/auth/confirm?next=/exports/visits.csv?year%3D2026"
    else:
        assert answer.status_code == 200


def test_a_code_from_the_app_serves_as_the_re_entry(client, make_user, login):
    login(make_user(users_manager()))
    enrolled = enrol(client)
    age_the_sign_in(client)
    page = client.get("/auth/confirm?next=/admin/users/")
    assert "身份验证器中的 6 位验证码" in page.text
    used = client.post("/auth/confirm", data={"code": enrolled.code(), "next": "/admin/users/new"})
    assert used.status_code == 401  # enrolment took the step now
    done = client.post("/auth/confirm", data={"code": enrolled.code(1), "next": "/admin/users/new"})
    assert done.location == "/admin/users/new"
    assert client.get("/admin/users/new").status_code == 200


def test_the_confirmation_goes_back_only_to_this_site(client, make_user, login):
    login(make_user(Role.ADMIN))
    answer = client.post("/auth/confirm", data={"password": PASSWORD, "next": "https://evil.example/"})
    assert answer.location == "/"
    empty = client.post("/auth/confirm", data={"password": "", "code": "", "next": "/"})
    assert empty.status_code == 422 and "请输入密码或验证码" in empty.text


def test_users_made_after_re_entry_are_made(client, make_user, login):
    login(make_user(users_manager()))
    age_the_sign_in(client)
    form = {"username": "newbie", "display_name": "新人", "role": "leader", "team_id": 0, "active": "y",
            "password": "Very-Long-Pass-42"}
    assert client.post("/admin/users/new", data=form).location == "/auth/confirm?next=/admin/users/new"
    assert db.session.scalar(select(User).where(User.username == "newbie")) is None
    client.post("/auth/confirm", data={"password": PASSWORD, "next": "/admin/users/new"})
    assert client.post("/admin/users/new", data=form).status_code == 302
    assert db.session.scalar(select(User).where(User.username == "newbie")) is not None
