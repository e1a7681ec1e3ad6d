"""督办: an order from a leader or the office to act on a project (or one of its issues), and the answers to it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..web.i18n import lazy_gettext as _l
from .types import Choice, UTCDateTime, choice_type, now_utc

if TYPE_CHECKING:
    from .people import User
    from .projects import Project, ProjectIssue


class SupervisionStatus(Choice):
    OPEN = "open", _l("督办中")
    RETURNED = "returned", _l("退回")  # the issuer sent the answer back: the receiver answers again
    CLOSED = "closed", _l("已办结")  # 销号


class Supervision(db.Model):
    """A supervision order (督办): what, to whom (a unit or a person), by when; closed (销号) by its issuer."""

    __table_args__ = (CheckConstraint("receiver_unit IS NOT NULL OR receiver_id IS NOT NULL", name="has_receiver"),
                      CheckConstraint("closed_on IS NULL OR status = 'closed'", name="closed_only_when_closed"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("project_issue.id", ondelete="SET NULL"), index=True)
    what: Mapped[str] = mapped_column(Text)
    receiver_unit: Mapped[str | None] = mapped_column(String(100))  # 责任单位
    receiver_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)  # 责任人
    deadline: Mapped[date] = mapped_column(index=True)  # 办理时限, inclusive: overdue from the day after
    issuer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    status: Mapped[SupervisionStatus] = mapped_column(choice_type(SupervisionStatus, "status"),
                                                      default=SupervisionStatus.OPEN, index=True)
    return_note: Mapped[str | None] = mapped_column(Text)  # why the issuer last sent it back
    closed_on: Mapped[date | None]

    project: Mapped[Project] = relationship()
    issue: Mapped[ProjectIssue | None] = relationship()
    receiver: Mapped[User | None] = relationship(foreign_keys=[receiver_id])
    issuer: Mapped[User] = relationship(foreign_keys=[issuer_id])
    answers: Mapped[list[SupervisionAnswer]] = relationship(
        back_populates="supervision", order_by="SupervisionAnswer.id", cascade="all, delete-orphan")


class SupervisionAnswer(db.Model):
    """办理情况: one answer of the receiver to an order."""

    id: Mapped[int] = mapped_column(primary_key=True)
    supervision_id: Mapped[int] = mapped_column(ForeignKey("supervision.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    answered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    supervision: Mapped[Supervision] = relationship(back_populates="answers")
    answered_by: Mapped[User] = relationship()
