"""A project's course, verification (认定), evidence documents and voiding: the routes behind the project page."""

from flask import abort, render_template, send_file
from flask_login import current_user

from ...access.changes import editable_or_404
from ...access.rights import requires
from ...auth.fresh import fresh_sign_in_required
from ...extensions import db
from ...models import Project, ProjectDocument, ProjectStatus
from ...web.i18n import gettext as _
from ..answers import carry_out
from . import forms, services, verification
from .panel import pending_page


@requires("projects.edit")
def advance(project_id: int):
    """Record the project's next status (开工, 投产, 达产) or its termination, with the date."""
    project = editable_or_404(Project, project_id, current_user)
    form = forms.AdvanceForm()
    return carry_out(project.id, form, lambda: services.advance(
        project, actor=current_user, to=ProjectStatus(form.to.data), on=form.on.data, reason=form.reason.data),
        lambda: _("项目状态已更新为“%(status)s”", status=ProjectStatus(form.to.data).label))


@requires("projects.edit")
def planned(project_id: int):
    """Set the planned start, production and capacity dates."""
    project = editable_or_404(Project, project_id, current_user)
    form = forms.PlannedForm()
    return carry_out(project.id, form, lambda: services.set_planned(
        project, actor=current_user, planned_start_on=form.planned_start_on.data,
        planned_production_on=form.planned_production_on.data, planned_capacity_on=form.planned_capacity_on.data),
        _("计划日期已保存"))


@requires("projects.edit")
def add_milestone(project_id: int):
    """Add a further milestone to the project."""
    project = editable_or_404(Project, project_id, current_user)
    form = forms.MilestoneForm()
    return carry_out(project.id, form, lambda: services.add_milestone(
        project, actor=current_user, name=form.name.data, planned_on=form.planned_on.data,
        achieved_on=form.achieved_on.data), _("节点已添加"))


@requires("projects.verify")
@fresh_sign_in_required
def verify(project_id: int):
    """Verify (认定) a signing, so it counts in summaries and rankings."""
    project = db.get_or_404(Project, project_id)
    form = forms.VerifyForm()
    return carry_out(project.id, form, lambda: verification.verify(project, actor=current_user, note=form.note.data),
                     _("项目 %(code)s 已认定", code=project.code))


@requires("projects.verify")
@fresh_sign_in_required
def withdraw(project_id: int):
    """Withdraw a verification, with a reason."""
    project = db.get_or_404(Project, project_id)
    form = forms.ReasonForm()
    return carry_out(project.id, form, lambda: verification.withdraw_verification(
        project, actor=current_user, reason=form.reason.data), _("已撤销认定"))


@requires("projects.verify")
@fresh_sign_in_required
def void(project_id: int):
    """Void a project entered in error (an admin act: it removes the project from every count)."""
    project = db.get_or_404(Project, project_id)
    form = forms.ReasonForm()
    return carry_out(project.id, form, lambda: services.void(project, actor=current_user, reason=form.reason.data),
                     _("项目已作废"))


@requires("projects.verify")
@fresh_sign_in_required
def restore(project_id: int):
    """Undo the voiding of a project."""
    project = db.get_or_404(Project, project_id)
    return carry_out(project.id, None, lambda: services.restore(project, actor=current_user), _("项目已恢复"))


@requires("projects.verify")
def upload_document(project_id: int):
    """Attach an evidence document (agreement, business licence) to a project."""
    project = db.get_or_404(Project, project_id)
    form = forms.DocumentForm()
    stored: list[ProjectDocument] = []

    def store() -> None:
        stored.append(verification.add_document(project, form.file.data.stream, form.file.data.filename,
                                                form.kind.data, actor=current_user))
    response = carry_out(project.id, form, store, _("材料已上传"))
    if stored and response.status_code >= 400:
        verification.document_path(stored[0]).unlink(missing_ok=True)  # its record was not saved
    return response


@requires("projects.view")
def document(project_id: int, document_id: int):
    """Send an evidence document, always as a download, never shown inline."""
    project = db.get_or_404(Project, project_id)
    record = db.session.get(ProjectDocument, document_id)
    if record is None or record.project_id != project.id:
        abort(404)
    path = verification.document_path(record)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=record.content_type, as_attachment=True,
                         download_name=verification.download_name(record), max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@requires("projects.verify")
def pending():
    """Signed projects awaiting verification, oldest first, with their evidence."""
    return render_template("projects/pending.html", **pending_page())
