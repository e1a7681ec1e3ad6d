"""Raise the day's reminders for a district: what fell due (level 0), and what stayed unacted (the levels above).

Each reminder is inserted with ON CONFLICT DO NOTHING on its key (person, kind, record, due day), so a run repeated
on the same day, or two runs at once on two hosts, raises each reminder once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..access.tenancy import within
from ..extensions import db
from ..models import Reminder, ReminderKind
from .due import KINDS, Due
from .recipients import People, district_people, escalated_recipients, first_recipients
from .rules import district_rules

KEY = ["user_id", "kind", "record_type", "record_id", "due_on"]
TOP_LEVEL = 2  # the person, the one above, the one above them
CHUNK = 500  # rows per INSERT: well under SQLite's bound-parameter limit


def raise_due(on: date, district_id: int) -> list[Reminder]:
    """Insert the district's reminders due on the day (for its enabled rules); return the ones new today."""
    with within(district_id, "the district's reminders"):
        people = district_people()
        raised: list[Reminder] = []
        for kind, rule in district_rules(district_id).items():
            if not rule.enabled:
                continue
            dues = KINDS[kind](on, rule.days)
            rows = [_row(district_id, due, person, 0, on) for due in dues for person in first_recipients(people, due)]
            raised += _insert(rows)
            raised += _escalate(on, district_id, kind, rule.escalate_after_days, dues, people)
        return raised


def _escalate(on: date, district_id: int, kind: ReminderKind, after_days: int, dues: list[Due],
              people: People) -> list[Reminder]:
    """Raise, for each reminder of the kind raised M days ago or more whose record is still due, one for the one(s)
    above its person (a level up), once."""
    still_due = {due.key: due for due in dues}
    if not still_due:
        return []
    rows: list[dict[str, Any]] = []
    unacted = db.session.execute(
        select(Reminder.user_id, Reminder.record_type, Reminder.record_id, Reminder.due_on, Reminder.level)
        .where(Reminder.kind == kind, Reminder.level < TOP_LEVEL,
               Reminder.raised_on <= on - timedelta(days=after_days)))
    for person, record_type, record_id, due_on, level in unacted:
        due = still_due.get((record_type, record_id, due_on))
        if due is not None:
            rows += [_row(district_id, due, other, level + 1, on)
                     for other in escalated_recipients(people, person, due)]
    return _insert(rows)


def _row(district_id: int, due: Due, person: int, level: int, on: date) -> dict[str, Any]:
    return {"district_id": district_id, "user_id": person, "kind": due.kind, "record_type": due.record_type,
            "record_id": due.record_id, "project_id": due.project_id, "subject": due.subject, "due_on": due.due_on,
            "level": level, "raised_on": on}


def _insert(rows: Iterable[dict[str, Any]]) -> list[Reminder]:
    """Insert the rows not raised yet (the first of repeated keys), returning the reminders inserted."""
    first: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        first.setdefault(tuple(row[column] for column in KEY), row)
    unique = list(first.values())
    if not unique:
        return []
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Reminder).on_conflict_do_nothing(index_elements=KEY).returning(Reminder)
    inserted: list[Reminder] = []
    for start in range(0, len(unique), CHUNK):
        inserted += db.session.scalars(statement, unique[start:start + CHUNK]).all()
    return inserted
