"""What a sign-in leaves behind: an account's recovery codes and the sessions it holds.

Neither is a district's record: each row belongs to one user and is read only for that user (by the user
loader, or on the user's own account page), so the district wall does not list these tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, now_utc


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app, kept only as a salted SHA-256."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    salt: Mapped[str] = mapped_column(String(32))  # hex, 16 random bytes
    code_hash: Mapped[str] = mapped_column(String(64))  # hex SHA-256 of salt and code
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserSession(db.Model):
    """One signed-in session of a user: the cookie names it by a random key kept here only as its SHA-256."""

    __table_args__ = (Index("ix_user_session_user_live", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def live(self) -> bool:
        return self.ended_at is None
