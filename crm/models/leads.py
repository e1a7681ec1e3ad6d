"""Leads (线索/在谈项目) and the log of their stages."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import LeadStage, LeadStatus
from .types import UTCDateTime, choice_type, now_utc

if TYPE_CHECKING:
    from .enterprises import Enterprise
    from .fieldwork import Visit
    from .people import Team, User
    from .projects import Project


class Lead(db.Model):
    """A possible project a team is working on."""

    __table_args__ = (
        CheckConstraint("intended_investment_yuan >= 0", name="investment_not_negative"),
        CheckConstraint("stage != 'dropped' OR drop_reason IS NOT NULL", name="drop_has_reason"),
        Index("ix_lead_team_created", "team_id", "created_at"),
        # The list, newest first: walked in its order until a page is full, the district's teams read in the index.
        Index("ix_lead_created_id_team", "created_at", "id", "team_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str | None] = mapped_column(String(64))
    intended_investment_yuan: Mapped[int | None] = mapped_column(BigInteger)  # CNY, exact
    stage: Mapped[LeadStage] = mapped_column(choice_type(LeadStage, "stage"), default=LeadStage.CLUE,
                                             index=True)
    status: Mapped[LeadStatus] = mapped_column(choice_type(LeadStatus, "status"), default=LeadStatus.ACTIVE)
    drop_reason: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    expected_sign_on: Mapped[date | None]
    next_action: Mapped[str | None] = mapped_column(Text)
    next_action_on: Mapped[date | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    version: Mapped[int] = mapped_column(default=1)

    team: Mapped[Team] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    owner: Mapped[User | None] = relationship()
    stage_log: Mapped[list[LeadStageChange]] = relationship(
        back_populates="lead", order_by="LeadStageChange.changed_at", cascade="all, delete-orphan")
    visits: Mapped[list[Visit]] = relationship(back_populates="lead")
    project: Mapped[Project | None] = relationship(back_populates="lead")

    __mapper_args__ = {"version_id_col": version}

    def move_to(self, stage: LeadStage, *, by: User | None, note: str | None = None,
                at: datetime | None = None) -> LeadStageChange:
        """Set the stage and log the change."""
        change = LeadStageChange(from_stage=self.stage, to_stage=stage, changed_by=by, note=note,
                                 changed_at=at or now_utc())
        self.stage = stage
        self.stage_log.append(change)
        return change


class LeadStageChange(db.Model):
    """One move of a lead from a stage to another, for time-in-stage and conversion."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[LeadStage | None] = mapped_column(choice_type(LeadStage, "from_stage"))
    to_stage: Mapped[LeadStage] = mapped_column(choice_type(LeadStage, "to_stage"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str | None] = mapped_column(Text)

    lead: Mapped[Lead] = relationship(back_populates="stage_log")
    changed_by: Mapped[User | None] = relationship()


class Overlap(db.Model):
    """撞单: a team worked on an enterprise on which another team has an active lead."""

    __table_args__ = (CheckConstraint("source IN ('lead', 'visit')", name="known_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)  # the team that went on
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)  # the other's lead
    source: Mapped[str] = mapped_column(String(10))  # what triggered it: a new lead or a visit
    source_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolution: Mapped[str | None] = mapped_column(Text)

    enterprise: Mapped[Enterprise] = relationship()
    team: Mapped[Team] = relationship()
    lead: Mapped[Lead] = relationship(foreign_keys=[lead_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
