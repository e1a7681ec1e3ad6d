"""Reminders (提醒): a district's rules, the reminders they raise for a person, and how each person is reached."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..web.i18n import lazy_gettext as _l
from .types import Choice, UTCDateTime, choice_type, now_utc

if TYPE_CHECKING:
    from .people import User


class ReminderKind(Choice):
    """What falls due: each kind is one rule, with its days set per district."""

    LEAD_IDLE = "lead_idle", _l("在谈线索久未拜访")  # a lead in 接洽/洽谈/拟签约 with no visit for N days
    FOLLOW_UP = "follow_up", _l("跟进日期已到")  # a visit's follow-up date or a lead's next action date reached
    NODE = "node", _l("节点临近或逾期")  # a planned node (开工, 投产…) within N days, or past
    SERVICE_ITEM = "service_item", _l("代办事项逾期")  # a 代办事项 past its due date
    ISSUE = "issue", _l("问题诉求超期")  # a 问题诉求 open N days after it was raised
    SUPERVISION = "supervision", _l("督办临近或逾期")  # a 督办 within N days of its deadline, or past
    VERIFICATION = "verification", _l("签约待认定")  # a signing waiting N days for 认定


class WebhookKind(Choice):
    WECOM = "wecom", _l("企业微信群机器人")
    DINGTALK = "dingtalk", _l("钉钉自定义机器人")


class ReminderRule(db.Model):
    """A district's days for one kind of reminder (no row: the defaults of crm/reminders/rules.py)."""

    __table_args__ = (
        UniqueConstraint("district_id", "kind"),
        CheckConstraint("days >= 0", name="days_not_negative"),
        CheckConstraint("escalate_after_days >= 1", name="escalation_after_a_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    kind: Mapped[ReminderKind] = mapped_column(choice_type(ReminderKind, "kind"))
    enabled: Mapped[bool] = mapped_column(default=True)
    days: Mapped[int]  # N: idle for, ahead of, or waiting for this many days (by kind)
    escalate_after_days: Mapped[int]  # M: still unacted this many days after the first reminder, to the one above


class Reminder(db.Model):
    """One reminder for one person about one record falling due; raised once (the unique key makes runs idempotent)."""

    __table_args__ = (
        UniqueConstraint("user_id", "kind", "record_type", "record_id", "due_on"),
        CheckConstraint("level >= 0", name="level_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReminderKind] = mapped_column(choice_type(ReminderKind, "kind"))
    record_type: Mapped[str] = mapped_column(String(20))  # lead, visit, project, node, service_item, issue, supervision
    record_id: Mapped[int]
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(300))  # what the record is called, as it was when raised
    due_on: Mapped[date]  # the day it falls (fell) due: a follow-up date, a planned date, a deadline …
    level: Mapped[int] = mapped_column(default=0)  # 0: the person who can act; 1, 2 …: the ones above, in turn
    raised_on: Mapped[date] = mapped_column(index=True)  # the run's day
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # posted to the district's group webhook

    user: Mapped[User] = relationship()


class ReminderPreference(db.Model):
    """How one person is reached for one kind of reminder (no row: in the app and by e-mail)."""

    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReminderKind] = mapped_column(choice_type(ReminderKind, "kind"))
    in_app: Mapped[bool] = mapped_column(default=True)
    by_email: Mapped[bool] = mapped_column(default=True)
    by_webhook: Mapped[bool] = mapped_column(default=False)


class DistrictWebhook(db.Model):
    """A district's group robot (企业微信 or 钉钉) that reminders are posted to."""

    __table_args__ = (UniqueConstraint("district_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    kind: Mapped[WebhookKind] = mapped_column(choice_type(WebhookKind, "kind"))
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(200))  # 钉钉's 加签 secret, when the robot has one
    enabled: Mapped[bool] = mapped_column(default=True)

    audit_exclude = frozenset({"secret", "url"})  # the robot's address is its key
