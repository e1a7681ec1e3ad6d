"""The service after signing (一个项目、一名领导、一个专班、一套方案、一抓到底): who serves, 代办事项, 问题诉求."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.sql.expression import FunctionElement

from ...core.audit import record
from ...core.stale_edits import check_version
from ...domain.refused import Refused
from ...extensions import db
from ...models import IssueStatus, Project, ProjectIssue, Role, ServiceItem, ServiceItemStatus, User
from ...models.projects import project_service_member
from ...reports.rules import any_overdue, open_issue
from ...web.i18n import gettext as _
from ..lifecycle.overdue import overdue_reasons

# The 代办事项 most signed projects go through; the template button adds those a project lacks.
STANDARD_ITEMS = ("立项备案", "用地预审", "规划许可", "施工许可", "环评", "能评", "供电接入")

# 交办 → 办理中 → 已销号, one step at a time.
NEXT_STATUS = {IssueStatus.ASSIGNED: IssueStatus.HANDLING, IssueStatus.HANDLING: IssueStatus.CLOSED}


class days_between(FunctionElement[int]):
    """Whole days from the second date to the first, in SQL."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} - {earlier})"  # PostgreSQL: date - date is an integer of days


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"  # SQLite keeps dates as text


def names(users: list[User]) -> str:
    return ", ".join(f"{u.display_name} ({u.username})" for u in users) or "-"


def assign_service(project: Project, *, actor: User, chief_officer: User | None, members: list[User]) -> None:
    """Set the chief service officer (a district leader) and the service team."""
    if chief_officer is not None and (chief_officer.role is not Role.LEADER or not chief_officer.active):
        raise Refused(_("首席服务官必须是在任的区领导"))
    if any(not member.active for member in members):
        raise Refused(_("服务专班成员必须是启用的用户"))
    before = {u.id: u for u in project.service_team}
    after = {u.id: u for u in members}
    # The column, not only the relationship: the audit hook reads columns before the flush fills them in.
    project.chief_officer, project.chief_officer_id = chief_officer, chief_officer.id if chief_officer else None
    project.service_team = sorted(after.values(), key=lambda u: u.id)
    added = [u for i, u in after.items() if i not in before]
    removed = [u for i, u in before.items() if i not in after]
    if added or removed:  # the hook sees columns, not this many-to-many
        record(action="service_team", user_id=actor.id, entity="Project", entity_id=project.id,
               detail=f"added: {names(added)}; removed: {names(removed)}")
    db.session.flush()


def add_standard_items(project: Project) -> list[ServiceItem]:
    """Add the standard 代办事项 the project does not have yet."""
    # Lock the project row so two clicks at once add each item once (SQLite already writes one at a time).
    db.session.execute(select(Project.id).where(Project.id == project.id).with_for_update())
    have = set(db.session.scalars(select(ServiceItem.name).where(ServiceItem.project_id == project.id)))
    added = [ServiceItem(project=project, name=name) for name in STANDARD_ITEMS if name not in have]
    db.session.add_all(added)
    db.session.flush()
    return added


def check_owner(owner: User | None) -> None:
    if owner is not None and not owner.active:
        raise Refused(_("负责人必须是启用的用户"))


def add_item(project: Project, *, name: str, owner: User | None, due_on: date | None,
             node: str | None = None) -> ServiceItem:
    """Add one 代办事项 to a project, hung off a node of its path (a PathNode value) when given."""
    check_owner(owner)
    item = ServiceItem(project=project, name=name.strip(), owner=owner, due_on=due_on,
                       status=ServiceItemStatus.TODO, node=node or None)
    db.session.add(item)
    db.session.flush()
    return item


