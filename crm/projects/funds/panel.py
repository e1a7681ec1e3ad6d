"""What the project page's 到资 section shows: the tranches, the project's money in place and who may do what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...access.rights import may
from ...access.visibility import may_edit_team
from ...extensions import db
from ...models import FundsTranche, Project, User
from ...reports.funds import ProjectFunds, project_funds
from .forms import RemoveTrancheForm, TrancheForm


@dataclass(frozen=True)
class FundsPanel:
    tranches: list[FundsTranche]
    figures: ProjectFunds  # counted: verified tranches of a counted project, to today
    may_enter: bool
    may_verify: bool
    form: TrancheForm
    remove_form: RemoveTrancheForm


def funds_panel(project: Project, day: date, user: User) -> FundsPanel:
    tranches = list(db.session.scalars(
        select(FundsTranche).where(FundsTranche.project_id == project.id)
        .options(joinedload(FundsTranche.document), joinedload(FundsTranche.created_by))
        .order_by(FundsTranche.received_on.desc(), FundsTranche.id.desc())))
    may_enter = may_edit_team(user, project.team_id) and not project.voided
    return FundsPanel(tranches, project_funds(project, day), may_enter, may(user, "projects.verify"),
                      TrancheForm(formdata=None), RemoveTrancheForm(formdata=None))
