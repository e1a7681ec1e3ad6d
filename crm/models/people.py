"""Districts, their users, promotion teams and the teams' yearly targets."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import Role, TargetMetric
from .types import UTCDateTime, choice_type, now_utc

if TYPE_CHECKING:
    from .projects import Project


def new_session_token() -> str:
    """Return a fresh token; changing it ends every session of the user."""
    return secrets.token_urlsafe(16)


class District(db.Model):
    """A district or county (区/县) of the city: its teams, enterprises and all their records are its own."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # e.g. 张湾区
    code: Mapped[str] = mapped_column(String(8), unique=True)  # project codes start with it: ZW-2026-001
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    teams: Mapped[list[Team]] = relationship(back_populates="district")

    def __repr__(self) -> str:
        return f"<District {self.name}>"


class User(UserMixin, db.Model):
    """A person who signs in: of one district, or of the city (市招商局), who reads every district."""

    __table_args__ = (
        CheckConstraint("(role = 'city' AND district_id IS NULL) OR (role != 'city' AND district_id IS NOT NULL)",
                        name="district_unless_city"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(64))  # 职务, e.g. 区委副书记
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(choice_type(Role, "role"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    email: Mapped[str | None] = mapped_column(String(254))  # where reminders are mailed (crm/reminders)
    weekly_digest: Mapped[bool] = mapped_column(default=False)  # reminders gathered into one mail a week
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The second factor (TOTP, RFC 6238): a base32 secret, confirmed once the user has entered a code from it;
    # the last time step a code was accepted for, so no code is taken twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # The version of what the accounts page edits (name, title, role, team, active): an edit made from an older one
    # is refused. Raised by those changes alone (bump_version), not on every write of the row as a version_id_col
    # would: signing in writes the row too (last_login_at, totp_last_step, session_token), and must not make the
    # security administrator's open form stale.
    version: Mapped[int] = mapped_column(default=1)

    district: Mapped[District | None] = relationship()
    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])
    chief_of: Mapped[list[Project]] = relationship(back_populates="chief_officer",
                                                   foreign_keys="Project.chief_officer_id")

    audit_exclude = frozenset({"password_hash", "session_token", "last_login_at", "totp_secret", "totp_last_step"})
    session_key = None  # the key of the session being made or served (not a column: see UserSession)

    def get_id(self) -> str:
        """Return the session id: the user, the token that keeps their sessions alive, and this session's key."""
        return f"{self.id}:{self.session_token}:{self.session_key or ''}"

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None and self.totp_confirmed_at is not None

    @property
    def is_active(self) -> bool:
        return self.active

    def end_sessions(self) -> None:
        """Make every existing session of this user stop working."""
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Team(db.Model):
    """A promotion team (驻外招商工作专班) of a district, stationed in another city."""

    __table_args__ = (UniqueConstraint("district_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))  # unique within its district
    base_city: Mapped[str] = mapped_column(String(64))  # 驻点城市
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", use_alter=True), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    version: Mapped[int] = mapped_column(default=1)  # an edit made from an older version is refused

    district: Mapped[District] = relationship(back_populates="teams")
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])  # 带队领导
    members: Mapped[list[User]] = relationship(back_populates="team", foreign_keys=[User.team_id])
    targets: Mapped[list[TeamTarget]] = relationship(back_populates="team", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class TeamTarget(db.Model):
    """A team's target for one metric in one year."""

    __table_args__ = (
        UniqueConstraint("team_id", "year", "metric"),
        CheckConstraint("target >= 0", name="target_not_negative"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    year: Mapped[int]
    metric: Mapped[TargetMetric] = mapped_column(choice_type(TargetMetric, "metric"))
    target: Mapped[int] = mapped_column(BigInteger)  # a count, or yuan for the investment metric

    team: Mapped[Team] = relationship(back_populates="targets")


class LoginAttempt(db.Model):
    """One sign-in attempt, kept to throttle guessing per address, per account and per device (crm/auth/throttle.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    success: Mapped[bool]
    device: Mapped[str | None] = mapped_column(String(32), index=True)  # the nonce of the device cookie it carried
