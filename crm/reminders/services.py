"""What a person does with their reminders (read them, choose how they are reached) and what the office sets for the
district (each kind's days, the group robots). Functions flush and never commit; the views commit once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import aliased

from ..core.stale_edits import check_fingerprint, fingerprint
from ..domain.refused import Refused
from ..extensions import db
from ..models import (
    District,
    DistrictWebhook,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderRule,
    Role,
    User,
    WebhookKind,
)
from ..models.types import now_utc
from ..web.i18n import gettext as _
from .rules import Rule, district_rules

DAYS_RANGE = (0, 365)  # N: a year ahead or behind at most
ESCALATE_RANGE = (1, 90)  # M: a day to a quarter before the one above hears of it
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")  # a mailbox at a domain with a dot: what a mail server takes
URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
DIGEST_ROLES = frozenset({Role.LEADER, Role.ADMIN})  # who may have reminders gathered once a week


@dataclass(frozen=True)
class Channels:
    """How one person is reached for one kind of reminder."""

    in_app: bool = True
    by_email: bool = True
    by_webhook: bool = False


DEFAULT_CHANNELS = Channels()  # a kind the person never chose for: the one place the defaults are said

@dataclass(frozen=True)
class ReminderFilters:
    unread_only: bool = False
    unread_first: bool = False
    kind: ReminderKind | None = None


@dataclass(frozen=True)
class Robot:
    """A district's group robot as the rules page shows and saves it (secret None: kept as stored)."""

    kind: WebhookKind
    url: str
    secret: str | None
    enabled: bool


# ---------------------------------------------------------------- the person's reminders

def kinds_not_in_app(user_id: int) -> Select:
    """The kinds this person turned off in the app (no row: on)."""
    return select(ReminderPreference.kind).where(ReminderPreference.user_id == user_id,
                                                 ReminderPreference.in_app.is_(False))


def unread_count(user: User) -> int:
    """How many of the person's reminders, of the kinds they get in the app, are unread: the bell's number."""
    return db.session.scalar(select(func.count(Reminder.id)).where(
        Reminder.user_id == user.id, Reminder.read_at.is_(None), Reminder.kind.not_in(kinds_not_in_app(user.id)))) or 0


def user_reminders(user: User, filters: ReminderFilters) -> Select:
    """The person's reminders of the kinds they get in the app, newest first (unread first if asked), each with the
    name of the person it was raised for first when it is an escalated one."""
    first = aliased(Reminder)
    whose = (select(User.display_name).join(first, first.user_id == User.id)
             .where(first.kind == Reminder.kind, first.record_type == Reminder.record_type,
                    first.record_id == Reminder.record_id, first.due_on == Reminder.due_on, first.level == 0)
             .order_by(first.id).limit(1).correlate(Reminder).scalar_subquery())
    query = select(Reminder, whose.label("whose")).where(
        Reminder.user_id == user.id, Reminder.kind.not_in(kinds_not_in_app(user.id)))
    if filters.unread_only:
        query = query.where(Reminder.read_at.is_(None))
    if filters.kind is not None:
        query = query.where(Reminder.kind == filters.kind)
    order = [Reminder.read_at.is_not(None)] if filters.unread_first else []
    return query.order_by(*order, Reminder.raised_on.desc(), Reminder.id.desc())


def own_reminder(user: User, reminder_id: int) -> Reminder | None:
    """The person's own reminder by its id (None: none of theirs has it)."""
    return db.session.scalar(select(Reminder).where(Reminder.id == reminder_id, Reminder.user_id == user.id))


def mark_read(user: User, reminder_id: int) -> Reminder | None:
    """Mark one of the person's reminders read (as first read: a second time keeps the first); None: not theirs."""
    reminder = own_reminder(user, reminder_id)
    if reminder is not None and reminder.read_at is None:
        reminder.read_at = now_utc()
        db.session.flush()
    return reminder


