"""The steps of a sign-in: a password right, a second factor pending, then the session made.

Between the password and the code, the (signed) session cookie holds a pending sign-in: whose, under which
session token, since when, how many wrong codes. It signs no one in: nothing but the code page and the
enrolment page reads it, and it expires after MFA_PENDING_LIMIT (MFA_ENROL_LIMIT when the user must first
enrol). The cookie's count of wrong codes could be replayed from an older copy, so the account's own count in
the audit trail (MFA_FAILURES_PER_WINDOW) is what finally holds a guesser.
"""

from dataclasses import dataclass
from typing import Any

from flask import current_app, g, request, session, url_for
from flask_login import login_user
from flask_wtf.csrf import generate_csrf

from ..core.audit import record, set_actor
from ..domain.refused import Refused
from ..extensions import db
from ..models import User, now_utc
from ..web.i18n import gettext as _
from . import second_factor, sessions_held

PENDING = "pending_sign_in"


@dataclass(frozen=True)
class Pending:
    """A sign-in waiting for its second factor."""

    user: User
    enrol: bool  # the role requires a factor the user does not have yet
    next: str
    tries: int


def needs_second_step(user: User) -> bool:
    return user.has_second_factor or second_factor.required(user)


def begin(user: User, next_url: str) -> None:
    """The password was right: remember the sign-in until the code (or a first enrolment) completes it."""
    session.clear()
    session[PENDING] = {"user": user.id, "token": user.session_token, "at": now_utc().timestamp(),
                        "enrol": not user.has_second_factor, "next": next_url, "tries": 0}


def pending() -> Pending | None:
    """The sign-in waiting in this cookie, if it has not expired and its user may still sign in."""
    state: Any = session.get(PENDING)
    if not isinstance(state, dict):
        return None
    cfg = current_app.config
    limit = cfg["MFA_ENROL_LIMIT"] if state.get("enrol") else cfg["MFA_PENDING_LIMIT"]
    if now_utc().timestamp() - float(state.get("at", 0)) > limit.total_seconds():
        drop()
        return None
    user = db.session.get(User, int(state.get("user", 0)), execution_options={"all_districts": True})
    if user is None or not user.active or user.session_token != state.get("token"):
        drop()
        return None
    return Pending(user, bool(state.get("enrol")), str(state.get("next") or ""), int(state.get("tries", 0)))


def password_right(user: User, next_url: str) -> str:
    """The password was right: sign in, or begin the second step; return where the browser goes next."""
    if needs_second_step(user):  # no session yet: the code (or a first enrolment) comes first
        begin(user, next_url)
        return url_for("auth.enrol" if not user.has_second_factor else "auth.second_step")
    finish(user)
    return next_url


def enter_code(waiting: Pending, code: str, *, address: str) -> second_factor.Entry:
    """The code of a pending sign-in: accepted, the session is made; too many wrong, the sign-in is dropped."""
    user = waiting.user
    entry = second_factor.enter(user, code, address=address, where="sign-in")
    if entry is second_factor.Entry.HELD:
        drop()
    elif entry is second_factor.Entry.ACCEPTED:
        record("login_second_factor", user_id=user.id, entity="User", entity_id=user.id, address=address)
        finish(user)
    elif count_wrong_code() >= current_app.config["MFA_TRIES_PER_SIGN_IN"]:
        drop()
        return second_factor.Entry.START_AGAIN
    return entry


def complete_enrolment(user: User, waiting: Pending | None, code: str, *, address: str) -> list[str]:
    """Confirm a first second factor with its code; a sign-in waiting on it completes. Return the recovery codes."""
    codes = second_factor.confirm_enrolment(user, code, now_utc(), address=address)
    if codes is None:
        raise Refused(_("验证码不正确：请确认手机时间准确，并输入身份验证器当前显示的 6 位数字"), "code")
    if waiting is not None:
        finish(user)
    return codes


def count_wrong_code() -> int:
    """Count a wrong code against the pending sign-in; return how many it has had."""
    state = session[PENDING]
    state["tries"] = int(state.get("tries", 0)) + 1
    session.modified = True
    return state["tries"]


def drop() -> None:
    session.pop(PENDING, None)


def finish(user: User) -> None:
    """Make the session: a fresh cookie, a row naming it, the user signed in (and freshly so)."""
    session.clear()  # nothing carried over from before
    # A new CSRF token in the new session now, not the one this request cached before the clear: forms of the page
    # this request shows would carry a token the session no longer holds, and requests the page sets off at once
    # (the offline helper's first fetches) would each make their own, the last cookie to land winning.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()
    now = now_utc()
    sessions_held.start(db.session, user, address=request.remote_addr, user_agent=request.user_agent.string,
                        now=now)
    login_user(user)
    session["login_at"] = session["seen_at"] = session["auth_at"] = now.timestamp()
    set_actor(user.id, request.remote_addr or "-")
