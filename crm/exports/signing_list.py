"""签约项目清单: the project list's filters and rows as the district's signing list, with its totals and buckets.

By default it lists what the figures count, so its 合计 is the brief's number; when the office includes signings
awaiting verification (待认定) or voided ones, each standing gets a 合计 line of its own and none is summed in.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from sqlalchemy import case

from ..access.districts import DistrictNames, district_name, district_names
from ..domain.periods import Period, today
from ..domain.refused import Refused
from ..domain.sizes import SIZE_BUCKETS
from ..extensions import db
from ..models import AgreementKind, District, Enterprise, Ownership, Project, ProjectStatus, ProjectType, Team, User
from ..projects.records.filters import ProjectFilterForm
from ..projects.records.queries import ProjectCriteria, list_totals, project_list
from ..reports.list_totals import ProjectTotals
from ..reports.rules import start_overdue
from ..web.i18n import gettext as _
from ..web.i18n import join_clauses, with_note
from .forms import form_errors, labels, period_title
from .query import stream
from .sheet import DATE, INT, LONG, TEXT, YI, Column, Export, Table, district_column

FOREIGN = frozenset({Ownership.FOREIGN, Ownership.HMT})  # 港澳台资 counts as 外资 in investment statistics


def columns(districts: DistrictNames | None = None) -> list[Column]:
    """The list's columns; their widest widths share A4 landscape's (crm/exports/xlsx.py), the project's name and
    investor taking the most; a 区县 after the team when it holds every district's (the city's)."""
    return [Column(_("序号"), INT), Column(_("项目名称"), LONG, 40), Column(_("投资方（签约企业）"), LONG, 36),
            Column(_("来源地"), TEXT, 10), Column(_("内/外资"), TEXT, 6), Column(_("总投资（亿元）"), YI),
            Column(_("其中固定资产投资（亿元）"), YI), Column(_("产业类别"), TEXT, 12), Column(_("项目类型"), TEXT, 8),
            Column(_("协议类型"), TEXT, 8), Column(_("签约时间"), DATE), Column(_("落户地"), TEXT, 20),
            Column(_("招商专班"), TEXT, 14), *district_column(districts), Column(_("首席服务官"), TEXT, 24),
            Column(_("当前进展"), TEXT, 22), Column(_("备注"), LONG, 30)]


def signing_rows(criteria: ProjectCriteria, day: date, districts: DistrictNames | None) -> Iterator[tuple[Any, ...]]:
    """The list's rows in its order (newest signing first), streamed as plain values, numbered from 1."""
    chief = User.__table__.alias("chief")
    query = (project_list(criteria)
             .with_only_columns(Project.name, Enterprise.name, Enterprise.province, Enterprise.city,
                                Enterprise.ownership, Project.total_investment_yuan,
                                Project.fixed_asset_investment_yuan, Project.industry, Project.project_type,
                                Project.agreement_kind, Project.signed_on, Project.location, Team.name,
                                Team.district_id, chief.c.display_name, chief.c.title, Project.status,
                                Project.started_on,
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
         district_id, chief_name, chief_title, status, started, producing, capacity, terminated, overdue, verified,
         voided, void_reason, remarks) = row
        reached = {ProjectStatus.STARTED: started, ProjectStatus.PRODUCING: producing,
                   ProjectStatus.AT_CAPACITY: capacity, ProjectStatus.TERMINATED: terminated}.get(status)
        progress = with_note(statuses[status], reached.isoformat()) if reached else statuses[status]
        if overdue:
            progress = f"{progress}{comma}{late}"
        notes = [text for text in (None if verified else pending,
                                   f"{void}{colon}{void_reason}" if voided else None, remarks) if text]
        yield (number, name, investor, place(province, city), ownership.get(owner, ""), total, fixed, industry,
               types[type_], kinds[kind], signed_on, location, team,
               *((districts.of(district_id),) if districts else ()),
               with_note(chief_name, chief_title) if chief_name and chief_title else chief_name,
               progress, join_clauses(notes))


def place(province: str | None, city: str | None) -> str:
    """Where the investor comes from: 江苏苏州, or 上海 when the city is the province."""
    if province and city and not city.startswith(province):
        return f"{province}{city}"
    return city or province or ""


def footer(totals: ProjectTotals, criteria: ProjectCriteria) -> list[list[Any]]:
    """合计 (of the counted projects) with its size buckets; a 合计 line per standing when the list holds more.

    Every label starts with 合计 or 其中, so an import of the file skips these rows as totals.
    """
    lines = totals.lines(**criteria.standings)
    labels = {"counted": _("合计（已认定）"), "pending": _("合计（待认定）"), "voided": _("合计（已作废）")}
    if [name for name, _tally in lines] == ["counted"]:
        labels["counted"] = _("合计")
    rows: list[list[Any]] = []
    for name, tally in lines:
        rows.append([labels[name], _("%(n)s个项目", n=tally.count), None, None, None, tally.total_yuan,
                     tally.fixed_asset_yuan])
        if name == "counted":
            for key, (_floor, label) in SIZE_BUCKETS.items():
                bucket = totals.buckets[key]
                rows.append([_("其中"), _("%(bucket)s项目%(n)s个", bucket=label, n=bucket.count), None, None, None,
                             bucket.total_yuan])
    return rows


def signing_list(args: Mapping[str, str], viewer: User) -> Export:
    """签约项目清单 for the filters of the project list (every signed-in user reads every project of the district,
    the city every district's or, with `district`, one's)."""
    form = ProjectFilterForm(args)
    if not form.validate():
        raise Refused(form_errors(form))
    try:
        criteria = form.criteria()
    except ValueError as error:
        raise Refused(_("筛选条件有误：时段不成立")) from error
    totals = list_totals(criteria)
    day = today()
    chosen = db.session.get(District, criteria.district_id) if criteria.district_id else None
    title = project_title(chosen.name if chosen else district_name(), criteria.period)
    districts = district_names()
    table = Table(sheet=_("签约项目清单"), title=title, columns=columns(districts),
                  rows=lambda: signing_rows(criteria, day, districts),
                  footer=lambda: footer(totals, criteria), frozen_columns=2)
    return Export("projects", title, [table], totals.rows)


def project_title(district: str, period: Period | None) -> str:
    """XX区2026年招商引资签约项目清单; a custom range follows the name in brackets."""
    return period_title(district, _("招商引资签约项目清单"), period)
