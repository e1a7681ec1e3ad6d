"""A project's course, verification (认定), evidence documents and voiding: the routes behind the project page."""

from collections.abc import Callable
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..access.rights import requires
from ..access.visibility import may_edit_team
from ..auth.fresh import fresh_sign_in_required
from ..extensions import db
from ..models import Project, ProjectDocument, ProjectStatus
from ..web.errors import render_error
from ..web.i18n import gettext as _
from ..web.pagination import paginate
from . import lifecycle, verification
from . import lifecycle_forms as forms
from . import views as project_pages
from .lifecycle import LifecycleRefused
from .verification import VerificationRefused


def editable_or_404(project_id: int) -> Project:
    """Load a project the user may change; other teams' projects do not exist for them."""
    project = db.get_or_404(Project, project_id)
    if not may_edit_team(current_user, project.team_id):
        abort(404)
    return project


def refused(project_id: int, message: str):
    """Nothing was saved: show the page the form came from again, with the reason, as a 422."""
    db.session.rollback()
    flash(message, "error")
    page = pending() if request.form.get("back") == "pending" else project_pages.detail(project_id=project_id)
    response = make_response(page)
    response.status_code = 422
    return response


def carry_out(project: Project, change: Callable[[], Any], done: str):
    """Make a change, commit it once, and go back to the page the form came from."""
    try:
        change()
        db.session.commit()
    except (LifecycleRefused, VerificationRefused) as error:
        return refused(project.id, error.message)
    except StaleDataError:
        db.session.rollback()
        return render_error(409)
    except IntegrityError:  # the database's own checks, should a rule above ever miss a case
        return refused(project.id, _("保存未成功：日期或状态不符合规则，请核对后重试"))
    flash(done, "success")
    if request.form.get("back") == "pending":
        return redirect(url_for("projects.pending"))
    return redirect(url_for("projects.detail", project_id=project.id))


@requires("projects.edit")
def advance(project_id: int):
    """Record the project's next status (开工, 投产, 达产) or its termination, with the date."""
    project = editable_or_404(project_id)
    form = forms.AdvanceForm()
    if not form.validate_on_submit():
        return refused(project.id, forms.first_problem(form))
    to = ProjectStatus(form.to.data)
    return carry_out(project, lambda: lifecycle.advance(project, actor=current_user, to=to, on=form.on.data,
                                                        reason=form.reason.data),
                     _("项目状态已更新为“%(status)s”", status=to.label))


@requires("projects.edit")
def planned(project_id: int):
    """Set the planned start, production and capacity dates."""
    project = editable_or_404(project_id)
    form = forms.PlannedForm()
    if not form.validate_on_submit():
        return refused(project.id, forms.first_problem(form))
    return carry_out(project, lambda: lifecycle.set_planned(
        project, actor=current_user, planned_start_on=form.planned_start_on.data,
        planned_production_on=form.planned_production_on.data, planned_capacity_on=form.planned_capacity_on.data),
        _("计划日期已保存"))


@requires("projects.edit")
def add_milestone(project_id: int):
    """Add a further milestone to the project."""
    project = editable_or_404(project_id)
    form = forms.MilestoneForm()
    if not form.validate_on_submit():
        return refused(project.id, forms.first_problem(form))
    return carry_out(project, lambda: lifecycle.add_milestone(
        project, actor=current_user, name=form.name.data, planned_on=form.planned_on.data,
        achieved_on=form.achieved_on.data), _("节点已添加"))


@requires("projects.verify")
@fresh_sign_in_required
def verify(project_id: int):
    """Verify (认定) a signing, so it counts in summaries and rankings."""
    project = db.get_or_404(Project, project_id)
    form = forms.VerifyForm()
    if not form.validate_on_submit():
        return refused(project.id, forms.first_problem(form))
    return carry_out(project, lambda: verification.verify(project, actor=current_user, note=form.note.data),
                     _("项目 %(code)s 已认定", code=project.code))


@requires("projects.verify")
@fresh_sign_in_required
def withdraw(project_id: int):
    """Withdraw a verification, with a reason."""
    project = db.get_or_404(Project, project_id)
    form = forms.ReasonForm()
    if not form.validate_on_submit():
        return refused(project.id, forms.first_problem(form))
    return carry_out(project, lambda: verification.withdraw_verification(project, actor=current_user,
                                                                         reason=form.reason.data),
                     _("已撤销认定"))


@requires("projects.verify")
@fresh_sign_in_required
def void(project_id: int):
    """Void a project entered in error (an admin act: it removes the project from every count)."""
    project = db.get_or_404(Project, project_id)
    form = forms.ReasonForm()
    if not form.validate_on_submit():
        return refused(project.id, forms.first_problem(form))
    return carry_out(project, lambda: lifecycle.void(project, actor=current_user, reason=form.reason.data),
                     _("项目已作废"))


@requires("projects.verify")
@fresh_sign_in_required
def restore(project_id: int):
    """Undo the voiding of a project."""
    project = db.get_or_404(Project, project_id)
    return carry_out(project, lambda: lifecycle.restore(project, actor=current_user), _("项目已恢复"))


@requires("projects.verify")
def upload_document(project_id: int):
    """Attach an evidence document (agreement, business licence) to a project."""
    project = db.get_or_404(Project, project_id)
    form = forms.DocumentForm()
    if not form.validate_on_submit():
        return refused(project.id, forms.first_problem(form))
    stored: list[ProjectDocument] = []

    def store() -> None:
        stored.append(verification.add_document(project, form.file.data.stream, form.file.data.filename,
                                                form.kind.data, actor=current_user))
    response = carry_out(project, store, _("材料已上传"))
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
    page = paginate(verification.pending_projects())
    return render_template("projects/pending.html", page=page, document_kinds=verification.DOCUMENT_KINDS)
