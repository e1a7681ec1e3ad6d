"""What the pages show of projects' course: the project page's panel, the list awaiting verification."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ...models import Project, ProjectStatus
from ...reports.rules import OPEN
from ...web.pagination import paginate
from .overdue import OVERDUE, overdue_reasons
from .rules import ACTUAL_DATE, DATE_LABELS, LADDER
from .services import latest_actual
from .verification import DOCUMENT_KINDS, pending_projects


@dataclass(frozen=True)
class LifecyclePanel:
    """What the project page shows of a project's course and offers to do next."""

    overdue: list[str]
    next_status: ProjectStatus | None
    next_date_label: str  # 开工日期 for the step to 已开工
    may_terminate: bool
    earliest_next_on: date  # the next step's date may not be earlier


def lifecycle_panel(project: Project, today: date) -> LifecyclePanel:
    """The course of a project as the page shows it."""
    is_open = project.status in OPEN and not project.voided
    step = LADDER.index(project.status) + 1 if project.status in LADDER else len(LADDER)
    next_status = LADDER[step] if is_open and step < len(LADDER) else None
    return LifecyclePanel(overdue=[str(OVERDUE[code]) for code in overdue_reasons(project, today)],
                          next_status=next_status,
                          next_date_label=str(DATE_LABELS[ACTUAL_DATE[next_status]]) if next_status else "",
                          may_terminate=is_open, earliest_next_on=latest_actual(project)[1])


def pending_page() -> dict[str, Any]:
    """What projects/pending.html shows: a page of the signings awaiting verification, the kinds of evidence."""
    return {"page": paginate(pending_projects()), "document_kinds": DOCUMENT_KINDS}
