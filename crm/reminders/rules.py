"""A district's reminder rules: each kind's days (N) and escalation (M), and the defaults a district starts from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import ReminderKind, ReminderRule
from ..web.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Rule:
    """One kind's settings as a district runs it."""

    kind: ReminderKind
    enabled: bool
    days: int  # N (what it means is the kind's: DAYS_MEAN)
    escalate_after_days: int  # M: still unacted this many days after the first reminder, to the one above


# What N means for each kind, for the settings page and the messages.
DAYS_MEAN: dict[ReminderKind, Any] = {
    ReminderKind.LEAD_IDLE: _l("多少天未拜访"),
    ReminderKind.FOLLOW_UP: _l("跟进日期前几天提醒（0：当天）"),
    ReminderKind.NODE: _l("计划日期前几天提醒（逾期后每个节点再提醒）"),
    ReminderKind.SERVICE_ITEM: _l("办理时限过后几天提醒（0：次日）"),
    ReminderKind.ISSUE: _l("提出后多少天未销号"),
    ReminderKind.SUPERVISION: _l("办理时限前几天提醒（逾期后再提醒）"),
    ReminderKind.VERIFICATION: _l("签约后多少天仍未认定"),
}

DEFAULTS: dict[ReminderKind, Rule] = {
    ReminderKind.LEAD_IDLE: Rule(ReminderKind.LEAD_IDLE, True, 30, 7),
    ReminderKind.FOLLOW_UP: Rule(ReminderKind.FOLLOW_UP, True, 0, 3),
    ReminderKind.NODE: Rule(ReminderKind.NODE, True, 7, 7),
    ReminderKind.SERVICE_ITEM: Rule(ReminderKind.SERVICE_ITEM, True, 0, 5),
    ReminderKind.ISSUE: Rule(ReminderKind.ISSUE, True, 30, 7),
    ReminderKind.SUPERVISION: Rule(ReminderKind.SUPERVISION, True, 3, 3),
    ReminderKind.VERIFICATION: Rule(ReminderKind.VERIFICATION, True, 15, 7),
}


def district_rules(district_id: int) -> dict[ReminderKind, Rule]:
    """Every kind's rule for a district: its own where it set one, else the default."""
    rules = dict(DEFAULTS)
    for row in db.session.scalars(select(ReminderRule).where(ReminderRule.district_id == district_id)):
        rules[row.kind] = Rule(row.kind, row.enabled, row.days, row.escalate_after_days)
    return rules
