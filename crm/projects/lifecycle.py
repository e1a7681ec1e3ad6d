"""A project's course: status steps with their actual dates, planned dates, further milestones, voiding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..domain.periods import today as local_today
from ..extensions import db
from ..models import Milestone, Project, ProjectStatus, User
from ..reports.rules import OPEN
from ..web.i18n import gettext as _
from ..web.i18n import lazy_gettext as _l
from .labels import OVERDUE
from .overdue import overdue_reasons

Status = ProjectStatus
LADDER = (Status.SIGNED, Status.STARTED, Status.PRODUCING, Status.AT_CAPACITY)
ACTUAL_DATE = {Status.STARTED: "started_on", Status.PRODUCING: "production_on", Status.AT_CAPACITY: "capacity_on",
               Status.TERMINATED: "terminated_on"}
DATE_LABELS = {"signed_on": _l("签约日期"), "started_on": _l("开工日期"), "production_on": _l("投产日期"),
               "capacity_on": _l("达产日期"), "terminated_on": _l("终止日期"),
               "planned_start_on": _l("计划开工日期"), "planned_production_on": _l("计划投产日期"),
               "planned_capacity_on": _l("计划达产日期")}


class LifecycleRefused(ValueError):
    """A change to a project's course that the rules refuse; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LifecyclePanel:
    """What the project page shows of a project's course and offers to do next."""

    overdue: list[str]
    next_status: ProjectStatus | None
    next_date_label: str  # 开工日期 for the step to 已开工
    may_terminate: bool
    earliest_next_on: date  # the next step's date may not be earlier


def panel(project: Project, today: date) -> LifecyclePanel:
    """The course of a project as the page shows it."""
    is_open = project.status in OPEN and not project.voided
    step = LADDER.index(project.status) + 1 if project.status in LADDER else len(LADDER)
    next_status = LADDER[step] if is_open and step < len(LADDER) else None
    return LifecyclePanel(overdue=[str(OVERDUE[code]) for code in overdue_reasons(project, today)],
                          next_status=next_status,
                          next_date_label=str(DATE_LABELS[ACTUAL_DATE[next_status]]) if next_status else "",
                          may_terminate=is_open, earliest_next_on=latest_actual(project)[1])


def latest_actual(project: Project) -> tuple[str, date]:
    """The last milestone reached, as (field, date): signing at the least."""
    reached = [(name, getattr(project, name)) for name in ("signed_on", "started_on", "production_on", "capacity_on")]
    return [pair for pair in reached if pair[1] is not None][-1]


def refuse_if_voided(project: Project) -> None:
    if project.voided:
        raise LifecycleRefused(_("项目已作废，不能再修改"))


def refuse_future(day: date, label: str) -> None:
    if day > local_today():
        raise LifecycleRefused(_("%(label)s不能晚于今天", label=label))


def refuse_before(day: date, label: str, earlier_field: str, earlier: date) -> None:
    if day < earlier:
        raise LifecycleRefused(_("%(label)s不能早于%(other)s（%(date)s）", label=label,
                                 other=DATE_LABELS[earlier_field], date=earlier.isoformat()))


def advance(project: Project, *, actor: User, to: ProjectStatus, on: date, reason: str | None = None) -> Project:
    """Move a project to its next status (or terminate it) and record the date it happened."""
    refuse_if_voided(project)
    if project.status not in OPEN:
        raise LifecycleRefused(_("项目已是“%(status)s”，状态不能再变更", status=project.status.label))
    if to is project.status:
        raise LifecycleRefused(_("项目已是“%(status)s”", status=to.label))
    reason = (reason or "").strip()
    if to is Status.TERMINATED:
        if not reason:
            raise LifecycleRefused(_("终止项目须填写原因"))
    else:
        now, target = LADDER.index(project.status), LADDER.index(to)
        if target < now:
            raise LifecycleRefused(_("不能从“%(now)s”退回到“%(to)s”", now=project.status.label, to=to.label))
        if target > now + 1:
            raise LifecycleRefused(_("请先登记“%(step)s”，不能从“%(now)s”直接到“%(to)s”",
                                     step=LADDER[now + 1].label, now=project.status.label, to=to.label))
    label = str(DATE_LABELS[ACTUAL_DATE[to]])
    refuse_future(on, label)
    refuse_before(on, label, *latest_actual(project))
    setattr(project, ACTUAL_DATE[to], on)
    if to is Status.TERMINATED:
        project.termination_reason = reason
    project.status = to
    db.session.flush()
    return project


def set_planned(project: Project, *, actor: User, planned_start_on: date | None, planned_production_on: date | None,
                planned_capacity_on: date | None) -> Project:
    """Set the planned start, production and capacity dates (blank clears one), in their order."""
    refuse_if_voided(project)
    planned = [(name, day) for name, day in (("planned_start_on", planned_start_on),
                                              ("planned_production_on", planned_production_on),
                                              ("planned_capacity_on", planned_capacity_on)) if day is not None]
    earlier: tuple[str, date] = ("signed_on", project.signed_on)
    for name, day in planned:
        refuse_before(day, str(DATE_LABELS[name]), *earlier)
        earlier = (name, day)
    project.planned_start_on = planned_start_on
    project.planned_production_on = planned_production_on
    project.planned_capacity_on = planned_capacity_on
    db.session.flush()
    return project


def add_milestone(project: Project, *, actor: User, name: str, planned_on: date | None,
                  achieved_on: date | None) -> Milestone:
    """Add a further milestone (e.g. 首条电芯生产线调试投产) with its planned or actual date."""
    refuse_if_voided(project)
    name = (name or "").strip()
    if not name:
        raise LifecycleRefused(_("请填写节点名称"))
    if planned_on is None and achieved_on is None:
        raise LifecycleRefused(_("计划日期和实际日期至少填写一个"))
    if planned_on is not None:
        refuse_before(planned_on, _("计划日期"), "signed_on", project.signed_on)
    if achieved_on is not None:
        refuse_before(achieved_on, _("实际日期"), "signed_on", project.signed_on)
        refuse_future(achieved_on, _("实际日期"))
    same_name = db.session.scalar(select(func.count()).select_from(Milestone)
                                  .where(Milestone.project_id == project.id, Milestone.name == name))
    if same_name:
        raise LifecycleRefused(_("已有同名节点“%(name)s”", name=name))
    milestone = Milestone(project=project, name=name, planned_on=planned_on, achieved_on=achieved_on)
    db.session.add(milestone)
    db.session.flush()
    return milestone


def void(project: Project, *, actor: User, reason: str | None) -> Project:
    """Void a project entered in error: it stays on record but no longer counts anywhere."""
    reason = (reason or "").strip()
    if project.voided:
        raise LifecycleRefused(_("项目已作废"))
    if not reason:
        raise LifecycleRefused(_("作废项目须填写原因"))
    project.voided, project.void_reason = True, reason
    db.session.flush()
    return project


def restore(project: Project, *, actor: User) -> Project:
    """Undo a voiding; the audit trail keeps the reason it was voided for."""
    if not project.voided:
        raise LifecycleRefused(_("项目未作废"))
    project.voided, project.void_reason = False, None
    db.session.flush()
    return project
