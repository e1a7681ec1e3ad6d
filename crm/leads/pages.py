"""What a lead's page shows: its record, and the stage moves it offers the viewer (by the services' one rule)."""

from dataclasses import dataclass

from flask import render_template
from flask_login import current_user

from ..access.changes import may_change
from ..access.rights import may
from ..models import Lead, LeadStage, User
from ..projects.records import services as projects
from . import services


@dataclass(frozen=True)
class StageMoves:
    """The moves a lead's page offers: the stages to move it to by button, dropping it (None: not), signing it."""

    stages: list[LeadStage]
    drop_stage: LeadStage | None
    signable: bool


def stage_moves(lead: Lead, user: User) -> StageMoves | None:
    """What the user may do with the lead's stage; None when they may not change the lead or it has no move left."""
    stages = services.next_stages(lead)
    if not stages or not may_change(user, lead):
        return None
    return StageMoves(stages=[stage for stage in stages if stage is not LeadStage.DROPPED],
                      drop_stage=LeadStage.DROPPED if LeadStage.DROPPED in stages else None,
                      signable=projects.signing_refusal(lead) is None)


def render_detail(lead: Lead, *, error: str | None = None, status: int = 200) -> tuple[str, int]:
    """Render a lead's page, with a refusal message when a change was refused."""
    return render_template("leads/detail.html", lead=lead, error=error, project=lead.project,
                           project_link=may(current_user, "projects.view"),
                           history=services.stage_history(lead), visits=services.lead_visits(lead),
                           editable=may_change(current_user, lead), moves=stage_moves(lead, current_user)), status
