"""Passwords, sign-in with throttling, and the rules for user accounts."""

import contextlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select

from ..core.audit import record
from ..domain.refused import Refused
from ..extensions import db
from ..models import District, LoginAttempt, Role, Team, User, now_utc
from ..web.i18n import gettext as _
from ..web.i18n import join_clauses
from . import second_factor
from .devices import vouched_nonce
from .passwords import password_problems
from .throttle import LoginThrottled, origin_of, seconds_to_wait


class AccountError(Refused):
    """A user-account change that breaks a rule; the message is for the user."""


class WeakPassword(AccountError):
    """A password the policy refuses; each problem is a message for the user."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(join_clauses(problems))
        self.problems = problems


class NotConfirmed(Refused):
    """A password or code entered again that does not confirm who the user is; `status` is the page's answer."""

    def __init__(self, message: str, field: str | None, status: int) -> None:
        super().__init__(message, field)
        self.status = status


def password_hasher() -> PasswordHasher:
    """Return the argon2id hasher with this app's cost settings."""
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"],
                          parallelism=cfg["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return password_hasher().hash(password)


def require_strong(password: str, *, username: str | None) -> None:
    """Refuse a password the site's policy does not accept."""
    problems = password_problems(password, current_app.config, username=username)
    if problems:
        raise WeakPassword(problems)


def set_password(user: User, password: str) -> None:
    """Give a user a new password that meets the policy, and end their other sessions."""
    require_strong(password, username=user.username)
    user.password_hash = hash_password(password)
    user.end_sessions()


_dummy_hashes: dict[tuple[int, int, int], str] = {}


def dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of no one's password at this cost, made once per process."""
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hashes[key]


def check_password(user: User | None, password: str) -> bool:
    """Whether password is the user's; one argon2 verification either way, so timing does not tell who exists."""
    hasher = password_hasher()
    if user is None:
        with contextlib.suppress(VerificationError):
            hasher.verify(dummy_hash(hasher), password)
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def authenticate(username: str, password: str, *, address: str, now: datetime | None = None,
                 device: str | None = None) -> User | None:
    """Return the active user these credentials name, or None; raise LoginThrottled when waiting.

    device is the browser's device cookie (crm/auth/devices.py): with one for this account, failures made
    elsewhere do not hold the sign-in up (crm/auth/throttle.py).
    """
    now = now or now_utc()
    username = username.strip()
    user = db.session.scalar(select(User).where(User.username == username)
                             .execution_options(all_districts=True))  # signing in: no district yet
    origin = origin_of(username, address, vouched_nonce(device, user.id) if user else None, now)
    seconds = seconds_to_wait(username, origin, now)
    if seconds:
        record("login_throttled", detail=username[:200], address=address)
        raise LoginThrottled(seconds)
    ok = check_password(user, password) and user is not None and user.active
    db.session.add(LoginAttempt(at=now, username=username[:64], address=address[:64], success=ok,
                                device=origin.device))
    if not ok:
        record("login_failed", user_id=user.id if user else None, detail=username[:200], address=address)
        return None
    assert user is not None
    user.last_login_at = now
    record("login", user_id=user.id, entity="User", entity_id=user.id, address=address)
    return user


def code_refusal(entry: second_factor.Entry) -> NotConfirmed:
    """Why a code entered does not confirm the user: too many wrong ones of late (429), or a wrong one (401)."""
    if entry is second_factor.Entry.HELD:
        return NotConfirmed(second_factor.held_message(), None, 429)
    return NotConfirmed(_("验证码不正确，或已经用过"), "code", 401)


def confirm_identity(user: User, *, password: str | None, code: str | None, address: str) -> None:
    """Check the password or code a signed-in user entered again; NotConfirmed (or LoginThrottled) when wrong.

    A code is taken when the user has a second factor; wrong ones count against the account as at sign-in.
    """
    if code and user.has_second_factor:
        entry = second_factor.enter(user, code, address=address, where="confirm")
        if entry is not second_factor.Entry.ACCEPTED:
            raise code_refusal(entry)
    elif password:
        same = authenticate(user.username, password, address=address)
        if same is None or same.id != user.id:
            raise NotConfirmed(_("密码不正确"), "password", 401)
    else:
        raise NotConfirmed(_("请输入密码或验证码"), "password", 422)


def create_user(*, username: str, display_name: str, role: Role, password: str, team: Team | None = None,
                title: str | None = None, actor: User | None = None, district: District | None = None) -> User:
    """Add a user of a district (its team's, the actor's, or the one given); a city user belongs to none."""
    taken = select(User.id).where(User.username == username).execution_options(all_districts=True)
    if db.session.scalar(taken) is not None:  # usernames are unique in the whole city
        raise AccountError(_("用户名 %(name)s 已存在", name=username))
    if role in (Role.LEAD, Role.MEMBER) and team is None:
        raise AccountError(_("专班负责人和专班成员必须属于一个专班"))
    district_id = None
    if role is not Role.CITY:
        chosen = district.id if district else (actor.district_id if actor else None)
        district_id = team.district_id if team else chosen
        if district_id is None:
            raise AccountError(_("请选择用户所属的区县"))
    require_strong(password, username=username)
    user = User(username=username, display_name=display_name, role=role, team=team, title=title,
                district_id=district_id, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def deactivate_user(user: User, *, actor: User) -> None:
    """Stop a user from signing in and end the sessions they have."""
    if user.id == actor.id:
        raise AccountError(_("不能停用自己的账号"))
    user.active = False
    user.end_sessions()
    db.session.flush()
