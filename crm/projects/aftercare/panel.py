"""What the project page's service section shows, and a 代办事项 edit refused as stale, shown at its item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...access.changes import may_serve
from ...access.rights import may
from ...models import IssueStatus, Project, ProjectIssue, Role, ServiceItem, ServiceItemStatus, User
from ...web.i18n import gettext as _
from . import services
from .forms import ItemUpdateForm
from .services import IssueFigures


@dataclass(frozen=True)
class ServicePanel:
    """What the project page's service section shows, and which of its forms the viewer may use."""

    items: list[ServiceItem]
    overdue_ids: frozenset[int]
    items_done: int
    issues: list[ProjectIssue]
    figures: IssueFigures
    people: list[User]
    groups: list[tuple[str, list[User]]]  # leaders, the credited team, everyone else
    may_serve: bool
    may_assign: bool
    may_reopen: bool
    next_status: dict[IssueStatus, IssueStatus]
    item_statuses: tuple[ServiceItemStatus, ...] = tuple(ServiceItemStatus)


def service_panel(project: Project, today: date, user: User) -> ServicePanel:
    """Gather the service section of a project's page for the user."""
    items = services.service_items(project)
    serving = may_serve(user, project)
    may_assign = may(user, "projects.assign")
    people = services.people_for(project) if serving or may_assign else []
    leaders = [u for u in people if u.role is Role.LEADER]
    crew = [u for u in people if u.role is not Role.LEADER and u.team_id == project.team_id]
    others = [u for u in people if u.role is not Role.LEADER and u.team_id != project.team_id]
    return ServicePanel(
        items=items, overdue_ids=frozenset(i.id for i in items if services.is_overdue(i, today)),
        items_done=sum(i.status is ServiceItemStatus.DONE for i in items), issues=services.project_issues(project),
        figures=services.issue_figures(Project.id == project.id, on=today),
        people=people, groups=[(_("区领导"), leaders), (project.team.name, crew), (_("其他人员"), others)],
        may_serve=serving, may_assign=may_assign, may_reopen=user.role is Role.ADMIN,
        next_status=services.NEXT_STATUS)


@dataclass(frozen=True)
class ItemConflict:
    """A 代办事项 edit refused as stale: what was typed, kept in the item's form at the stored version."""

    item_id: int
    version: int
    status: str
    owner_id: int
    due_on: str
    done_on: str
    rows: list[tuple[str, str, str]]  # (label, stored, typed) where they differ


def item_conflict(item: ServiceItem, typed: ItemUpdateForm) -> ItemConflict:
    """The item's stored values beside the typed ones, the form keeping those at the stored version."""
    status = ServiceItemStatus(typed.status.data)
    pairs = [(typed.status.label.text, item.status.label, status.label),
             (typed.owner_id.label.text, person(item.owner), person(typed.owner)),
             (typed.due_on.label.text, day_text(item.due_on), day_text(typed.due_on.data)),
             (typed.done_on.label.text, day_text(item.done_on), day_text(typed.done_on.data))]
    return ItemConflict(item_id=item.id, version=item.version, status=status.value,
                        owner_id=typed.owner.id if typed.owner else 0, due_on=typed.due_on._value(),
                        done_on=typed.done_on._value(),
                        rows=[(str(label), str(before), str(after)) for label, before, after in pairs
                              if before != after])


def person(user: User | None) -> str:
    return user.display_name if user else "—"


def day_text(day: date | None) -> str:
    return day.isoformat() if day else "—"
