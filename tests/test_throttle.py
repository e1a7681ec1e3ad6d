"""The sign-in throttle under attack: no one can lock a user out, and no one can buy guesses back."""

import re
from datetime import timedelta

from sqlalchemy import select

from crm.auth.devices import COOKIE
from crm.auth.throttle import wait_remaining
from crm.extensions import db
from crm.models import LoginAttempt, Role, now_utc
from tests.conftest import PASSWORD

HOME = "198.51.100.7"  # where alice usually signs in
ATTACKER = "203.0.113.66"
HOTEL = "192.0.2.200"  # somewhere alice has never signed in from


def sign_in(client, username: str, password: str, address: str):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def waited_seconds(response) -> int:
    """The seconds the 429 page asks for, checked against its Retry-After header."""
    said = re.search(r"请 (\d+) 秒后再试", response.text)
    assert said, response.text
    assert response.headers["Retry-After"] == said.group(1)
    return int(said.group(1))


def test_failures_from_elsewhere_do_not_keep_alice_out_at_her_usual_address(app, make_user):
    make_user(Role.MEMBER, username="alice")
    assert sign_in(app.test_client(), "alice", PASSWORD, HOME).status_code == 302  # an earlier day's sign-in
    guesser = app.test_client()
    answers = [sign_in(guesser, "alice", f"Guess-{n}-xyz", ATTACKER).status_code for n in range(30)]
    assert answers[:5] == [401] * 5 and answers[5:] == [429] * 25  # the guesser is slowed …
    response = sign_in(app.test_client(), "alice", PASSWORD, HOME)  # … alice, at home, without any cookie, is not
    assert response.status_code == 302 and response.location == "/"


def test_a_guesser_with_many_addresses_holds_up_strangers_only_never_alices_own_browser(app, make_user):
    make_user(Role.MEMBER, username="alice")
    laptop = app.test_client()
    assert sign_in(laptop, "alice", PASSWORD, HOME).status_code == 302
    assert laptop.get_cookie(COOKIE) is not None  # her browser is known to her account from now on
    laptop.post("/logout")
    for n in range(app.config["LOGIN_ACCOUNT_FAILURES"]):  # a botnet: a few guesses from each of many addresses
        assert sign_in(app.test_client(), "alice", f"Guess-{n}-xyz", f"203.0.113.{n}").status_code == 401
    stranger = sign_in(app.test_client(), "alice", PASSWORD, HOTEL)
    assert stranger.status_code == 429 and 0 < waited_seconds(stranger) <= 60
    travelling = sign_in(laptop, "alice", PASSWORD, HOTEL)  # her own laptop at the hotel: waits 0 seconds
    assert travelling.status_code == 302 and travelling.location == "/"
    assert sign_in(app.test_client(), "alice", PASSWORD, HOME).status_code == 302  # and her usual address


def test_a_guesser_signing_in_as_themselves_buys_back_no_guesses(app, make_user):
    make_user(Role.MEMBER, username="mallory")
    victims = [make_user(Role.MEMBER, username=f"victim{n}").username for n in range(5)]
    guesser = app.test_client()
    guesses, refused = 0, None
    for turn in range(25):  # four guesses spread over five accounts, then a sign-in of their own, and again
        for n in range(4):
            response = sign_in(guesser, victims[(turn * 4 + n) % 5], f"Guess-{turn}-{n}-x", ATTACKER)
            if response.status_code == 429:
                refused = response
                break
            assert response.status_code == 401
            guesses += 1
        if refused is not None:
            break
        assert sign_in(guesser, "mallory", PASSWORD, ATTACKER).status_code == 302
        guesser.post("/logout")
    assert guesses == app.config["LOGIN_ADDRESS_FAILURES"] == 20
    assert refused is not None and waited_seconds(refused) > 0
    assert sign_in(guesser, "mallory", PASSWORD, ATTACKER).status_code == 302  # their own account still opens …
    guesser.post("/logout")
    for target in (victims[0], "never-tried"):  # … and gives nothing back: every account is closed to this address
        assert sign_in(guesser, target, "Guess-again-x", ATTACKER).status_code == 429


def test_the_address_budget_slides_and_has_a_daily_cap(app):
    now = now_utc()
    db.session.add_all(LoginAttempt(at=now - timedelta(minutes=14, seconds=n), username=f"user{n}",
                                    address=ATTACKER, success=False) for n in range(20))
    db.session.add(LoginAttempt(at=now - timedelta(minutes=1), username="mallory", address=ATTACKER, success=True))
    db.session.commit()
    assert wait_remaining("someone", ATTACKER, now) == 60 - 19  # until the 20th newest leaves the window
    assert wait_remaining("someone", ATTACKER, now + timedelta(minutes=1)) == 0
    day = app.config["LOGIN_ADDRESS_DAILY_FAILURES"]
    db.session.add_all(LoginAttempt(at=now - timedelta(hours=20), username=f"user{n}", address=ATTACKER,
                                    success=False) for n in range(day - 20))
    db.session.commit()
    later = now + timedelta(minutes=30)  # the window is clear, the day is not: wait until those are 24 hours old
    assert wait_remaining("someone", ATTACKER, later) == (timedelta(hours=4) - timedelta(minutes=30)).total_seconds()


def test_a_stolen_device_cookie_is_no_licence_to_guess(app, make_user):
    make_user(Role.MEMBER, username="alice")
    laptop = app.test_client()
    assert sign_in(laptop, "alice", PASSWORD, HOME).status_code == 302
    laptop.post("/logout")
    thief = app.test_client()
    thief.set_cookie(COOKIE, laptop.get_cookie(COOKIE).value)
    answers = [sign_in(thief, "alice", f"Guess-{n}-xyz", f"203.0.113.{n}").status_code for n in range(20)]
    limit = app.config["LOGIN_DEVICE_FAILURES"]
    assert answers[:limit] == [401] * limit and set(answers[limit:]) == {429}
    assert sign_in(app.test_client(), "alice", PASSWORD, HOME).status_code == 302  # she still gets in at home


def test_a_forged_or_foreign_device_cookie_counts_for_nothing(app, make_user):
    make_user(Role.MEMBER, username="alice")
    make_user(Role.MEMBER, username="bob")
    bobs = app.test_client()
    assert sign_in(bobs, "bob", PASSWORD, HOTEL).status_code == 302
    bobs.post("/logout")
    for n in range(app.config["LOGIN_ACCOUNT_FAILURES"]):
        sign_in(app.test_client(), "alice", f"Guess-{n}-xyz", f"203.0.113.{n}")
    assert sign_in(bobs, "alice", PASSWORD, "192.0.2.201").status_code == 429  # bob's browser is not alice's
    forged = app.test_client()
    forged.set_cookie(COOKIE, bobs.get_cookie(COOKIE).value[:-4] + "AAAA")
    assert sign_in(forged, "alice", PASSWORD, "192.0.2.202").status_code == 429


def test_attempts_record_where_they_came_from(app, make_user):
    make_user(Role.MEMBER, username="alice")
    laptop = app.test_client()
    sign_in(laptop, "alice", PASSWORD, HOME)
    laptop.post("/logout")
    sign_in(laptop, "alice", "Wrong-typed-1", HOTEL)
    sign_in(app.test_client(), "alice", "Wrong-typed-2", HOTEL)
    rows = db.session.execute(select(LoginAttempt.address, LoginAttempt.success, LoginAttempt.device.is_not(None))
                              .order_by(LoginAttempt.id)).all()
    assert [tuple(row) for row in rows] == [(HOME, True, False), (HOTEL, False, True), (HOTEL, False, False)]
