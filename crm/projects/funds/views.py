"""The routes behind a project's 到资 section: enter a tranche (its team), verify it (the office), remove it."""

from flask import abort
from flask_login import current_user

from ...access.changes import editable_or_404
from ...access.rights import requires
from ...domain.periods import today
from ...extensions import db
from ...models import FundsTranche, Project
from ...web.i18n import gettext as _
from ..answers import carry_out
from ..lifecycle.verification import document_path
from . import forms, services

ANCHOR = "funds"


@requires("projects.edit")
def add(project_id: int):
    """Enter a tranche of money in place, with its receipt if one is attached."""
    project = editable_or_404(Project, project_id, current_user)
    form = forms.TrancheForm()
    added: list[FundsTranche] = []
    upload = form.receipt.data
    receipt = (upload.stream, upload.filename) if upload and upload.filename else None
    response = carry_out(project.id, form, lambda: added.append(services.add_tranche(
        project, form.entry(), actor=current_user, today=today(), receipt=receipt)), _("到资已登记，待核实"),
        anchor=ANCHOR)
    if added and added[0].document is not None and response.status_code >= 400:
        document_path(added[0].document).unlink(missing_ok=True)  # its record was not saved
    return response


@requires("projects.verify")
def verify(project_id: int, tranche_id: int):
    """Verify a tranche: from now on it counts."""
    tranche = tranche_or_404(project_id, tranche_id)
    return carry_out(project_id, None, lambda: services.verify_tranche(tranche, actor=current_user),
                     _("到资已核实"), anchor=ANCHOR)


@requires("projects.edit")
def remove(project_id: int, tranche_id: int):
    """Remove a tranche entered in error."""
    editable_or_404(Project, project_id, current_user)
    tranche, form = tranche_or_404(project_id, tranche_id), forms.RemoveTrancheForm()
    return carry_out(project_id, form, lambda: services.remove_tranche(
        tranche, actor=current_user, reason=form.reason.data), _("到资已删除"), anchor=ANCHOR)


def tranche_or_404(project_id: int, tranche_id: int) -> FundsTranche:
    """The project's tranche (through the wall: another district's is not found)."""
    tranche = db.session.get(FundsTranche, tranche_id)
    if tranche is None or tranche.project_id != project_id:
        abort(404)
    return tranche
