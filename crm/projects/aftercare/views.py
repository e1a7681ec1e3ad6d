"""Routes of the service after signing: who serves, 代办事项, 问题诉求, 我包联的项目, the district's issues."""

from typing import TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ...access.changes import may_serve
from ...access.rights import requires
from ...core.stale_edits import StaleEdit
from ...domain.periods import today
from ...domain.refused import Refused
from ...extensions import db
from ...models import IssueStatus, Project, ProjectIssue, ServiceItem, ServiceItemStatus
from ...web.i18n import gettext as _
from ...web.pagination import link_args, paginate
from ..answers import carry_out, page_stale, page_with_conflict, refused_on_page
from ..lifecycle.overdue import OVERDUE
from . import services
from .forms import (
    AdvanceForm,
    AssignForm,
    CompleteForm,
    IssueFilterForm,
    IssueForm,
    ItemForm,
    ItemUpdateForm,
    ServiceForm,
)
from .panel import item_conflict

SERVICE = "service"  # the project page's section the service forms go back to


def serving_or_403(project_id: int) -> Project:
    """Load a project the user serves; anyone else may read it, not work it."""
    project = db.get_or_404(Project, project_id)
    if not may_serve(current_user, project):
        abort(403)
    return project


M = TypeVar("M", ServiceItem, ProjectIssue)


def part_of(model: type[M], record_id: int, project_id: int) -> M:
    """A service item or issue of this project, else 404."""
    record = db.get_or_404(model, record_id)
    if record.project_id != project_id:
        abort(404)
    return record


@requires("projects.assign")
def assign_service(project_id: int):
    """Set a project's chief service officer and service team."""
    project = db.get_or_404(Project, project_id)
    form = AssignForm()
    return carry_out(project_id, form, lambda: services.assign_service(
        project, actor=current_user, chief_officer=form.chief_officer, members=form.members), _("已保存服务安排"),
        anchor=SERVICE)


@requires("projects.serve")
def add_standard_items(project_id: int):
    """Add the standard 代办事项 the project lacks, in one click."""
    project = serving_or_403(project_id)
    added: list[ServiceItem] = []
    return carry_out(project_id, ServiceForm(), lambda: added.extend(services.add_standard_items(project)),
                     lambda: _("已添加 %(count)s 项常规代办事项", count=len(added)) if added
                     else _("常规代办事项均已在列表中"), anchor=SERVICE)


@requires("projects.serve")
def add_service_item(project_id: int):
    """Add one 代办事项."""
    project = serving_or_403(project_id)
    form = ItemForm()
    return carry_out(project_id, form, lambda: services.add_item(
        project, name=form.name.data, owner=form.owner, due_on=form.due_on.data, node=form.node.data),
        _("已添加代办事项"), anchor=SERVICE)


@requires("projects.serve")
def update_service_item(project_id: int, item_id: int):
    """Change a 代办事项's status, owner or due date."""
    serving_or_403(project_id)
    item = part_of(ServiceItem, item_id, project_id)
    form = ItemUpdateForm()
    if not form.validate_on_submit():
        return refused_on_page(project_id, Refused(form.problems()))
    try:
        services.update_item(item, version=int(form.version.data), status=ServiceItemStatus(form.status.data),
                             owner=form.owner, due_on=form.due_on.data, done_on=form.done_on.data, today=today())
        db.session.commit()
    except Refused as error:
        return refused_on_page(project_id, error)
    except (StaleEdit, StaleDataError):
        return stale_item(project_id, item_id, form)
    flash(_("已保存代办事项"), "success")
    return redirect(url_for("projects.detail", project_id=project_id, _anchor=SERVICE))


@requires("projects.serve")
def complete_service_item(project_id: int, item_id: int):
    """完成: tick an open 代办事项 done today in one tap; one changed meanwhile is refused (409) and shown as it is."""
    serving_or_403(project_id)
    item = part_of(ServiceItem, item_id, project_id)
    form, name = CompleteForm(), item.name
    try:
        return carry_out(project_id, form, lambda: services.complete_item(
            item, version=int(form.version.data), today=today()), _("已办结代办事项“%(name)s”", name=name),
            anchor=SERVICE)
    except StaleEdit:
        return page_stale(project_id, _("代办事项“%(name)s”已被他人修改，请核对后再办结", name=name))


def stale_item(project_id: int, item_id: int, typed: ItemUpdateForm):
    """The project page again, as a 409: the item's stored values beside the typed ones, its form keeping those."""
    db.session.rollback()
    item = part_of(ServiceItem, item_id, project_id)
    return page_with_conflict(project_id, item_conflict(item, typed), _(
        "代办事项“%(name)s”已被他人修改，您的修改没有保存，请核对后重新保存", name=item.name))


@requires("projects.serve")
def raise_issue(project_id: int):
    """Record a problem the investor raised."""
    project = serving_or_403(project_id)
    form = IssueForm()
    return carry_out(project_id, form, lambda: services.raise_issue(
        project, actor=current_user, raised_on=form.raised_on.data, description=form.description.data,
        responsible_unit=form.responsible_unit.data, today=today()), _("已登记问题诉求"), anchor=SERVICE)


@requires("projects.serve")
def advance_issue(project_id: int, issue_id: int):
    """Move an issue on: 办理中, then 已销号 (an admin may reopen a closed one)."""
    serving_or_403(project_id)
    issue = part_of(ProjectIssue, issue_id, project_id)
    form = AdvanceForm()
    return carry_out(project_id, form, lambda: services.advance_issue(
        issue, actor=current_user, to=IssueStatus(form.to.data), on=form.on.data, today=today()),
        _("问题状态已更新"), anchor=SERVICE)


@requires("projects.mine")
def mine():
    """我包联的项目: the projects the user serves, those needing attention first."""
    return render_template("projects/mine.html", rows=services.my_projects(current_user, today()),
                           overdue_labels=OVERDUE)


@requires("projects.view")
def issues():
    """The district's 问题诉求, open ones first, with counts and the average days to close."""
    form = IssueFilterForm(request.args)
    filters = form.filters()
    page = paginate(services.issue_list(**filters, on=today()))
    figures = services.issue_figures(*([Project.team_id == filters["team_id"]] if filters["team_id"] else []),
                                     on=today())
    return render_template("projects/issues.html", form=form, page=page, figures=figures, args=link_args(),
                           today=today())
