"""A project's history, read from the audit trail: who changed which field, from what to what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import format_datetime
from sqlalchemy import and_, or_, select, union

from ...domain.money import money_filter, written
from ...extensions import db
from ...models import (
    AgreementKind,
    AuditEvent,
    Enterprise,
    IssueStatus,
    Milestone,
    Project,
    ProjectDocument,
    ProjectIssue,
    ProjectStatus,
    ProjectType,
    ServiceItem,
    ServiceItemStatus,
    Team,
    User,
)
from ...web.i18n import gettext as _
from .labels import ACTIONS, DEEDS, ENTITIES, field_label

HISTORY_LIMIT = 200  # newest events shown on a project's page
CHILDREN = {"Milestone": Milestone, "ServiceItem": ServiceItem, "ProjectIssue": ProjectIssue,
            "ProjectDocument": ProjectDocument}
SUMMARY = {"Milestone": "name", "ServiceItem": "name", "ProjectIssue": "description",
           "ProjectDocument": "original_name"}  # what names a new or deleted record
CHOICES = {"status": {"Project": ProjectStatus, "ServiceItem": ServiceItemStatus, "ProjectIssue": IssueStatus},
           "agreement_kind": {"Project": AgreementKind}, "project_type": {"Project": ProjectType}}
USER_FIELDS = ("chief_officer_id", "verified_by_id", "created_by_id", "owner_id", "uploaded_by_id")


@dataclass(frozen=True)
class Change:
    """One field of a recorded change, as people read it."""

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    """One recorded change of the project or of a record hanging off it."""

    at: datetime
    who: str
    action: str
    entity: str
    summary: str | None
    changes: list[Change]


def events_of(project_id: int) -> list[tuple[AuditEvent, str | None]]:
    """The project's own events and those of its milestones, service items, issues and documents, newest first."""
    clauses = [and_(AuditEvent.entity == "Project", AuditEvent.entity_id == project_id)]
    for name, model in CHILDREN.items():
        # A deleted record is found by its deletion event, which still names the project.
        removed = select(AuditEvent.entity_id).where(
            AuditEvent.entity == name, AuditEvent.action == "delete",
            AuditEvent.changes[("project_id", 0)].as_integer() == project_id)
        ids = union(select(model.id).where(model.project_id == project_id), removed)
        clauses.append(and_(AuditEvent.entity == name, AuditEvent.entity_id.in_(ids)))
    return list(db.session.execute(
        select(AuditEvent, User.display_name).outerjoin(User, User.id == AuditEvent.user_id).where(or_(*clauses))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(HISTORY_LIMIT)))


def project_history(project: Project) -> list[Entry]:
    """The project's history as people read it: Chinese field names, amounts as the page shows them, names for ids."""
    rows = events_of(project.id)
    names = NameBook([event for event, _who in rows])
    entries = []
    for event, who in rows:
        entity, changes = event.entity or "", event.changes or {}
        whole = event.action in ("insert", "delete")  # a new or deleted record is named, not listed field by field
        summary_field = SUMMARY.get(entity, "")
        summary = None
        if whole and summary_field in changes:
            summary = shown(entity, summary_field, next(v for v in changes[summary_field] if v is not None), names)
        listed = [] if whole else [Change(field_label(entity, key), shown(entity, key, pair[0], names),
                                          shown(entity, key, pair[1], names)) for key, pair in changes.items()]
        if event.action in DEEDS:
            entries.append(Entry(at=event.at, who=who or _("系统"), action=str(DEEDS[event.action]), entity="",
                                 summary=deed_summary(event), changes=[]))
            continue
        entries.append(Entry(at=event.at, who=who or _("系统"), action=str(ACTIONS.get(event.action, event.action)),
                             entity=str(ENTITIES.get(entity, entity)), summary=summary, changes=listed))
    return entries


def deed_summary(event: AuditEvent) -> str | None:
    """What a named event adds in words: the note of a verification, who joined or left the service team."""
    detail = (event.detail or "").strip()
    if event.action != "service_team" or not detail.startswith("added: "):
        return detail or None
    added, _sep, removed = detail.removeprefix("added: ").partition("; removed: ")
    parts = [_("加入：%(names)s", names=added) if added not in ("", "-") else "",
             _("移出：%(names)s", names=removed) if removed not in ("", "-") else ""]
    return _("；").join(part for part in parts if part) or None


class NameBook:
    """Names of the users, teams and enterprises the events refer to by id, read in one query each."""

    def __init__(self, events: list[AuditEvent]) -> None:
        wanted: dict[str, set[int]] = {"user": set(), "team": set(), "enterprise": set()}
        for event in events:
            for key, pair in (event.changes or {}).items():
                kind = "user" if key in USER_FIELDS else {"team_id": "team", "enterprise_id": "enterprise"}.get(key)
                if kind:
                    wanted[kind].update(v for v in pair if isinstance(v, int))
        self.names: dict[str, dict[int, str]] = {
            "user": self.read(User.id, User.display_name, wanted["user"]),
            "team": self.read(Team.id, Team.name, wanted["team"]),
            "enterprise": self.read(Enterprise.id, Enterprise.name, wanted["enterprise"])}

    @staticmethod
    def read(key: Any, name: Any, ids: set[int]) -> dict[int, str]:
        """{id: name} for the ids asked for."""
        return dict(db.session.execute(select(key, name).where(key.in_(ids))).all()) if ids else {}

    def name(self, kind: str, record_id: int) -> str:
        """The name of a user, team or enterprise, or its id when it is gone."""
        return self.names[kind].get(record_id, f"#{record_id}")


def shown(entity: str, key: str, value: Any, names: NameBook) -> str:
    """A recorded value as people read it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if key in USER_FIELDS:
        return names.name("user", value)
    if key in ("team_id", "enterprise_id"):
        return names.name(key.removesuffix("_id"), value)
    if key.endswith("_yuan") and isinstance(value, int):
        return money_filter(value, "auto")  # as the project's page shows the amount now
    if key == "original_amount" and isinstance(value, int):  # whole units of the signing's currency
        return written(value, "auto", currency="").strip()
    if key.endswith("_at") and isinstance(value, str):  # a moment, stored as ISO 8601 in UTC
        return moment(value)
    if key in ("fx_rate", "land_area_mu") and isinstance(value, str):
        return format(Decimal(value).normalize(), "f")
    enum = CHOICES.get(key, {}).get(entity)
    if enum is not None and value in enum._value2member_map_:
        return str(enum(value).label)
    return str(value)


def moment(value: str) -> str:
    """A recorded moment in the reader's time zone, as the history's own times are shown."""
    try:
        return format_datetime(datetime.fromisoformat(value), "yyyy-MM-dd HH:mm")
    except ValueError:
        return value
