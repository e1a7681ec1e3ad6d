"""What falls due on a day in the reach's district: one set-based query per kind of reminder.

Each kind reads the records whose state the reports package already defines (open issues, open 督办, the path's
nodes that count, pending verification, 我的待办's follow-ups) and yields a `Due` row per record: what it is, the day
it fell (falls) due, and who can act on it. The caller runs it inside the district's reach (crm/access/tenancy.py),
so each query reads that district's records only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, true

from ..extensions import db
from ..models import (
    Enterprise,
    Lead,
    LeadStage,
    LeadStageChange,
    LeadStatus,
    PathNode,
    Project,
    ProjectIssue,
    ProjectStatus,
    ReminderKind,
    ServiceItem,
    Supervision,
    Visit,
)
from ..reports.colours import has_colour, kept_nodes, node_dates
from ..reports.rules import open_issue, open_service_item, pending
from ..reports.sql import local_date
from ..reports.supervision import open_order
from ..visits.services import lead_action_due, visit_follow_up_due

IDLE_STAGES = (LeadStage.CONTACTED, LeadStage.NEGOTIATING, LeadStage.AGREED)  # 接洽, 洽谈, 拟签约
SUBJECT_LENGTH = 300


@dataclass(frozen=True)
class Due:
    """One record due on a day, and who can act on it."""

    kind: ReminderKind
    record_type: str  # lead, visit, node:<node>, service_item, issue, supervision, project
    record_id: int
    project_id: int | None
    subject: str
    due_on: date
    actor_id: int | None  # the person who can act: an owner, an author, a receiver, the 首席服务官
    team_id: int | None  # the team whose 专班负责人 stands in when there is no such person
    chief_id: int | None = None  # the project's 首席服务官: escalated to the office
    issuer_id: int | None = None  # a 督办's issuer: its receiver's escalation
    to_office: bool = False  # for the district's admins (the office verifies)

    @property
    def key(self) -> tuple[str, int, date]:
        """The record and its day: what a reminder of the kind is raised once for (per person)."""
        return self.record_type, self.record_id, self.due_on


def _subject(*parts: Any) -> str:
    return "：".join(str(part).strip() for part in parts if part)[:SUBJECT_LENGTH]


def lead_idle(on: date, days: int) -> list[Due]:
    """Leads in 接洽/洽谈/拟签约, active, not visited for more than N days (else since their last stage change or
    creation); due N days after that day, so the reminder keeps its key while the lead stays idle."""
    candidates = select(Lead.id).where(Lead.stage.in_(IDLE_STAGES), Lead.status == LeadStatus.ACTIVE)
    visited = (select(Visit.lead_id.label("lead_id"), func.max(Visit.visited_on).label("on"))
               .where(Visit.lead_id.in_(candidates)).group_by(Visit.lead_id).subquery("visited"))
    moved = (select(LeadStageChange.lead_id.label("lead_id"),
                    func.max(LeadStageChange.changed_at).label("at"))
             .where(LeadStageChange.lead_id.in_(candidates)).group_by(LeadStageChange.lead_id).subquery("moved"))
    since = func.coalesce(visited.c.on, local_date(moved.c.at), local_date(Lead.created_at), type_=db.Date)
    rows = db.session.execute(
        select(Lead.id, Lead.title, Enterprise.name, since, Lead.owner_id, Lead.team_id)
        .join(Enterprise, Enterprise.id == Lead.enterprise_id)
        .outerjoin(visited, visited.c.lead_id == Lead.id).outerjoin(moved, moved.c.lead_id == Lead.id)
        .where(Lead.stage.in_(IDLE_STAGES), Lead.status == LeadStatus.ACTIVE, since < on - timedelta(days=days)))
    return [Due(ReminderKind.LEAD_IDLE, "lead", lead_id, None, _subject(enterprise, title),
                _as_date(last) + timedelta(days=days), owner, team)
            for lead_id, title, enterprise, last, owner, team in rows]


def follow_up(on: date, days: int) -> list[Due]:
    """Visits and leads whose follow-up (我的待办's rule) falls within N days of the day, or before it."""
    by = on + timedelta(days=days)
    visits = db.session.execute(
        select(Visit.id, Enterprise.name, Visit.next_step, Visit.follow_up_on, Visit.created_by_id, Visit.team_id)
        .join(Enterprise, Enterprise.id == Visit.enterprise_id).where(visit_follow_up_due(by)))
    leads = db.session.execute(
        select(Lead.id, Enterprise.name, Lead.title, Lead.next_action, Lead.next_action_on, Lead.owner_id,
               Lead.team_id)
        .join(Enterprise, Enterprise.id == Lead.enterprise_id).where(lead_action_due(by)))
    return ([Due(ReminderKind.FOLLOW_UP, "visit", visit_id, None, _subject(enterprise, step), due, author, team)
             for visit_id, enterprise, step, due, author, team in visits]
            + [Due(ReminderKind.FOLLOW_UP, "lead", lead_id, None, _subject(enterprise, title, action), due, owner,
                   team)
               for lead_id, enterprise, title, action, due, owner, team in leads])


def node(on: date, days: int) -> list[Due]:
    """Nodes that count (the colour rule's: kept on by the district, of a live project), not reached, planned
    within N days of the day or before it."""
    dates = node_dates(unreached_by=on + timedelta(days=days)).subquery("node_dates")
    rows = db.session.execute(
        kept_nodes(dates, true()).with_only_columns(
            dates.c.project_id, dates.c.node, dates.c.planned_on, Project.name, Project.chief_officer_id,
            Project.team_id, maintain_column_froms=True))
    labels = {item.value: item.label for item in PathNode}
    return [Due(ReminderKind.NODE, f"node:{name}", project_id, project_id, _subject(project, labels.get(name, name)),
                _as_date(planned), chief, team, chief_id=chief)
            for project_id, name, planned, project, chief, team in rows]


def service_item(on: date, days: int) -> list[Due]:
    """代办事项 not done, of a live project, more than N days past their due date."""
    rows = db.session.execute(
        select(ServiceItem.id, ServiceItem.project_id, Project.name, ServiceItem.name, ServiceItem.due_on,
               ServiceItem.owner_id, Project.chief_officer_id, Project.team_id)
        .join(Project, Project.id == ServiceItem.project_id)
        .where(open_service_item(), has_colour(), ServiceItem.due_on < on - timedelta(days=days)))
    return [Due(ReminderKind.SERVICE_ITEM, "service_item", item_id, project_id, _subject(project, name), due,
                owner or chief, team, chief_id=chief)
            for item_id, project_id, project, name, due, owner, chief, team in rows]


def issue(on: date, days: int) -> list[Due]:
    """问题诉求 open on the day (the reports' rule), of a live project, raised more than N days before it."""
    rows = db.session.execute(
        select(ProjectIssue.id, ProjectIssue.project_id, Project.name, ProjectIssue.description,
               ProjectIssue.raised_on, Project.chief_officer_id, Project.team_id)
        .join(Project, Project.id == ProjectIssue.project_id)
        .where(open_issue(on), has_colour(), ProjectIssue.raised_on < on - timedelta(days=days)))
    return [Due(ReminderKind.ISSUE, "issue", issue_id, project_id, _subject(project, text[:80]),
                raised + timedelta(days=days), chief, team, chief_id=chief)
            for issue_id, project_id, project, text, raised, chief, team in rows]


def supervision(on: date, days: int) -> list[Due]:
    """督办 open (the reports' rule) whose deadline is within N days of the day, or past."""
    rows = db.session.execute(
        select(Supervision.id, Supervision.project_id, Project.name, Supervision.what, Supervision.deadline,
               Supervision.receiver_id, Supervision.issuer_id, Project.chief_officer_id, Project.team_id)
        .join(Project, Project.id == Supervision.project_id)
        .where(open_order(), Supervision.deadline <= on + timedelta(days=days)))
    return [Due(ReminderKind.SUPERVISION, "supervision", order_id, project_id, _subject(project, what[:80]),
                deadline, receiver or chief, team, chief_id=chief, issuer_id=issuer)
            for order_id, project_id, project, what, deadline, receiver, issuer, chief, team in rows]


def verification(on: date, days: int) -> list[Due]:
    """Signed projects pending verification (the reports' rule), not terminated, signed more than N days ago."""
    rows = db.session.execute(
        select(Project.id, Project.code, Project.name, Project.signed_on, Project.team_id)
        .where(pending(), Project.status != ProjectStatus.TERMINATED,
               Project.signed_on < on - timedelta(days=days)))
    return [Due(ReminderKind.VERIFICATION, "project", project_id, project_id, _subject(code, name),
                signed + timedelta(days=days), None, team, to_office=True)
            for project_id, code, name, signed, team in rows]


KINDS: dict[ReminderKind, Callable[[date, int], list[Due]]] = {
    ReminderKind.LEAD_IDLE: lead_idle, ReminderKind.FOLLOW_UP: follow_up, ReminderKind.NODE: node,
    ReminderKind.SERVICE_ITEM: service_item, ReminderKind.ISSUE: issue, ReminderKind.SUPERVISION: supervision,
    ReminderKind.VERIFICATION: verification,
}


def _as_date(value: date | str) -> date:
    """A day read back from an expression SQLite returns as text."""
    return value if isinstance(value, date) else date.fromisoformat(value)

