"""Project pages: the list with its filters and totals, and a project's page."""


from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..access.rights import requires
from ..access.visibility import may_edit_team
from ..domain.periods import today
from ..extensions import db
from ..models import Project
from ..web.pagination import link_args, paginate
from . import queries
from .filters import ProjectFilterForm
from .history import project_history
from .labels import CURRENCIES, OVERDUE, original_amount
from .overdue import overdue_reasons
from .timeline import timeline


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
                           lines=totals.lines(**criteria.standings), args=link_args())


@requires("projects.view")
def detail(project_id: int, item_conflict: object = None):
    """Show a project: its values, overdue flags, timeline, lifecycle, service and history.

    `item_conflict` is a 代办事项 edit refused as stale (service_views.ItemConflict), shown at its item.
    """
    project = db.session.scalar(
        select(Project).where(Project.id == project_id)
        .options(joinedload(Project.enterprise), joinedload(Project.team), joinedload(Project.chief_officer),
                 joinedload(Project.verified_by), selectinload(Project.milestones)))
    if project is None:
        abort(404)
    day = today()
    return render_template("projects/detail.html", project=project, today=day,
                           may_edit=may_edit_team(current_user, project.team_id),
                           overdue=[OVERDUE[code] for code in overdue_reasons(project, day)],
                           currency=CURRENCIES.get(project.currency, project.currency),
                           original=original_amount(project),
                           rate=format(project.fx_rate.normalize(), "f") if project.fx_rate is not None else None,
                           steps=timeline(project), history=project_history(project), item_conflict=item_conflict)


