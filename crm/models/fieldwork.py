"""Trips out of the district and the visits made on them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import VisitKind
from .types import UTCDateTime, choice_type, now_utc

if TYPE_CHECKING:
    from .enterprises import Enterprise
    from .leads import Lead
    from .people import Team, User

trip_participant = Table(
    "trip_participant", db.metadata,
    Column("trip_id", ForeignKey("trip.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id"), primary_key=True),
)

visit_participant = Table(
    "visit_participant", db.metadata,
    Column("visit_id", ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id"), primary_key=True),
)


class Trip(db.Model):
    """One outbound promotion trip (外出招商) of a team."""

    __table_args__ = (
        CheckConstraint("end_on >= start_on", name="dates_in_order"),
        Index("ix_trip_team_start", "team_id", "start_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    destination: Mapped[str] = mapped_column(String(100))
    start_on: Mapped[date] = mapped_column(index=True)
    end_on: Mapped[date]
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # the leader heading it
    purpose: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    version: Mapped[int] = mapped_column(default=1)  # an edit made from an older version is refused

    team: Mapped[Team] = relationship()
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])
    participants: Mapped[list[User]] = relationship(secondary=trip_participant)
    visits: Mapped[list[Visit]] = relationship(back_populates="trip")

    __mapper_args__ = {"version_id_col": version}


class Visit(db.Model):
    """One contact with an enterprise (拜访), keyed by a UUID the client makes."""

    __table_args__ = (
        # A district's visits are its teams' (team_id IN …): each team's run of a period, enterprises read from the
        # index alone, so the district's figures need no table lookups.
        Index("ix_visit_team_date", "team_id", "visited_on", "enterprise_id"),
        # The reports' visit figures (count, distinct enterprises, per team) are read from these indexes alone:
        # a period's range for SQLite's planner and the district's count, each team's run for PostgreSQL's.
        Index("ix_visit_date_enterprise_team", "visited_on", "enterprise_id", "team_id"),
        Index("ix_visit_team_enterprise_date", "team_id", "enterprise_id", "visited_on"),
        # The list, newest first: walked in its order until a page is full, the district's teams read in the index.
        Index("ix_visit_date_id_team", "visited_on", "id", "team_id"),
        # A UUID is made on a phone: repeats within a team are the same visit. Unique per team, not in the whole
        # city, so a UUID already used in another district is no business of this one's (never a refusal that
        # would tell it exists).
        UniqueConstraint("team_id", "uuid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), index=True)  # made offline; repeats are the same visit
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    trip_id: Mapped[int | None] = mapped_column(ForeignKey("trip.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("lead.id"), index=True)
    visited_on: Mapped[date]
    kind: Mapped[VisitKind] = mapped_column(choice_type(VisitKind, "kind"))
    summary: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    follow_up_on: Mapped[date | None] = mapped_column(index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    version: Mapped[int] = mapped_column(default=1)  # an edit made from an older version is refused

    team: Mapped[Team] = relationship()
    trip: Mapped[Trip | None] = relationship(back_populates="visits")
    enterprise: Mapped[Enterprise] = relationship()
    lead: Mapped[Lead | None] = relationship(back_populates="visits")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    participants: Mapped[list[User]] = relationship(secondary=visit_participant)
    photos: Mapped[list[VisitPhoto]] = relationship(back_populates="visit", cascade="all, delete-orphan",
                                                    order_by="VisitPhoto.id")

    __mapper_args__ = {"version_id_col": version}


class VisitPhoto(db.Model):
    """A photo taken at a visit (a business card, a meeting), stored under a generated name."""

    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  # random; never the uploaded name
    content_type: Mapped[str] = mapped_column(String(32))  # image/jpeg or image/png, from the content
    size_bytes: Mapped[int]
    original_name: Mapped[str | None] = mapped_column(String(200))  # shown to people, never used as a path
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    visit: Mapped[Visit] = relationship(back_populates="photos")
