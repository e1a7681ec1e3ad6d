"""The second factor: TOTP codes from an authenticator app (RFC 6238) and one-time recovery codes.

Codes are 6 digits for 30-second time steps; one step either side of now is accepted, for a phone's clock a
little off. A step a code was accepted for is never accepted again (the user's `totp_last_step` only moves
forward, by a conditional UPDATE, so two requests racing with one code cannot both win). Recovery codes are
random, shown once, and kept as salted SHA-256: each is 50 bits of chance, too many to guess through the limits.
"""

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from enum import Enum

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..core.audit import record
from ..core.database import written_apart
from ..extensions import db
from ..models import AuditEvent, RecoveryCode, User, now_utc
from ..web.i18n import gettext as _

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # time steps accepted either side of now
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread from paper
RECOVERY_LENGTH = 10  # 31 ** 10 ≈ 2 ** 49.5
FAILED = "second_factor_failed"


def required(user: User) -> bool:
    """Whether the user's role must sign in with a second factor (MFA_REQUIRED_ROLES)."""
    return user.role.value in current_app.config["MFA_REQUIRED_ROLES"]


def step_at(now: datetime) -> int:
    """The RFC 6238 time step a moment falls in."""
    return int(now.timestamp()) // STEP_SECONDS


def enrolment_page(user: User) -> dict[str, object]:
    """What the enrolment page shows: the secret to confirm as a QR code and as text, and whether it is required."""
    with written_apart(db.session):  # a GET that writes the secret to confirm: on SQLite it waits its turn
        secret = start_enrolment(user)
    uri = otpauth_uri(user, secret)
    return {"uri": uri, "qr": qr_code(uri), "secret": grouped(secret), "required": required(user)}


def start_enrolment(user: User) -> str:
    """Give the user a secret to confirm (keeping one not yet confirmed, so a page reload does not change it)."""
    if user.totp_secret is None or user.totp_confirmed_at is not None:
        user.totp_secret = pyotp.random_base32()  # 160 bits, RFC 4226's recommended length
        user.totp_confirmed_at = None
        user.totp_last_step = None
    return user.totp_secret


def otpauth_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=current_app.config["MFA_ISSUER"])


def qr_code(uri: str) -> str:
    """The QR code of a URI as an SVG data: URI (an <img> the content security policy allows)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it in by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def plain_entry(entry: str) -> str:
    """A typed code without the spaces and dashes people add, in lower case."""
    return re.sub(r"[\s-]", "", entry or "").lower()


def accept_totp(user: User, code: str, now: datetime) -> bool:
    """Whether the code is the user's for a time step near now not used before; the step is then used up."""
    if user.totp_secret is None or not re.fullmatch(rf"\d{{{DIGITS}}}", code):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = step_at(now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if not secrets.compare_digest(totp.generate_otp(step), code):
            continue
        moved = db.session.execute(
            update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step).execution_options(synchronize_session=False))
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            return False  # this step (or a later one) was used already: a replayed code
        set_committed_value(user, "totp_last_step", step)
        return True
    return False


def recovery_hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with fresh ones; return them, to be shown once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODES)]
    for code in codes:
        salt = secrets.token_hex(16)
        db.session.add(RecoveryCode(user_id=user.id, salt=salt, code_hash=recovery_hash(salt, code)))
    db.session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def use_recovery_code(user: User, code: str, now: datetime) -> bool:
    """Whether the code is one of the user's unused recovery codes; it is then used up."""
    if len(code) != RECOVERY_LENGTH:
        return False
    unused = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                          RecoveryCode.used_at.is_(None)))
    for row in unused:
        if secrets.compare_digest(row.code_hash, recovery_hash(row.salt, code)):
            used = db.session.execute(update(RecoveryCode).where(RecoveryCode.id == row.id,
                                                                 RecoveryCode.used_at.is_(None))
                                      .values(used_at=now).execution_options(synchronize_session=False))
            return used.rowcount == 1  # type: ignore[attr-defined]
    return False


def check_code(user: User, entry: str, now: datetime) -> bool:
    """Whether the entry is a code from the user's app or one of their recovery codes (either is used up)."""
    if not user.has_second_factor:
        return False
    code = plain_entry(entry)
    return accept_totp(user, code, now) if code.isdigit() else use_recovery_code(user, code, now)


def confirm_enrolment(user: User, entry: str, now: datetime, *, address: str | None) -> list[str] | None:
    """Confirm the secret being enrolled with a code from it; return the new recovery codes, or None."""
    if user.totp_secret is None or user.totp_confirmed_at is not None:
        return None
    if not accept_totp(user, plain_entry(entry), now):
        return None
    user.totp_confirmed_at = now
    record("second_factor_enrolled", user_id=user.id, entity="User", entity_id=user.id, address=address)
    return new_recovery_codes(user)


def failures_exhausted(user: User, now: datetime) -> bool:
    """Whether the account has had as many wrong codes as the window (or the day) allows, across sign-ins.

    With 3 codes of 10 ** 6 accepted at a time, 30 guesses a day find one with a chance of 1 in 11,000.
    """
    cfg = current_app.config
    day = now - timedelta(days=1)
    window = now - cfg["MFA_FAILURE_WINDOW"]
    in_window, in_day = db.session.execute(
        select(func.count().filter(AuditEvent.at > window), func.count())
        .where(AuditEvent.action == FAILED, AuditEvent.user_id == user.id, AuditEvent.at > day)
        .execution_options(all_districts=True)).one()  # the account's own failures, read before it is signed in
    return in_window >= cfg["MFA_FAILURES_PER_WINDOW"] or in_day >= cfg["MFA_FAILURES_PER_DAY"]


class Entry(Enum):
    """What became of a code entered: accepted, wrong, or not even checked (the account had too many wrong)."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    HELD = "held"
    START_AGAIN = "start again"  # a sign-in had too many wrong codes: it starts over from the password


def enter(user: User, entry: str, *, address: str | None, where: str) -> Entry:
    """Check a code the user entered (at `where`); a wrong one is written to the audit trail."""
    now = now_utc()
    if failures_exhausted(user, now):
        return Entry.HELD
    if check_code(user, entry, now):
        return Entry.ACCEPTED
    note_failure(user, address=address, where=where)
    return Entry.WRONG


def held_message() -> str:
    """What a user held for too many wrong codes reads."""
    return _("验证码错误次数过多，请 %(minutes)s 分钟后再试。",
             minutes=int(current_app.config["MFA_FAILURE_WINDOW"].total_seconds() // 60))


def note_failure(user: User, *, address: str | None, where: str) -> None:
    """Write a wrong code to the audit trail (which also counts it against the account's window)."""
    record(FAILED, user_id=user.id, entity="User", entity_id=user.id, detail=where, address=address)


def remove(user: User) -> None:
    """Take the second factor and its recovery codes away."""
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable(user: User, *, address: str | None) -> None:
    """The user turns their own second factor off (having re-entered password and code)."""
    remove(user)
    record("second_factor_disabled", user_id=user.id, entity="User", entity_id=user.id, address=address)
    db.session.flush()


def reset(user: User, *, actor: User, address: str | None) -> None:
    """The security administrator takes a user's second factor away; their sessions end, so they enrol anew."""
    remove(user)
    user.end_sessions()
    record("second_factor_reset", user_id=actor.id, entity="User", entity_id=user.id, address=address)
    db.session.flush()
