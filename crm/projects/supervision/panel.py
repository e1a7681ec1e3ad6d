"""What the project page's 督办 section shows, and which of its forms the viewer may use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...access.orders import may_answer, may_close
from ...access.rights import may
from ...models import IssueStatus, Project, ProjectIssue, Supervision, User
from . import services


@dataclass(frozen=True)
class SupervisionPanel:
    """A project's orders, which are overdue, and what the viewer may do with each."""

    orders: list[Supervision]
    overdue_ids: frozenset[int]
    answerable_ids: frozenset[int]
    reviewable_ids: frozenset[int]  # answered, open, and the viewer issued it (or is the office)
    may_issue: bool
    people: list[User]
    issues: list[ProjectIssue]  # the project's open issues an order may be about


def supervision_panel(project: Project, today: date, user: User) -> SupervisionPanel | None:
    """The section for the user; None for who may not read a district's orders (the city)."""
    if not may(user, "supervision.view"):
        return None
    orders = services.project_orders(project)
    may_issue = may(user, "supervision.issue") and not project.voided
    return SupervisionPanel(
        orders=orders, overdue_ids=services.overdue_ids(today, Supervision.project_id == project.id),
        answerable_ids=frozenset(o.id for o in orders if may_answer(user, o) and o.status.value != "closed"),
        reviewable_ids=frozenset(o.id for o in orders if may_close(user, o) and services.awaiting_review(o)),
        may_issue=may_issue, people=services.receivers_for(project) if may_issue else [],
        issues=[i for i in project.issues if i.status is not IssueStatus.CLOSED] if may_issue else [])
