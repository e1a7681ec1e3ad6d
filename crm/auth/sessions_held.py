"""The sessions an account holds: one row per sign-in, named by the cookie, limited in number.

The cookie carries a random key; the row keeps only its SHA-256, so a copy of the database opens no session.
A session lives while its row is not ended and the user's session token is the one it was made under: changing
the password, being deactivated or signing out rotate the token, and the rows still open are ended with it.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from ..models import User, UserSession, now_utc

TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most this often: no write per request


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(session: Session, user: User, *, address: str | None, user_agent: str | None, now: datetime) -> str:
    """Open a session row for a sign-in, end the oldest beyond SESSION_MAX_PER_USER; return the cookie's key."""
    key = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, key_hash=key_hash(key), created_at=now, last_seen_at=now,
                            address=(address or "")[:64] or None, user_agent=(user_agent or "")[:255] or None))
    session.flush()
    keep = max(1, int(current_app.config["SESSION_MAX_PER_USER"]))
    beyond = select(UserSession.id).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None)) \
        .order_by(UserSession.created_at.desc(), UserSession.id.desc()).offset(keep)
    oldest = list(session.scalars(beyond))
    if oldest:
        session.execute(update(UserSession).where(UserSession.id.in_(oldest)).values(ended_at=now)
                        .execution_options(synchronize_session=False))
    user.session_key = key
    return key


def live(session: Session, user_id: int, key: str) -> UserSession | None:
    """The user's session this key names, if it has not ended."""
    row = session.scalar(select(UserSession).where(UserSession.key_hash == key_hash(key)))
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return None
    return row


def due(row: UserSession, now: datetime) -> bool:
    """Whether the session's use is worth noting: last_seen is written at most once a minute."""
    return now - row.last_seen_at >= TOUCH_EVERY


def touch(row: UserSession, now: datetime) -> None:
    """Note that the session was used."""
    row.last_seen_at = now


def held(session: Session, user: User) -> list[UserSession]:
    """The user's sessions still open, newest first."""
    return list(session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                          UserSession.ended_at.is_(None))
                                .order_by(UserSession.created_at.desc(), UserSession.id.desc())))


def end(session: Session, user: User, session_id: int, now: datetime) -> bool:
    """End one of the user's own sessions; whether there was such a session to end."""
    ended = session.execute(update(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id,
                                                      UserSession.ended_at.is_(None))
                            .values(ended_at=now).execution_options(synchronize_session=False))
    return ended.rowcount == 1  # type: ignore[attr-defined]


def end_with_rotated_tokens(session: Session, flush_context: Any, instances: Any) -> None:
    """Before a flush: a user whose session token changes has every open session row ended too."""
    rotated = [user.id for user in session.dirty if isinstance(user, User) and user.id is not None
               and _token_changed(user)]
    if rotated:
        session.connection().execute(update(UserSession.__table__)
                                     .where(UserSession.user_id.in_(rotated), UserSession.ended_at.is_(None))
                                     .values(ended_at=now_utc()))


def _token_changed(user: User) -> bool:
    return bool(inspect(user).attrs.session_token.history.added)


def register_session_rows() -> None:
    """Listen to every session for rotated tokens (once)."""
    if not event.contains(Session, "before_flush", end_with_rotated_tokens):
        event.listen(Session, "before_flush", end_with_rotated_tokens)
