"""签约项目清单: the project list's filters and rows as the district's signing list, with its totals and buckets."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select

from ..access.tenancy import district_name
from ..extensions import db
from ..i18n import gettext as _
from ..i18n import join_clauses, with_note
from ..models import AgreementKind, Enterprise, Ownership, Project, ProjectStatus, ProjectType, Team, User
from ..periods import Period, today
from ..projects.filters import ProjectFilterForm
from ..projects.overdue import start_overdue
from ..projects.queries import SIZE_BUCKETS, ProjectCriteria, matching, project_list
from .forms import form_errors, labels, period_title
from .query import stream
from .sheet import DATE, INT, LONG, TEXT, YI, Column, Export, FilterError, Table

FOREIGN = frozenset({Ownership.FOREIGN, Ownership.HMT})  # 港澳台资 counts as 外资 in investment statistics


@dataclass(frozen=True)
class SigningTotals:
    """The 合计 row and the bucket rows: count and sums of the whole filtered list, count and sum per bucket."""

    count: int
    total_yuan: int
    fixed_asset_yuan: int
    buckets: dict[str, tuple[int, int]]  # SIZE_BUCKETS key: (count, total yuan)


def columns() -> list[Column]:
    return [Column(_("序号"), INT), Column(_("项目名称"), LONG, 40), Column(_("投资方（签约企业）"), LONG, 36),
            Column(_("来源地"), TEXT, 16), Column(_("内/外资"), TEXT, 8), Column(_("总投资（亿元）"), YI),
            Column(_("其中固定资产投资（亿元）"), YI), Column(_("产业类别"), TEXT, 16), Column(_("项目类型"), TEXT, 8),
            Column(_("协议类型"), TEXT, 10), Column(_("签约时间"), DATE), Column(_("落户地"), TEXT, 24),
            Column(_("招商专班"), TEXT, 16), Column(_("首席服务官"), TEXT, 32), Column(_("当前进展"), TEXT, 24),
            Column(_("备注"), LONG, 40)]


def signing_totals(criteria: ProjectCriteria) -> SigningTotals:
    """Count, sums and bucket figures of the list's projects, in one query over the list's own WHERE clause."""
    amount = Project.total_investment_yuan
    row = db.session.execute(
        select(func.count(), func.coalesce(func.sum(amount), 0),
               func.coalesce(func.sum(Project.fixed_asset_investment_yuan), 0),
               *(func.count().filter(amount >= floor) for floor, _label in SIZE_BUCKETS.values()),
               *(func.coalesce(func.sum(amount).filter(amount >= floor), 0) for floor, _label in SIZE_BUCKETS.values()))
        .select_from(Project).join(Project.enterprise).where(matching(criteria))).one()
    n = len(SIZE_BUCKETS)
    buckets = {key: (int(row[3 + i]), int(row[3 + n + i])) for i, key in enumerate(SIZE_BUCKETS)}
    return SigningTotals(int(row[0]), int(row[1]), int(row[2]), buckets)


def signing_rows(criteria: ProjectCriteria, day: date) -> Iterator[tuple[Any, ...]]:
    """The list's rows in its order (newest signing first), streamed as plain values, numbered from 1."""
    chief = User.__table__.alias("chief")
    query = (project_list(criteria)
             .with_only_columns(Project.name, Enterprise.name, Enterprise.province, Enterprise.city,
                                Enterprise.ownership, Project.total_investment_yuan,
                                Project.fixed_asset_investment_yuan, Project.industry, Project.project_type,
                                Project.agreement_kind, Project.signed_on, Project.location, Team.name,
                                chief.c.display_name, chief.c.title, Project.status, Project.started_on,
                                Project.production_on, Project.capacity_on, Project.terminated_on,
                                case((start_overdue(day), True), else_=False), Project.verified, Project.voided,
                                Project.void_reason, Project.remarks)
             .join(Team, Team.id == Project.team_id).outerjoin(chief, chief.c.id == Project.chief_officer_id))
    ownership = {member: _("外资") if member in FOREIGN else _("内资") for member in Ownership}
    types, kinds, statuses = labels(ProjectType), labels(AgreementKind), labels(ProjectStatus)
    late, pending, void = _("超时限未开工"), _("待认定"), _("已作废")
    comma, colon = _("，"), _("：")
    for number, row in enumerate(stream(query), start=1):
        (name, investor, province, city, owner, total, fixed, industry, type_, kind, signed_on, location, team,
         chief_name, chief_title, status, started, producing, capacity, terminated, overdue, verified, voided,
         void_reason, remarks) = row
        reached = {ProjectStatus.STARTED: started, ProjectStatus.PRODUCING: producing,
                   ProjectStatus.AT_CAPACITY: capacity, ProjectStatus.TERMINATED: terminated}.get(status)
        progress = with_note(statuses[status], reached.isoformat()) if reached else statuses[status]
        if overdue:
            progress = f"{progress}{comma}{late}"
        notes = [text for text in (None if verified else pending,
                                   f"{void}{colon}{void_reason}" if voided else None, remarks) if text]
        yield (number, name, investor, place(province, city), ownership.get(owner, ""), total, fixed, industry,
               types[type_], kinds[kind], signed_on, location, team,
               with_note(chief_name, chief_title) if chief_name and chief_title else chief_name,
               progress, join_clauses(notes))


def place(province: str | None, city: str | None) -> str:
    """Where the investor comes from: 江苏苏州, or 上海 when the city is the province."""
    if province and city and not city.startswith(province):
        return f"{province}{city}"
    return city or province or ""


def footer(totals: SigningTotals) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("合计"), _("%(n)s个项目", n=totals.count), None, None, None, totals.total_yuan,
                              totals.fixed_asset_yuan]]
    for key, (_floor, label) in SIZE_BUCKETS.items():
        count, total = totals.buckets[key]
        rows.append([_("其中"), _("%(bucket)s项目%(n)s个", bucket=label, n=count), None, None, None, total])
    return rows


def signing_list(args: Mapping[str, str], viewer: User) -> Export:
    """签约项目清单 for the filters of the project list (every signed-in user reads every project there)."""
    form = ProjectFilterForm(args)
    if not form.validate():
        raise FilterError(form_errors(form))
    try:
        criteria = form.criteria()
    except ValueError as error:
        raise FilterError(_("筛选条件有误：时段不成立")) from error
    totals = signing_totals(criteria)
    day = today()
    title = project_title(district_name(), criteria.period)
    table = Table(sheet=_("签约项目清单"), title=title, columns=columns(),
                  rows=lambda: signing_rows(criteria, day), footer=lambda: footer(totals), frozen_columns=2)
    return Export("projects", title, [table], totals.count)


def project_title(district: str, period: Period | None) -> str:
    """XX区2026年招商引资签约项目清单; a custom range follows the name in brackets."""
    return period_title(district, _("招商引资签约项目清单"), period)
