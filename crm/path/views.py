"""The path's routes: a district's path and thresholds (the office's), a project's node, default planned dates."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ..access.changes import editable_or_404
from ..access.rights import requires
from ..domain.refused import Refused
from ..extensions import db
from ..models import PathNode, Project
from ..projects.answers import carry_out
from ..web.i18n import gettext as _
from ..web.refusals import refused
from . import services
from .forms import NodeForm, SettingsForm


@requires("path.manage")
def settings():
    """The district's path: nodes on or off, their order, default days from signing; the 红黄绿 thresholds."""
    district_id = current_user.district_id
    form = SettingsForm()
    if not form.is_submitted():
        form.fill(services.district_steps(district_id), services.district_thresholds(district_id))
        return render_template("path/settings.html", form=form, nodes=list(PathNode))
    try:
        if not form.validate():
            raise Refused(form.problems())
        services.save_steps(actor=current_user, district_id=district_id, steps=form.steps())
        services.save_thresholds(actor=current_user, district_id=district_id, rule=form.thresholds())
    except Refused as error:
        db.session.rollback()
        return refused(error, "path/settings.html", form=form, nodes=list(PathNode))
    db.session.commit()
    flash(_("项目节点设置已保存"), "success")
    return redirect(url_for("path.settings"))


@requires("projects.edit")
def save_node(project_id: int):
    """Set one node's planned date, actual date and responsible unit."""
    project = editable_or_404(Project, project_id, current_user)
    form = NodeForm()
    return carry_out(project.id, form, lambda: services.save_node(
        project, actor=current_user, node=PathNode(form.node.data), planned_on=form.planned_on.data,
        actual_on=form.actual_on.data, responsible_unit=form.responsible_unit.data), _("节点已保存"), anchor="path")


@requires("projects.edit")
def fill(project_id: int):
    """Give the nodes without a planned date the district's default (signing + its days)."""
    project = editable_or_404(Project, project_id, current_user)
    return carry_out(project.id, None, lambda: services.fill_planned(project, actor=current_user),
                     _("已按默认天数填入计划日期"), anchor="path")