def update_item(item: ServiceItem, *, version: int, status: ServiceItemStatus, owner: User | None,
                due_on: date | None, done_on: date | None, today: date) -> None:
    """Change an item's status, owner or due date; done items carry the day they were done.

    An edit made from an older version of the item is refused (StaleEdit) and nothing applied.
    """
    check_version(item, version)
    check_owner(owner)
    if status is ServiceItemStatus.DONE:
        done_on = done_on or item.done_on or today
        if done_on > today:
            raise Refused(_("办结日期不能晚于今天"))
        if done_on < item.project.signed_on:
            raise Refused(_("办结日期不能早于签约日期 %(day)s", day=item.project.signed_on.isoformat()))
    else:
        done_on = None  # reopened: no longer done
    item.status, item.owner, item.due_on, item.done_on = status, owner, due_on, done_on
    flag_modified(item, "status")  # every save is a new version, whatever it changed
    db.session.flush()


def complete_item(item: ServiceItem, *, version: int, today: date) -> None:
    """Tick an open 代办事项 done today, in one tap, its owner and due date kept (refused as stale like any edit)."""
    update_item(item, version=version, status=ServiceItemStatus.DONE, owner=item.owner, due_on=item.due_on,
                done_on=today, today=today)


def is_overdue(item: ServiceItem, today: date) -> bool:
    """Past its due date and not done (the same rule as the SQL counts)."""
    return item.due_on is not None and item.due_on < today and item.status is not ServiceItemStatus.DONE


def raise_issue(project: Project, *, actor: User, raised_on: date, description: str, responsible_unit: str | None,
                today: date) -> ProjectIssue:
    """Record a problem the investor raised, assigned (交办) to a responsible unit."""
    if raised_on > today:
        raise Refused(_("提出日期不能晚于今天"))
    issue = ProjectIssue(project=project, raised_on=raised_on, description=description.strip(),
                         responsible_unit=(responsible_unit or "").strip() or None, status=IssueStatus.ASSIGNED,
                         created_by_id=actor.id)
    db.session.add(issue)
    db.session.flush()
    return issue


def advance_issue(issue: ProjectIssue, *, actor: User, to: IssueStatus, on: date | None, today: date) -> None:
    """Move an issue one step on (办理中 on a date, 已销号 on a date); only an admin reopens a closed one."""
    if issue.status is IssueStatus.CLOSED and to is IssueStatus.HANDLING:
        if actor.role is not Role.ADMIN:
            raise Refused(_("只有管理员可以重新打开已销号的问题"))
        issue.status, issue.resolved_on = IssueStatus.HANDLING, None
        db.session.flush()
        return
    if NEXT_STATUS.get(issue.status) is not to:
        raise Refused(_("问题须按“交办→办理中→已销号”逐步推进"))
    on = on or today
    if on > today:
        raise Refused(_("日期不能晚于今天"))
    if on < issue.raised_on:
        raise Refused(_("日期不能早于问题提出日期 %(day)s", day=issue.raised_on.isoformat()))
    if to is IssueStatus.CLOSED:
        if issue.handling_on is not None and on < issue.handling_on:
            raise Refused(_("销号日期不能早于开始办理日期 %(day)s", day=issue.handling_on.isoformat()))
        issue.resolved_on = on
    else:
        issue.handling_on = on
    issue.status = to
    db.session.flush()


def item_counts(today: date) -> Any:
    """Subquery, per project: service items, how many are done, how many are overdue."""
    done = ServiceItem.status == ServiceItemStatus.DONE
    return (select(ServiceItem.project_id, func.count().label("total"),
                   func.sum(case((done, 1), else_=0)).label("done"),
                   func.sum(case((and_(ServiceItem.due_on < today, ServiceItem.status != ServiceItemStatus.DONE),
                                  1), else_=0)).label("overdue"))
            .group_by(ServiceItem.project_id).subquery())


def open_issues_per_project(today: date) -> Any:
    """Subquery, per project: its issues open today (未销号), by the rule the dashboard counts with."""
    return (select(ProjectIssue.project_id, func.count().label("open")).join(Project)
            .where(open_issue(today)).group_by(ProjectIssue.project_id).subquery())


