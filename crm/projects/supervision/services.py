"""督办 orders: issued by a leader or the office, answered (办理情况) by the receiver, closed (销号) or sent back.

Who may take each step is decided in crm/access/orders.py and checked by the views; these rules hold whoever acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from ...domain.refused import Refused
from ...extensions import db
from ...models import (
    Project,
    ProjectIssue,
    Role,
    Supervision,
    SupervisionAnswer,
    SupervisionStatus,
    Team,
    User,
)
from ...reports.supervision import overdue_order
from ...web.i18n import gettext as _


def issue_order(project: Project, *, actor: User, what: str, receiver_unit: str | None, receiver: User | None,
                issue: ProjectIssue | None, deadline: date, today: date) -> Supervision:
    """Issue a supervision order on a project (or one of its issues): what, to whom, by when."""
    unit = (receiver_unit or "").strip() or None
    if unit is None and receiver is None:
        raise Refused(_("请填写承办单位或选择承办人"), field="receiver_unit")
    if receiver is not None and (not receiver.active or receiver.role not in (Role.ADMIN, Role.LEADER, Role.LEAD,
                                                                             Role.MEMBER)):
        raise Refused(_("承办人必须是本区启用的用户"), field="receiver_id")
    if issue is not None and issue.project_id != project.id:
        raise Refused(_("所选问题诉求不属于该项目"), field="issue_id")
    if project.voided:
        raise Refused(_("已作废的项目不能督办"))
    if deadline < today:
        raise Refused(_("办理时限不能早于今天"), field="deadline")
    order = Supervision(project=project, issue=issue, what=what.strip(), receiver_unit=unit, receiver=receiver,
                        deadline=deadline, issuer_id=actor.id, status=SupervisionStatus.OPEN)
    db.session.add(order)
    db.session.flush()
    return order


def answer_order(order: Supervision, *, actor: User, text: str) -> SupervisionAnswer:
    """Record the receiver's 办理情况; an order sent back is open again once answered."""
    if order.status is SupervisionStatus.CLOSED:
        raise Refused(_("该督办已办结，不能再填报办理情况"))
    answer = SupervisionAnswer(supervision=order, text=text.strip(), answered_by_id=actor.id)
    order.status = SupervisionStatus.OPEN
    db.session.add(answer)
    db.session.flush()
    return answer


def awaiting_review(order: Supervision) -> bool:
    """Open and answered: the issuer may close it or send it back."""
    return order.status is SupervisionStatus.OPEN and bool(order.answers)


def close_order(order: Supervision, *, today: date) -> None:
    """销号: the issuer accepts the answer and closes the order today."""
    if not awaiting_review(order):
        raise Refused(_("只有已填报办理情况、尚未办结的督办可以销号"))
    order.status, order.closed_on = SupervisionStatus.CLOSED, today
    db.session.flush()


def send_back(order: Supervision, *, note: str) -> None:
    """退回: the issuer finds the answer wanting; the receiver answers again."""
    if not awaiting_review(order):
        raise Refused(_("只有已填报办理情况、尚未办结的督办可以退回"))
    order.status, order.return_note = SupervisionStatus.RETURNED, note.strip()
    db.session.flush()


def project_orders(project: Project) -> list[Supervision]:
    """A project's orders, open ones first, by deadline, with their answers and people loaded."""
    return list(db.session.scalars(
        select(Supervision).where(Supervision.project_id == project.id)
        .options(selectinload(Supervision.answers).selectinload(SupervisionAnswer.answered_by),
                 selectinload(Supervision.receiver), selectinload(Supervision.issuer),
                 selectinload(Supervision.issue))
        .order_by(case((Supervision.status == SupervisionStatus.CLOSED, 1), else_=0), Supervision.deadline,
                  Supervision.id)))


def overdue_ids(on: date, *where: ColumnElement[bool]) -> frozenset[int]:
    """The ids of the orders the conditions pick that are overdue on a day, by the reports' rule."""
    return frozenset(db.session.scalars(select(Supervision.id).where(overdue_order(on), *where)))


@dataclass(frozen=True)
class OrderFilters:
    """The 台账's filters: a standing (open, returned, closed, overdue), a team, a receiver's unit or name."""

    status: str = ""
    team_id: int | None = None
    receiver: str = ""

    def where(self, on: date) -> list[ColumnElement[bool]]:
        """The conditions on the orders (joined to their project and receiver) the filters pick."""
        conditions: list[ColumnElement[bool]] = []
        if self.status == "overdue":
            conditions.append(overdue_order(on))
        elif self.status:
            conditions.append(Supervision.status == SupervisionStatus(self.status))
        if self.team_id:
            conditions.append(Project.team_id == self.team_id)
        if self.receiver:
            receivers = select(User.id).where(User.display_name.contains(self.receiver, autoescape=True))
            conditions.append(or_(Supervision.receiver_unit.contains(self.receiver, autoescape=True),
                                  Supervision.receiver_id.in_(receivers)))
        return conditions


def latest_answer() -> Any:
    """The order's latest 办理情况, as a correlated scalar subquery."""
    return (select(SupervisionAnswer.text).where(SupervisionAnswer.supervision_id == Supervision.id)
            .order_by(SupervisionAnswer.id.desc()).limit(1).correlate(Supervision).scalar_subquery())


def ledger_query(filters: OrderFilters, on: date) -> Select[Any]:
    """督办台账 rows: open ones first, then by deadline; each with its project, team, receiver and latest answer."""
    receiver, issuer = aliased(User), aliased(User)
    return (select(Supervision.id, Project.id, Project.code, Project.name, Team.name, Team.district_id,
                   Supervision.what, Supervision.receiver_unit, receiver.display_name, Supervision.deadline,
                   latest_answer(), Supervision.status, case((overdue_order(on), True), else_=False),
                   issuer.display_name, Supervision.issued_at, Supervision.closed_on)
            .select_from(Supervision).join(Project, Project.id == Supervision.project_id)
            .join(Team, Team.id == Project.team_id).outerjoin(receiver, receiver.id == Supervision.receiver_id)
            .join(issuer, issuer.id == Supervision.issuer_id).where(*filters.where(on))
            .order_by(case((Supervision.status == SupervisionStatus.CLOSED, 1), else_=0), Supervision.deadline,
                      Supervision.id))


@dataclass(frozen=True)
class LedgerRow:
    """One row of the 督办台账 as the page and the export show it."""

    id: int
    project_id: int
    project_code: str
    project_name: str
    team: str
    district_id: int
    what: str
    receiver_unit: str | None
    receiver_name: str | None
    deadline: date
    answer: str | None
    status: SupervisionStatus
    overdue: bool
    issuer: str
    issued_at: Any
    closed_on: date | None

    @property
    def receiver(self) -> str:
        """责任单位/责任人 in one cell: 区自然资源局 / 张三."""
        return " / ".join(part for part in (self.receiver_unit, self.receiver_name) if part)


def receivers_for(project: Project) -> list[User]:
    """Active users of the district an order may name: leaders first, then the project's team, then everyone else."""
    rank = case((User.role == Role.LEADER, 0), (User.team_id == project.team_id, 1), else_=2)
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_((Role.ADMIN, Role.LEADER, Role.LEAD, Role.MEMBER)))
        .options(selectinload(User.team)).order_by(rank, User.display_name, User.id)))


def team_options() -> list[tuple[int, str]]:
    return [(team_id, name) for team_id, name in db.session.execute(
        select(Team.id, Team.name).order_by(Team.active.desc(), Team.name))]


def count_rows(query: Select[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
