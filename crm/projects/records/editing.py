"""The project form's page: the form filled for a new or a stored project, its investor and team, its answers."""

from typing import Any

from flask import flash, render_template, request
from flask_login import current_user

from ...core.stale_edits import beside_stored
from ...domain.money import Unit
from ...domain.periods import today
from ...domain.refused import Refused
from ...enterprises.services import current, find_or_create
from ...extensions import db
from ...leads.services import enterprise_suggestions
from ...models import Enterprise, Project, Role, Team
from ...web.forms import id_arg
from ...web.i18n import gettext as _
from ...web.refusals import refused
from .forms import ProjectForm

FORM = "projects/form.html"


def form_page(project: Project | None, conflict: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
    """What the form's template shows beside the form: the project, a conflict, the enterprise names it suggests."""
    return {"project": project, "conflict": conflict, "enterprise_names": enterprise_suggestions(None)}


def render_form(form: ProjectForm, project: Project | None, *, status: int,
                conflict: list[tuple[str, str, str]] | None = None):
    """Render the project form with the enterprise names it suggests."""
    return render_template(FORM, form=form, **form_page(project, conflict)), status


def is_admin() -> bool:
    """Whether the current user is an admin, who credits projects to any team."""
    return current_user.role is Role.ADMIN


def may_record() -> bool:
    """Whether the user may record a project: an admin, or someone with a team to credit it to."""
    return is_admin() or current_user.team_id is not None


def new_form() -> ProjectForm:
    """The form for a new signing: signed today, and for the enterprise whose page it was opened from."""
    form = ProjectForm(admin=is_admin())
    if request.method != "GET":
        return form
    form.signed_on.data = today()
    enterprise = db.session.get(Enterprise, id_arg("enterprise_id") or 0)
    if enterprise is not None:  # coming from an enterprise's page
        enterprise = current(enterprise)
        form.enterprise_name.data, form.enterprise_id.data = enterprise.name, str(enterprise.id)
    return form


def edit_form(project: Project) -> ProjectForm:
    """The form for a stored project: its values when opened; a submission carries every field itself."""
    shown = request.method == "GET"
    form = ProjectForm(obj=project if shown else None, admin=is_admin(), project=project)
    if shown:
        form.fill(project)
    return form


def chosen_enterprise(form: ProjectForm) -> Enterprise:
    """The investor the form names: picked from the list, else found or registered by the typed name."""
    enterprise_id = form.enterprise_id.data or ""
    name = form.enterprise_name.data
    return find_or_create(name, int(enterprise_id) if enterprise_id.isdigit() else None, actor=current_user)


def chosen_team(form: ProjectForm, project: Project | None = None) -> Team:
    """The team credited: an admin's choice, else the project's own team or the user's."""
    if "team_id" in form:
        return db.get_or_404(Team, form.team_id.data)
    return project.team if project is not None else current_user.team


def chosen(form: ProjectForm, project: Project | None = None) -> dict[str, Any]:
    """The project's values as the services take them: the form's, with the investor and the team it names."""
    return {"enterprise": chosen_enterprise(form), "team": chosen_team(form, project), **form.payload()}


def refused_form(error: Refused, form: ProjectForm, project: Project | None):
    """Answer 422: the form again with the rules' reason beside its field; nothing was saved."""
    db.session.rollback()  # first: an investor registered on the way must not be offered on the page
    return refused(error, FORM, form, **form_page(project))


def taken_at_once(form: ProjectForm):
    """Answer 409: another signing took the same code at the same moment; nothing was saved."""
    db.session.rollback()
    flash(_("未保存：与他人同时登记，请重新提交"), "error")
    return render_form(form, None, status=409)


def conflict(typed: ProjectForm, project_id: int):
    """Answer 409: what is stored now beside what the user typed; nothing of theirs was saved."""
    db.session.rollback()
    project = db.get_or_404(Project, project_id)
    stored = ProjectForm(formdata=None, obj=project, admin=is_admin(), project=project)
    stored.fill(project, unit=Unit(typed.unit.data))
    return render_form(typed, project, status=409, conflict=beside_stored(typed, stored, project.version))
