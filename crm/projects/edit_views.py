"""Recording a signed project and changing it; an edit made over someone else's newer one is refused (409)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..access.rights import requires
from ..access.visibility import may_edit_team
from ..core.stale_edits import differences
from ..domain.money import Unit
from ..domain.periods import today
from ..enterprises.services import current, find_or_create_by_name
from ..extensions import db
from ..leads.services import enterprise_suggestions, known_enterprise
from ..models import Enterprise, Project, Role, Team
from ..web.forms import form_status, id_arg
from ..web.i18n import gettext as _
from . import services
from .forms import ProjectForm


def render_form(form: ProjectForm, project: Project | None, *, status: int,
                conflict: list[tuple[str, str, str]] | None = None):
    """Render the project form with the enterprise names it suggests."""
    return render_template("projects/form.html", form=form, project=project, conflict=conflict,
                           enterprise_names=enterprise_suggestions(None)), status


def is_admin() -> bool:
    """Whether the current user is an admin, who credits projects to any team."""
    return current_user.role is Role.ADMIN


def editable_or_404(project_id: int) -> Project:
    """Load a project the user may change: its team's people, or an admin; for anyone else it does not exist."""
    project = db.get_or_404(Project, project_id)
    if not may_edit_team(current_user, project.team_id):
        abort(404)
    return project


def chosen_enterprise(form: ProjectForm) -> Enterprise:
    """The investor the form names: picked from the list, else found or registered by the typed name."""
    enterprise_id = form.enterprise_id.data or ""
    name = form.enterprise_name.data
    return (known_enterprise(name, int(enterprise_id) if enterprise_id.isdigit() else None)
            or find_or_create_by_name(name, actor=current_user))


def chosen_team(form: ProjectForm, project: Project | None = None) -> Team:
    """The team credited: an admin's choice, else the project's own team or the user's."""
    if "team_id" in form:
        return db.get_or_404(Team, form.team_id.data)
    return project.team if project is not None else current_user.team


def show_refusal(form: ProjectForm, refusal: services.ProjectRefused) -> None:
    """Put a refusal of the rules next to the field it concerns."""
    if refusal.field and refusal.field in form:
        form[refusal.field].errors.append(str(refusal))
    else:
        flash(str(refusal), "error")


@requires("projects.edit")
def create():
    """Record a signed project; it gets the next code of its signing year and awaits verification."""
    if not is_admin() and current_user.team_id is None:
        abort(404)  # a member or lead without a team has no projects to record
    form = ProjectForm(admin=is_admin())
    if request.method == "GET":
        form.signed_on.data = today()
        enterprise = db.session.get(Enterprise, id_arg("enterprise_id") or 0)
        if enterprise is not None:  # coming from an enterprise's page
            enterprise = current(enterprise)
            form.enterprise_name.data, form.enterprise_id.data = enterprise.name, str(enterprise.id)
    if not form.validate_on_submit():
        return render_form(form, None, status=form_status())
    try:
        project = services.create_project(actor=current_user, enterprise=chosen_enterprise(form),
                                          team=chosen_team(form), **form.payload())
        db.session.commit()
    except services.ProjectRefused as refusal:
        db.session.rollback()
        show_refusal(form, refusal)
        return render_form(form, None, status=422)
    except IntegrityError:
        db.session.rollback()  # another signing took the same code at the same moment
        flash(_("未保存：与他人同时登记，请重新提交"), "error")
        return render_form(form, None, status=409)
    flash(_("已登记签约项目，编号 %(code)s，待认定", code=project.code), "success")
    return redirect(url_for("projects.detail", project_id=project.id))


@requires("projects.edit")
def edit(project_id: int):
    """Change a project's recorded values; its code never changes."""
    project = editable_or_404(project_id)
    shown = request.method == "GET"  # a submission carries every field; nothing is taken from the record
    form = ProjectForm(obj=project if shown else None, admin=is_admin(), project=project)
    if shown:
        form.fill(project)
    if not form.validate_on_submit():
        return render_form(form, project, status=form_status())
    try:
        services.update_project(project, actor=current_user, version=int(form.version.data),
                                enterprise=chosen_enterprise(form), team=chosen_team(form, project),
                                **form.payload())
        db.session.commit()
    except (services.StaleEdit, StaleDataError):
        db.session.rollback()
        return conflict(form, project_id)
    except services.ProjectRefused as refusal:
        db.session.rollback()
        show_refusal(form, refusal)
        return render_form(form, project, status=422)
    flash(_("已保存"), "success")
    return redirect(url_for("projects.detail", project_id=project_id))


def conflict(typed: ProjectForm, project_id: int):
    """Answer 409: what is stored now beside what the user typed; nothing of theirs was saved."""
    project = db.get_or_404(Project, project_id)
    stored = ProjectForm(formdata=None, obj=project, admin=is_admin(), project=project)
    stored.fill(project, unit=Unit(typed.unit.data))
    typed.version.data = str(project.version)  # saving again now is a choice made having seen the newer values
    return render_form(typed, project, status=409, conflict=differences(stored, typed))
