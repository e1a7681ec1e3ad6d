"""Mail each person one digest of their reminders not yet mailed: daily, or weekly on the configured day.

A person's reminders are claimed (UPDATE … SET emailed_at WHERE emailed_at IS NULL) in a transaction held open
while the server takes the mail: a concurrent run waits on those rows and then finds them taken, and a failure
rolls the claim back, leaving them for the next run. One person's failure stops no one else's mail.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import date
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select, update

from ..access.tenancy import within
from ..extensions import db
from ..models import Reminder, ReminderPreference, User, now_utc
from .links import external_url
from .services import DEFAULT_CHANNELS


@dataclass(frozen=True)
class Line:
    """One reminder as a mail lists it."""

    id: int
    kind: str
    subject: str
    due_on: date
    level: int
    url: str


@dataclass
class Recipient:
    """A person to mail and the reminders to list."""

    name: str
    email: str
    weekly: bool
    lines: list[Line] = field(default_factory=list)


@dataclass
class Mailed:
    """What a run mailed: mails sent, reminders in them, and the failures."""

    mails: int = 0
    reminders: int = 0
    failures: list[str] = field(default_factory=list)


def mail_enabled() -> bool:
    """Whether a mail server is set (FLASK_MAIL_SERVER)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def waiting(on: date) -> dict[int, Recipient]:
    """The reach's people to mail on the day, each with their reminders unread and not yet mailed."""
    config = current_app.config
    weekly_today = on.weekday() == int(config["REMINDER_DIGEST_WEEKDAY"])
    rows = db.session.execute(
        select(Reminder, User.display_name, User.email, User.weekly_digest)
        .join(User, User.id == Reminder.user_id)
        .outerjoin(ReminderPreference, (ReminderPreference.user_id == Reminder.user_id)
                   & (ReminderPreference.kind == Reminder.kind))
        .where(Reminder.emailed_at.is_(None), Reminder.read_at.is_(None), User.active.is_(True),
               func.coalesce(User.email, "") != "",
               func.coalesce(ReminderPreference.by_email, DEFAULT_CHANNELS.by_email),
               or_(User.weekly_digest.is_(False), weekly_today))
        .order_by(Reminder.user_id, Reminder.due_on, Reminder.id))
    people: dict[int, Recipient] = {}
    for reminder, name, email, weekly in rows:
        person = people.setdefault(reminder.user_id, Recipient(name, email, weekly))
        person.lines.append(Line(reminder.id, str(reminder.kind.label), reminder.subject, reminder.due_on,
                                 reminder.level, external_url(reminder, config["BASE_URL"])))
    return people


def digest(person: Recipient, on: date) -> EmailMessage:
    """The plain-text mail listing a person's reminders."""
    config = current_app.config
    message = EmailMessage()
    heading = "招商通每周提醒" if person.weekly else "招商通提醒"
    message["Subject"] = f"{heading}：{len(person.lines)} 项待办（{on.isoformat()}）"
    message["From"] = config["MAIL_FROM"]
    user, _, domain = person.email.rpartition("@")
    message["To"] = Address(person.name, user, domain)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=domain or None)
    items = []
    for number, line in enumerate(person.lines, 1):
        escalated = "（提级：原责任人未处理）" if line.level else ""
        items.append(f"{number}. 【{line.kind}】{line.subject}{escalated}\n"
                     f"   到期日：{line.due_on.isoformat()}\n   查看：{line.url}")
    body = (f"{person.name}，您好：\n\n以下 {len(person.lines)} 项事项需要您处理：\n\n" + "\n\n".join(items)
            + "\n\n——\n招商通（本邮件由系统自动发送，请勿直接回复；提醒方式可在系统的“提醒设置”中修改）\n")
    message.set_content(body)
    return message


class Postman:
    """One SMTP connection for a run, opened on the first mail and again after a failure."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), float(config["MAIL_TIMEOUT"])
        if config["MAIL_USE_SSL"]:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                        context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
            if config["MAIL_USE_TLS"]:
                connection.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        return connection

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):  # already gone
                self.connection.quit()
            self.connection = None


def mail_due(on: date, district_id: int) -> Mailed:
    """Mail the district's people their digests; commit each person's as the server accepts it."""
    result = Mailed()
    if not mail_enabled():
        return result
    with within(district_id, "the district's reminder mails"):
        people = waiting(on)
    db.session.rollback()  # end the read: each person's claim starts a transaction of its own
    postman = Postman(current_app.config)
    try:
        for person in people.values():
            _mail_one(person, on, district_id, postman, result)
    finally:
        postman.close()
    return result


def _mail_one(person: Recipient, on: date, district_id: int, postman: Postman, result: Mailed) -> None:
    ids = [line.id for line in person.lines]
    claimed = set(db.session.scalars(
        update(Reminder).where(Reminder.id.in_(ids), Reminder.emailed_at.is_(None),
                               Reminder.district_id == district_id)
        .values(emailed_at=now_utc()).returning(Reminder.id).execution_options(synchronize_session=False)))
    if not claimed:
        db.session.rollback()
        return  # another run mailed them
    person.lines = [line for line in person.lines if line.id in claimed]
    try:
        postman.send(digest(person, on))
    except (smtplib.SMTPException, OSError) as error:
        db.session.rollback()
        result.failures.append(f"mail to {person.email}: {error}")
        return
    db.session.commit()
    result.mails += 1
    result.reminders += len(claimed)
