"""What a project's page shows: its values, overdue flags, timeline, history, and its course and service panels.

The panels are built here, before the template renders, so that no template runs a query or asks for a right.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ...access.rights import may
from ...access.visibility import may_edit_team, may_see_team
from ...domain.periods import today
from ...extensions import db
from ...models import Lead, Project, User
from ...path.page import path_panel
from ..aftercare.panel import ItemConflict, service_panel
from ..funds.panel import funds_panel
from ..lifecycle.overdue import OVERDUE, overdue_reasons
from ..lifecycle.panel import lifecycle_panel
from ..lifecycle.timeline import timeline
from ..lifecycle.verification import DOCUMENT_KINDS
from ..supervision.panel import supervision_panel
from .history import project_history
from .labels import CURRENCIES, original_amount


def project_page(project_id: int, user: User, item_conflict: ItemConflict | None = None) -> dict[str, Any]:
    """Everything projects/detail.html and its partials show, for the user; 404 for a project not on file.

    `item_conflict` is a 代办事项 edit refused as stale, shown at its item.
    """
    project = db.session.scalar(
        select(Project).where(Project.id == project_id)
        .options(joinedload(Project.enterprise), joinedload(Project.team), joinedload(Project.chief_officer),
                 joinedload(Project.verified_by), joinedload(Project.lead), selectinload(Project.milestones)))
    if project is None:
        abort(404)
    day = today()
    return {"project": project, "today": day, "may_edit": may_edit_team(user, project.team_id),
            "overdue": [OVERDUE[code] for code in overdue_reasons(project, day)],
            "currency": CURRENCIES.get(project.currency, project.currency), "original": original_amount(project),
            "rate": format(project.fx_rate.normalize(), "f") if project.fx_rate is not None else None,
            "steps": timeline(project), "history": project_history(project), "item_conflict": item_conflict,
            "lifecycle_state": lifecycle_panel(project, day), "service_panel": service_panel(project, day, user),
            "document_kinds": DOCUMENT_KINDS, "lead": shown_lead(project, user),
            "funds_panel": funds_panel(project, day, user),
            "supervision_panel": supervision_panel(project, day, user), "path": path_panel(project, day)}


def shown_lead(project: Project, user: User) -> Lead | None:
    """The lead the project was signed from, when the user may open its page (a lead is its team's to see)."""
    lead = project.lead
    return lead if lead is not None and may(user, "leads.view") and may_see_team(user, lead.team_id) else None
