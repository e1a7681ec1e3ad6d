"""Routes of the service after signing: who serves, 代办事项, 问题诉求, 我包联的项目, the district's issues."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..access.rights import may, requires
from ..core.stale_edits import StaleEdit
from ..domain.periods import today
from ..extensions import db
from ..models import IssueStatus, Project, ProjectIssue, Role, ServiceItem, ServiceItemStatus, User
from ..web.errors import render_error
from ..web.i18n import gettext as _
from ..web.pagination import link_args, paginate
from . import service
from . import views as project_pages
from .labels import OVERDUE
from .service import IssueFigures, ServiceRefused
from .service_forms import AdvanceForm, AssignForm, IssueFilterForm, IssueForm, ItemForm, ItemUpdateForm, ServiceForm

ID = "int(max=2147483647)"  # a larger number is no record of ours, and would overflow the database's integer


@dataclass(frozen=True)
class ServicePanel:
    """What the project page's service section shows, and which of its forms the viewer may use."""

    items: list[ServiceItem]
    overdue_ids: frozenset[int]
    items_done: int
    issues: list[ProjectIssue]
    figures: IssueFigures
    people: list[User]
    groups: list[tuple[str, list[User]]]  # leaders, the credited team, everyone else
    may_serve: bool
    may_assign: bool
    may_reopen: bool
    next_status: dict[IssueStatus, IssueStatus]
    item_statuses: tuple[ServiceItemStatus, ...] = tuple(ServiceItemStatus)


def project_service(project: Project, today: date) -> ServicePanel:
    """Gather the service section of a project's page for the signed-in user."""
    items = service.service_items(project)
    may_serve = service.may_serve(current_user, project)
    may_assign = may(current_user, "projects.assign")
    people = service.people_for(project) if may_serve or may_assign else []
    leaders = [u for u in people if u.role is Role.LEADER]
    crew = [u for u in people if u.role is not Role.LEADER and u.team_id == project.team_id]
    others = [u for u in people if u.role is not Role.LEADER and u.team_id != project.team_id]
    return ServicePanel(
        items=items, overdue_ids=frozenset(i.id for i in items if service.is_overdue(i, today)),
        items_done=sum(i.status is ServiceItemStatus.DONE for i in items), issues=service.project_issues(project),
        figures=service.issue_figures(Project.id == project.id, on=today),
        people=people, groups=[(_("区领导"), leaders), (project.team.name, crew), (_("其他人员"), others)],
        may_serve=may_serve, may_assign=may_assign, may_reopen=current_user.role is Role.ADMIN,
        next_status=service.NEXT_STATUS)


def serving_or_403(project_id: int) -> Project:
    """Load a project the user serves; anyone else may read it, not work it."""
    project = db.get_or_404(Project, project_id)
    if not service.may_serve(current_user, project):
        abort(403)
    return project


def refused(project_id: int, message: str):
    """Nothing was saved: show the project page again with the reason, as a 422."""
    db.session.rollback()
    flash(message, "error")
    response = make_response(project_pages.detail(project_id=project_id))
    response.status_code = 422
    return response


def carry_out(project_id: int, form: ServiceForm, change: Callable[[], Any], done: str | Callable[[], str]):
    """Check the form, make the change, commit once and go back to the project's service section."""
    if not form.validate_on_submit():
        return refused(project_id, form.problems())
    try:
        change()
        db.session.commit()
    except ServiceRefused as error:
        return refused(project_id, str(error))
    except StaleDataError:
        db.session.rollback()
        return render_error(409)
    flash(done if isinstance(done, str) else done(), "success")
    return redirect(url_for("projects.detail", project_id=project_id, _anchor="service"))


@requires("projects.assign")
def assign_service(project_id: int):
    """Set a project's chief service officer and service team."""
    project = db.get_or_404(Project, project_id)
    form = AssignForm()
    return carry_out(project_id, form, lambda: service.assign_service(
        project, actor=current_user, chief_officer=form.chief_officer, members=form.members), _("已保存服务安排"))


@requires("projects.serve")
def add_standard_items(project_id: int):
    """Add the standard 代办事项 the project lacks, in one click."""
    project = serving_or_403(project_id)
    added: list[ServiceItem] = []
    return carry_out(project_id, ServiceForm(), lambda: added.extend(service.add_standard_items(project)),
                     lambda: _("已添加 %(count)s 项常规代办事项", count=len(added)) if added
                     else _("常规代办事项均已在列表中"))


M = TypeVar("M", ServiceItem, ProjectIssue)


