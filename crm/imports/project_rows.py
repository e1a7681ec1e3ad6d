"""Signed projects from a signing list: checks, duplicates (项目编号, or name with signing date), codes, writing.

Imported projects are verified (认定) by the importing admin and so count at once. A project without a
项目编号 gets the next code of its signing year, as one signed in the app would; a 项目编号 column holding a
code not on file keeps it. Blank 项目类型 is read as 新建 and blank 协议类型 as 正式合同, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select

from ..access.districts import district_code
from ..domain.periods import today
from ..domain.refused import Refused
from ..enterprises.names import fold
from ..extensions import db
from ..models import AgreementKind, Project, ProjectStatus, ProjectType
from ..projects.lifecycle.rules import check_actual_order, check_planned_order
from ..projects.records.rules import (
    check_fixed_within_total,
    check_signed_before_start,
    code_prefix,
    highest_serial,
    project_code,
)
from ..projects.records.services import highest_serial_on_file
from ..web.i18n import gettext as _
from ..web.i18n import labelled
from .lookups import chunks
from .outcomes import RowOutcome
from .rules import CommitContext, Existing, Rules, insert_rows
from .values import CellError, parse_date

EARLIEST = date(2000, 1, 1)
PENDING = "待认定"
MILESTONES = {ProjectStatus.STARTED: "started_on", ProjectStatus.PRODUCING: "production_on",
              ProjectStatus.AT_CAPACITY: "capacity_on", ProjectStatus.TERMINATED: "terminated_on"}
DATE_IN_TEXT = re.compile(r"\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?")
# What an update takes from a row: field → column.
UPDATED = {"name": "name", "signed_on": "signed_on", "agreement_kind": "agreement_kind",
           "project_type": "project_type", "industry": "industry", "location": "location",
           "planned_start_on": "planned_start_on", "planned_production_on": "planned_production_on",
           "jobs": "jobs", "land_area_mu": "land_area_mu", "remarks": "remarks"}


def refusing(row: RowOutcome, rule: Any, *values: Any) -> None:
    """Check a rule of the project record on the row's values; a refusal marks the row with its message."""
    try:
        rule(*values)
    except Refused as error:
        row.error(error.message)


def money_columns(values: dict[str, Any]) -> dict[str, Any]:
    """The amounts of a row as columns: yuan, and the original foreign amount and its rate."""
    columns: dict[str, Any] = {}
    if (total := values.get("total_investment")) is not None:
        columns |= {"total_investment_yuan": total.yuan, "currency": total.currency,
                    "original_amount": total.original, "fx_rate": total.rate}
    for name in ("fixed_asset_investment", "expected_annual_sales", "expected_annual_tax"):
        if (amount := values.get(name)) is not None:
            columns[name + "_yuan"] = amount.yuan
    return columns