@dataclass(frozen=True)
class IssueFigures:
    """Open and closed issues, and the average days from raised to closed (None when none is closed)."""

    open: int
    resolved: int
    average_days: float | None


def issue_figures(*where: ColumnElement[bool], on: date) -> IssueFigures:
    """The issue figures of the projects the conditions pick on a day, in one aggregate query."""
    closed = ProjectIssue.status == IssueStatus.CLOSED
    open_, resolved, average = db.session.execute(
        select(func.count().filter(open_issue(on)), func.count(case((closed, 1))),
               func.avg(case((closed, days_between(ProjectIssue.resolved_on, ProjectIssue.raised_on)))))
        .select_from(ProjectIssue).join(Project).where(*where)).one()
    return IssueFigures(open_, resolved, None if average is None else round(float(average), 1))


def service_items(project: Project) -> list[ServiceItem]:
    return list(db.session.scalars(select(ServiceItem).where(ServiceItem.project_id == project.id)
                                   .options(selectinload(ServiceItem.owner)).order_by(ServiceItem.id)))


def issues_first_open() -> Select[tuple[ProjectIssue]]:
    """Issues, the open ones first and oldest first."""
    return select(ProjectIssue).order_by(case((ProjectIssue.status == IssueStatus.CLOSED, 1), else_=0),
                                         ProjectIssue.raised_on, ProjectIssue.id)


def project_issues(project: Project) -> list[ProjectIssue]:
    return list(db.session.scalars(issues_first_open().where(ProjectIssue.project_id == project.id)))


def issue_list(*, status: IssueStatus | None, open_only: bool, team_id: int | None,
               on: date) -> Select[tuple[ProjectIssue]]:
    """The district's issues, filtered, with their projects loaded; `open_only` by the rule the 未销号 count uses."""
    query = issues_first_open().join(Project).options(selectinload(ProjectIssue.project).selectinload(Project.team))
    if open_only:
        query = query.where(open_issue(on))
    if status is not None:
        query = query.where(ProjectIssue.status == status)
    return query.where(Project.team_id == team_id) if team_id else query


def people_for(project: Project) -> list[User]:
    """Active users to choose from: leaders first, then the credited team's members, then everyone else."""
    rank = case((User.role == Role.LEADER, 0), (User.team_id == project.team_id, 1), else_=2)
    return list(db.session.scalars(select(User).where(User.active.is_(True)).options(selectinload(User.team))
                                   .order_by(rank, User.display_name, User.id)))


@dataclass(frozen=True)
class MyProject:
    """One row of 我包联的项目."""

    project: Project
    items_done: int
    items_total: int
    overdue_items: int
    open_issues: int
    overdue_reasons: tuple[str, ...]


def my_projects(user: User, today: date) -> list[MyProject]:
    """The projects the user serves, those with overdue work or open issues first, then the newest signed."""
    items, issues = item_counts(today), open_issues_per_project(today)
    overdue_items = func.coalesce(items.c.overdue, 0)
    open_issues = func.coalesce(issues.c.open, 0)
    serving = select(project_service_member.c.project_id).where(project_service_member.c.user_id == user.id)
    rows = db.session.execute(
        select(Project, func.coalesce(items.c.done, 0), func.coalesce(items.c.total, 0), overdue_items, open_issues)
        .outerjoin(items, items.c.project_id == Project.id).outerjoin(issues, issues.c.project_id == Project.id)
        .where(or_(Project.chief_officer_id == user.id, Project.id.in_(serving)))
        .order_by(case((or_(overdue_items > 0, any_overdue(today)), 0), else_=1),
                  case((open_issues > 0, 0), else_=1), Project.signed_on.desc(), Project.id.desc()))
    return [MyProject(project, done, total, overdue, open_, tuple(overdue_reasons(project, today)))
            for project, done, total, overdue, open_ in rows]