def part_of(model: type[M], record_id: int, project_id: int) -> M:
    """A service item or issue of this project, else 404."""
    record = db.get_or_404(model, record_id)
    if record.project_id != project_id:
        abort(404)
    return record


@requires("projects.serve")
def add_service_item(project_id: int):
    """Add one 代办事项."""
    project = serving_or_403(project_id)
    form = ItemForm()
    return carry_out(project_id, form, lambda: service.add_item(
        project, name=form.name.data, owner=form.owner, due_on=form.due_on.data), _("已添加代办事项"))


@requires("projects.serve")
def update_service_item(project_id: int, item_id: int):
    """Change a 代办事项's status, owner or due date."""
    serving_or_403(project_id)
    item = part_of(ServiceItem, item_id, project_id)
    form = ItemUpdateForm()
    if not form.validate_on_submit():
        return refused(project_id, form.problems())
    try:
        service.update_item(item, version=int(form.version.data), status=ServiceItemStatus(form.status.data),
                            owner=form.owner, due_on=form.due_on.data, done_on=form.done_on.data, today=today())
        db.session.commit()
    except ServiceRefused as error:
        return refused(project_id, str(error))
    except (StaleEdit, StaleDataError):
        db.session.rollback()
        return stale_item(project_id, item_id, form)
    flash(_("已保存代办事项"), "success")
    return redirect(url_for("projects.detail", project_id=project_id, _anchor="service"))


@dataclass(frozen=True)
class ItemConflict:
    """A 代办事项 edit refused as stale: what was typed, kept in the item's form at the stored version."""

    item_id: int
    version: int
    status: str
    owner_id: int
    due_on: str
    done_on: str
    rows: list[tuple[str, str, str]]  # (label, stored, typed) where they differ


def stale_item(project_id: int, item_id: int, typed: ItemUpdateForm):
    """The project page again, as a 409: the item's stored values beside the typed ones, its form keeping those."""
    item = part_of(ServiceItem, item_id, project_id)
    status = ServiceItemStatus(typed.status.data)
    pairs = [(typed.status.label.text, item.status.label, status.label),
             (typed.owner_id.label.text, person(item.owner), person(typed.owner)),
             (typed.due_on.label.text, day_text(item.due_on), day_text(typed.due_on.data)),
             (typed.done_on.label.text, day_text(item.done_on), day_text(typed.done_on.data))]
    conflict = ItemConflict(item_id=item.id, version=item.version, status=status.value,
                            owner_id=typed.owner.id if typed.owner else 0, due_on=typed.due_on._value(),
                            done_on=typed.done_on._value(),
                            rows=[(str(label), str(before), str(after)) for label, before, after in pairs
                                  if before != after])
    flash(_("代办事项“%(name)s”已被他人修改，您的修改没有保存，请核对后重新保存", name=item.name), "error")
    response = make_response(project_pages.detail(project_id=project_id, item_conflict=conflict))
    response.status_code = 409
    return response


def person(user: User | None) -> str:
    return user.display_name if user else "—"


def day_text(day: date | None) -> str:
    return day.isoformat() if day else "—"


@requires("projects.serve")
def raise_issue(project_id: int):
    """Record a problem the investor raised."""
    project = serving_or_403(project_id)
    form = IssueForm()
    return carry_out(project_id, form, lambda: service.raise_issue(
        project, actor=current_user, raised_on=form.raised_on.data, description=form.description.data,
        responsible_unit=form.responsible_unit.data, today=today()), _("已登记问题诉求"))


@requires("projects.serve")
def advance_issue(project_id: int, issue_id: int):
    """Move an issue on: 办理中, then 已销号 (an admin may reopen a closed one)."""
    serving_or_403(project_id)
    issue = part_of(ProjectIssue, issue_id, project_id)
    form = AdvanceForm()
    return carry_out(project_id, form, lambda: service.advance_issue(
        issue, actor=current_user, to=IssueStatus(form.to.data), on=form.on.data, today=today()),
        _("问题状态已更新"))


@requires("projects.mine")
def mine():
    """我包联的项目: the projects the user serves, those needing attention first."""
    return render_template("projects/mine.html", rows=service.my_projects(current_user, today()),
                           overdue_labels=OVERDUE)


@requires("projects.view")
def issues():
    """The district's 问题诉求, open ones first, with counts and the average days to close."""
    form = IssueFilterForm(request.args)
    filters = form.filters()
    page = paginate(service.issue_list(**filters, on=today()))
    figures = service.issue_figures(*([Project.team_id == filters["team_id"]] if filters["team_id"] else []),
                                    on=today())
    args = link_args()
    return render_template("projects/issues.html", form=form, page=page, figures=figures, args=args,
                           today=today())