def mark_all_read(user: User) -> int:
    """Mark every unread reminder of the person read; how many were."""
    # A bulk UPDATE is not given the wall's criteria as reads are: it names the person's district itself.
    result = db.session.execute(update(Reminder).where(
        Reminder.user_id == user.id, Reminder.district_id == user.district_id, Reminder.read_at.is_(None))
        .values(read_at=now_utc()).execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount or 0


def days_late(due_on: date, today: date) -> int:
    """Days past due (0: not yet, or today)."""
    return max((today - due_on).days, 0)


# ---------------------------------------------------------------- the person's settings

def preferences(user: User) -> dict[ReminderKind, Channels]:
    """Every kind's channels for the person: their own where they chose, else in the app and by e-mail."""
    chosen = {row.kind: Channels(row.in_app, row.by_email, row.by_webhook) for row in db.session.scalars(
        select(ReminderPreference).where(ReminderPreference.user_id == user.id))}
    return {kind: chosen.get(kind, DEFAULT_CHANNELS) for kind in ReminderKind}


def settings_pairs(user: User) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = [("email", user.email or ""), ("weekly", user.weekly_digest)]
    return pairs + [(kind.value, (c.in_app, c.by_email, c.by_webhook)) for kind, c in preferences(user).items()]


def settings_fingerprint(user: User) -> str:
    """The fingerprint of the person's settings as read: what the settings form carries, and is checked against."""
    return fingerprint(settings_pairs(user))


def offers_weekly_digest(user: User) -> bool:
    return user.role in DIGEST_ROLES


def check_email(email: str | None) -> str | None:
    """The address as stored (blank: none), or Refused."""
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > 254 or not email.isascii() or not EMAIL.fullmatch(email):
        raise Refused(_("请填写有效的电子邮箱地址，如 name@example.gov.cn"), field="email")
    return email


def save_preferences(user: User, *, email: str | None, weekly_digest: bool, channels: dict[ReminderKind, Channels],
                     opened: str | None = None) -> None:
    """Store the person's e-mail, digest and each kind's channels (a row per kind); from other settings than the
    stored ones (opened), refused (StaleSet) and nothing applied."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())  # two saves, one after the other
    if opened is not None:
        check_fingerprint(settings_pairs(user), opened)
    user.email = check_email(email)
    user.weekly_digest = bool(weekly_digest) and offers_weekly_digest(user)
    rows = {row.kind: row for row in db.session.scalars(
        select(ReminderPreference).where(ReminderPreference.user_id == user.id))}
    for kind in ReminderKind:
        chosen = channels.get(kind, DEFAULT_CHANNELS)
        row = rows.get(kind) or ReminderPreference(district_id=user.district_id, user_id=user.id, kind=kind)
        row.in_app, row.by_email, row.by_webhook = chosen.in_app, chosen.by_email, chosen.by_webhook
        db.session.add(row)
    db.session.flush()


# ---------------------------------------------------------------- the district's rules and robots

def robots(district_id: int) -> dict[WebhookKind, DistrictWebhook]:
    return {row.kind: row for row in db.session.scalars(
        select(DistrictWebhook).where(DistrictWebhook.district_id == district_id))}


def has_secret(district_id: int) -> bool:
    """Whether the district's 钉钉 robot has a 加签 secret stored (the page says so, never shows it)."""
    row = robots(district_id).get(WebhookKind.DINGTALK)
    return row is not None and bool(row.secret)


def rules_pairs(district_id: int) -> list[tuple[str, object]]:
    """The district's rules and robots as pairs (a secret counts by being there, never by its text)."""
    pairs: list[tuple[str, object]] = [(rule.kind.value, (rule.enabled, rule.days, rule.escalate_after_days))
                                       for rule in district_rules(district_id).values()]
    return pairs + [(kind.value, (row.url, row.enabled, row.secret is not None))
                    for kind, row in robots(district_id).items()]


def rules_fingerprint(district_id: int) -> str:
    """The fingerprint of the district's rules and robots as read: what the rules form carries."""
    return fingerprint(rules_pairs(district_id))


def check_rules(rules: list[Rule]) -> None:
    """Every kind once, N and M in their ranges, or Refused naming the kind."""
    if sorted(rule.kind for rule in rules) != sorted(ReminderKind):
        raise Refused(_("请为每类提醒填写设置"))
    for rule in rules:
        if not DAYS_RANGE[0] <= rule.days <= DAYS_RANGE[1]:
            raise Refused(_("%(kind)s：天数须在0到365之间", kind=rule.kind.label), field=f"{rule.kind.value}_days")
        if not ESCALATE_RANGE[0] <= rule.escalate_after_days <= ESCALATE_RANGE[1]:
            raise Refused(_("%(kind)s：上报天数须在1到90之间", kind=rule.kind.label),
                          field=f"{rule.kind.value}_escalate")


def save_rules(district_id: int, rules: list[Rule]) -> None:
    """Store the district's rule for every kind (checked first: a refusal writes nothing)."""
    check_rules(rules)
    stored = {row.kind: row for row in db.session.scalars(
        select(ReminderRule).where(ReminderRule.district_id == district_id))}
    for rule in rules:
        row = stored.get(rule.kind) or ReminderRule(district_id=district_id, kind=rule.kind)
        row.enabled, row.days, row.escalate_after_days = rule.enabled, rule.days, rule.escalate_after_days
        db.session.add(row)
    db.session.flush()


def check_robot(robot: Robot) -> None:
    url = robot.url.strip()
    if url and (len(url) > 500 or not url.isascii() or not URL.fullmatch(url)):
        raise Refused(_("%(kind)s的地址须以 http:// 或 https:// 开头", kind=robot.kind.label),
                      field=f"{robot.kind.value}_url")
    if robot.secret is not None and len(robot.secret.strip()) > 200:
        raise Refused(_("加签密钥不能超过200个字符"), field=f"{robot.kind.value}_secret")


def save_webhooks(district_id: int, hooks: list[Robot]) -> None:
    """Store the district's group robots: a blank address removes one; a blank secret keeps the stored one."""
    for robot in hooks:
        check_robot(robot)
    stored = robots(district_id)
    for robot in hooks:
        row, url = stored.get(robot.kind), robot.url.strip()
        if not url:
            if row is not None:
                db.session.delete(row)
            continue
        row = row or DistrictWebhook(district_id=district_id, kind=robot.kind)
        row.url, row.enabled = url, robot.enabled
        if robot.secret is not None and robot.secret.strip():
            row.secret = robot.secret.strip()
        db.session.add(row)
    db.session.flush()


def save_district_settings(district_id: int, *, rules: list[Rule], hooks: list[Robot], opened: str | None) -> None:
    """The rules page in one: refused whole (StaleSet or Refused) before anything is written."""
    db.session.execute(select(District.id).where(District.id == district_id).with_for_update())  # one save at a time
    if opened is not None:
        check_fingerprint(rules_pairs(district_id), opened)
    check_rules(rules)
    for robot in hooks:
        check_robot(robot)
    save_rules(district_id, rules)
    save_webhooks(district_id, hooks)
