"""A project's course: status steps with their actual dates, planned dates, further milestones, voiding."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ...extensions import db
from ...models import Milestone, Project, ProjectStatus, User
from ...reports.rules import OPEN
from ...web.i18n import gettext as _
from .rules import ACTUAL_DATE, DATE_LABELS, LADDER, LifecycleRefused, Status, refuse_before, refuse_future

__all__ = ["LifecycleRefused", "add_milestone", "advance", "latest_actual", "restore", "set_planned", "void"]


def latest_actual(project: Project) -> tuple[str, date]:
    """The last milestone reached, as (field, date): signing at the least."""
    reached = [(name, getattr(project, name)) for name in ("signed_on", "started_on", "production_on", "capacity_on")]
    return [pair for pair in reached if pair[1] is not None][-1]


def refuse_if_voided(project: Project) -> None:
    if project.voided:
        raise LifecycleRefused(_("项目已作废，不能再修改"))


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
