"""Project pages: the list with its filters and totals, a project's page, recording and changing a project.

An edit made over someone else's newer one is refused (409), beside the newer values.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ...access.changes import editable_or_404
from ...access.rights import requires
from ...core.stale_edits import StaleEdit
from ...domain.periods import today
from ...domain.refused import Refused
from ...extensions import db
from ...models import Project
from ...reports.colours import colours_of
from ...web.forms import form_status
from ...web.i18n import gettext as _
from ...web.pagination import link_args, paginate
from ..lifecycle.overdue import OVERDUE, overdue_reasons
from . import queries, services
from .editing import chosen, conflict, edit_form, may_record, new_form, refused_form, render_form, taken_at_once
from .filters import ProjectFilterForm
from .page import project_page


@requires("projects.view")
def index():
    """List the signed projects, filtered, newest signing first, with a totals row per standing (已认定, 待认定…)."""
    form = ProjectFilterForm(request.args)
    if not form.validate():
        return render_template("projects/index.html", form=form, page=None, rows=[], totals=None, args={}), 400
    try:
        criteria = form.criteria()
    except ValueError:  # a period that cannot be (the form catches what it can name)
        return render_template("projects/index.html", form=form, page=None, rows=[], totals=None, args={}), 400
    totals = queries.list_totals(criteria)
    page = paginate(queries.project_list(criteria), total=totals.rows)  # the totals count the list's rows already
    day = today()
    rows = [(project, [OVERDUE[code] for code in overdue_reasons(project, day)]) for project in page.items]
    return render_template("projects/index.html", form=form, page=page, rows=rows, totals=totals,
                           lines=totals.lines(**criteria.standings), args=link_args(),
                           colours=colours_of([project.id for project in page.items], day))


@requires("projects.view")
def detail(project_id: int):
    """Show a project: its values, overdue flags, timeline, lifecycle, service and history."""
    return render_template("projects/detail.html", **project_page(project_id, current_user))


@requires("projects.edit")
def create():
    """Record a signed project; it gets the next code of its signing year and awaits verification."""
    if not may_record():
        abort(404)  # a member or lead without a team has no projects to record
    form = new_form()
    if not form.validate_on_submit():
        return render_form(form, None, status=form_status())
    try:
        project = services.create_project(actor=current_user, **chosen(form))
        db.session.commit()
    except Refused as error:
        return refused_form(error, form, None)
    except IntegrityError:  # another signing took the same code at the same moment
        return taken_at_once(form)
    flash(_("已登记签约项目，编号 %(code)s，待认定", code=project.code), "success")
    return redirect(url_for("projects.detail", project_id=project.id))


@requires("projects.edit")
def edit(project_id: int):
    """Change a project's recorded values; its code never changes."""
    project = editable_or_404(Project, project_id, current_user)
    form = edit_form(project)
    if not form.validate_on_submit():
        return render_form(form, project, status=form_status())
    try:
        services.update_project(project, actor=current_user, version=int(form.version.data), **chosen(form, project))
        db.session.commit()
    except (StaleEdit, StaleDataError):
        return conflict(form, project_id)
    except Refused as error:
        return refused_form(error, form, project)
    flash(_("已保存"), "success")
    return redirect(url_for("projects.detail", project_id=project_id))