class ProjectRules(Rules):
    kind = "projects"
    label_field = "name"
    enterprise_field = "investor"
    people_fields = ("chief_officer",)

    def check(self, row: RowOutcome) -> None:
        values = row.values
        if "remarks" in values:  # the signing list notes 待认定 on unverified projects; imported ones are verified
            values["remarks"] = "；".join(part for part in values["remarks"].split("；") if part != PENDING) or None
            if values["remarks"] is None:
                del values["remarks"]
        signed = values.get("signed_on")
        if signed is not None and signed > today():
            row.error(_("签约时间晚于今天：%(day)s", day=signed.isoformat()))
        elif signed is not None and signed < EARLIEST:
            row.error(_("签约时间早于2000年：%(day)s", day=signed.isoformat()))
        total, fixed = values.get("total_investment"), values.get("fixed_asset_investment")
        if total is not None and total.yuan <= 0:
            row.error(_("总投资必须大于0"))
        refusing(row, check_fixed_within_total, total.yuan if total is not None else None,
                 fixed.yuan if fixed is not None else None)
        if "project_type" not in values:
            values["project_type"] = ProjectType.NEW
            row.warnings.append(_("未填项目类型，按“新建”导入"))
        if "agreement_kind" not in values:
            values["agreement_kind"] = AgreementKind.CONTRACT
            row.warnings.append(_("未填协议类型，按“正式合同”导入"))
        self.read_progress(row)
        refusing(row, check_planned_order, values.get("planned_start_on"), values.get("planned_production_on"), None)

    def read_progress(self, row: RowOutcome) -> None:
        """Status and milestone dates from 当前进展 (已开工（2024-05-01）) and the date columns."""
        values = row.values
        status, text = values.get("status"), values.pop("status_text", None)
        if text is not None and status is None:
            values["remarks"] = "；".join(filter(None, (values.get("remarks"), _("当前进展：%(text)s", text=text))))
        if status in MILESTONES and text and (found := DATE_IN_TEXT.search(text)):
            try:
                values.setdefault(MILESTONES[status], parse_date(found[0]))
            except CellError as error:
                row.error(labelled(_("当前进展"), error))
        if status is None:
            status = next((s for s in (ProjectStatus.AT_CAPACITY, ProjectStatus.PRODUCING, ProjectStatus.STARTED)
                           if MILESTONES[s] in values), None)
        values["status_stated"] = status is not None  # an update changes the status only when the file says it
        values["status"] = status = status or ProjectStatus.SIGNED
        if status is ProjectStatus.TERMINATED:
            values["termination_reason"] = values.get("remarks") or text or _("导入时表格记为已终止")
        refusing(row, check_actual_order, *(values.get(key) for key in ("signed_on", "started_on", "production_on",
                                                                         "capacity_on")))

    def keys(self, values: dict[str, Any]) -> list[Hashable]:
        keys: list[Hashable] = []
        if "code" in values:
            keys.append(("code", values["code"]))
        if "name" in values and "signed_on" in values:
            keys.append(("name", fold(values["name"]), values["signed_on"]))
        return keys

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, Existing]:
        codes = sorted({key[1] for key in keys if key[0] == "code"})  # type: ignore[index]
        days = sorted({key[2] for key in keys if key[0] == "name"})  # type: ignore[index]
        found: dict[Hashable, Existing] = {}
        columns = (Project.id, Project.code, Project.name, Project.signed_on, Project.started_on,
                   Project.total_investment_yuan, Project.fixed_asset_investment_yuan)
        rows = [row for batch in chunks(codes) for row in db.session.execute(
            select(*columns).where(Project.code.in_(batch)))]
        rows += [row for batch in chunks(days) for row in db.session.execute(
            select(*columns).where(Project.signed_on.in_(batch)))]
        for row in rows:
            existing = Existing(row.id, f"{row.code} {row.name}", row._asdict())
            found[("code", row.code)] = existing
            found.setdefault(("name", fold(row.name), row.signed_on), existing)
        return found

    def check_update(self, row: RowOutcome, existing: Existing) -> None:
        values, data = row.values, existing.data
        signed = values.get("signed_on", data["signed_on"])
        if "started_on" not in values:  # a start date in the file was checked against its signing already
            refusing(row, check_signed_before_start, signed, data["started_on"])
        total = values["total_investment"].yuan if "total_investment" in values else data["total_investment_yuan"]
        fixed = (values["fixed_asset_investment"].yuan if "fixed_asset_investment" in values
                 else data["fixed_asset_investment_yuan"])
        refusing(row, check_fixed_within_total, total, fixed)

    def next_codes(self, rows: Sequence[RowOutcome]) -> dict[int, int]:
        """The highest serial given so far in each signing year, on file or in the file's own codes."""
        highest: dict[int, int] = {}
        for year in sorted({row.values["signed_on"].year for row in rows}):
            prefix = code_prefix(district_code(), year)
            in_file = highest_serial((row.values.get("code", "") for row in rows), prefix)
            highest[year] = max(highest_serial_on_file(prefix), in_file)
        return highest

    def insert(self, rows: Sequence[RowOutcome], ctx: CommitContext) -> None:
        district = district_code()
        highest = self.next_codes(rows)
        records = []
        actor, now = ctx.actor.id, ctx.now
        for row in rows:
            values = row.values
            code = values.get("code")
            if code is None:
                year = values["signed_on"].year
                highest[year] += 1
                code = project_code(code_prefix(district, year), highest[year])
            status = values["status"]
            records.append({
                "code": code, "name": values["name"], "enterprise_id": ctx.enterprise(values["enterprise_ref"]),
                "lead_id": None, "team_id": ctx.team(values["team_ref"]), "signed_on": values["signed_on"],
                "agreement_kind": values["agreement_kind"], "project_type": values["project_type"],
                "industry": values.get("industry"), "location": values.get("location"),
                "total_investment_yuan": 0, "fixed_asset_investment_yuan": None, "currency": "CNY",
                "original_amount": None, "fx_rate": None, "expected_annual_sales_yuan": None,
                "expected_annual_tax_yuan": None} | money_columns(values) | {
                "jobs": values.get("jobs"), "land_area_mu": values.get("land_area_mu"), "from_event": False,
                "event_name": None, "status": status, "planned_start_on": values.get("planned_start_on"),
                "started_on": values.get("started_on"), "planned_production_on": values.get("planned_production_on"),
                "production_on": values.get("production_on"), "planned_capacity_on": None,
                "capacity_on": values.get("capacity_on"), "terminated_on": values.get("terminated_on"),
                "termination_reason": values.get("termination_reason"),
                "chief_officer_id": values.get("chief_officer_id"), "verified": True, "verified_at": now,
                "verified_by_id": actor, "voided": False, "void_reason": None, "remarks": values.get("remarks"),
                "created_at": now, "created_by_id": actor, "version": 1})
        insert_rows(Project.__table__, records, ctx)

    def apply(self, rows: Sequence[RowOutcome], ctx: CommitContext) -> None:
        projects = {project.id: project for batch in chunks([row.duplicate_of for row in rows])
                    for project in db.session.scalars(select(Project).where(Project.id.in_(batch)))}
        for row in rows:
            project, values = projects[row.duplicate_of], row.values
            changes: dict[str, Any] = {column: values[field] for field, column in UPDATED.items() if field in values}
            changes |= money_columns(values)
            changes |= {key: values[key] for key in ("started_on", "production_on", "capacity_on", "terminated_on",
                                                     "termination_reason") if key in values}
            if values["status_stated"]:
                changes["status"] = values["status"]
            if values.get("chief_officer_id") is not None:
                changes["chief_officer_id"] = values["chief_officer_id"]
            changes |= {"enterprise_id": ctx.enterprise(values["enterprise_ref"]),
                        "team_id": ctx.team(values["team_ref"])}
            for key, value in changes.items():
                if getattr(project, key) != value:
                    setattr(project, key, value)
            ctx.advance(1)
