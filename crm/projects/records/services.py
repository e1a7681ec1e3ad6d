"""Rules for signed projects: their codes, signing a lead, recording and changing a project."""

from datetime import date
from typing import Any

from sqlalchemy import select

from ...access.districts import district_code
from ...core.stale_edits import StaleEdit, check_version
from ...domain.periods import today
from ...domain.refused import Refused
from ...enterprises.services import current
from ...extensions import db
from ...models import AgreementKind, Lead, LeadStage, LeadStatus, Project, ProjectStatus, ProjectType, Role, User
from ...web.i18n import gettext as _
from ..lifecycle.rules import check_planned_order
from .rules import check_fixed_within_total, check_signed_before_start, code_prefix, highest_serial, project_code

__all__ = ["EDITABLE", "SigningRefused", "StaleEdit", "create_project", "highest_serial_on_file", "next_project_code",
           "sign_lead", "signing_refusal", "update_project"]

# What the project form changes; status, milestones, verification and voiding have their own pages.
EDITABLE = frozenset({
    "name", "enterprise", "team", "signed_on", "agreement_kind", "project_type", "industry", "location",
    "total_investment_yuan", "fixed_asset_investment_yuan", "currency", "original_amount", "fx_rate",
    "expected_annual_sales_yuan", "expected_annual_tax_yuan", "jobs", "land_area_mu", "from_event", "event_name",
    "planned_start_on", "planned_production_on", "planned_capacity_on", "remarks"})
# What a verification (认定) vouches for: when the team changes one, the office verifies the project again.
VERIFIED_FACTS = frozenset({"enterprise", "team", "signed_on", "agreement_kind", "total_investment_yuan",
                            "fixed_asset_investment_yuan"})


class SigningRefused(Refused):
    """A lead that cannot be signed; the message is user-facing."""


def highest_serial_on_file(prefix: str) -> int:
    """The highest serial given under a code prefix: codes are never reused, so the highest ever given."""
    codes = db.session.scalars(select(Project.code).where(Project.code.startswith(prefix, autoescape=True)))
    return highest_serial(codes, prefix)


def next_project_code(signed_on: date) -> str:
    """The next code of the signing year, {prefix}-{year}-{NNN}: one past the highest ever given, never reused."""
    prefix = code_prefix(district_code(), signed_on.year)
    return project_code(prefix, highest_serial_on_file(prefix) + 1)


def signing_refusal(lead: Lead) -> str | None:
    """Why a lead cannot be signed now, or None when it can."""
    if lead.project is not None:
        return str(_("该线索已签约，项目编号 %(code)s", code=lead.project.code))
    if lead.stage is not LeadStage.AGREED:
        return str(_("只有“拟签约”阶段的线索才能登记签约"))
    return None


def sign_lead(lead: Lead, *, actor: User, signed_on: date, total_investment_yuan: int,
              agreement_kind: AgreementKind, project_type: ProjectType, name: str, location: str | None,
              industry: str | None) -> Project:
    """Turn an agreed lead into a signed project, awaiting verification (认定)."""
    if (refusal := signing_refusal(lead)) is not None:
        raise SigningRefused(refusal)
    code = next_project_code(signed_on)
    project = Project(
        code=code, name=name.strip(), enterprise=current(lead.enterprise), lead=lead, team=lead.team,
        signed_on=signed_on, agreement_kind=agreement_kind, project_type=project_type, industry=industry,
        location=location, total_investment_yuan=total_investment_yuan, status=ProjectStatus.SIGNED,
        verified=False, created_by_id=actor.id)
    db.session.add(project)
    lead.move_to(LeadStage.SIGNED, by=actor, note=code)
    lead.status = LeadStatus.CLOSED
    db.session.flush()
    return project


def check_project(values: dict[str, Any]) -> None:
    """Refuse values that do not hold together."""
    if values["signed_on"] > today():
        raise Refused(_("签约日期不能晚于今天"), "signed_on")
    total = values["total_investment_yuan"]
    if total is None or total <= 0:
        raise Refused(_("总投资额必须大于0"), "total_investment")
    check_fixed_within_total(total, values.get("fixed_asset_investment_yuan"))
    foreign = values.get("currency", "CNY") != "CNY"
    if foreign != (values.get("original_amount") is not None and values.get("fx_rate") is not None):
        raise Refused(_("外币签约须填写原币金额和汇率"), "original_amount")
    if values.get("from_event") and not (values.get("event_name") or "").strip():
        raise Refused(_("活动签约须填写活动名称"), "event_name")
    check_planned_order(values.get("planned_start_on"), values.get("planned_production_on"),
                        values.get("planned_capacity_on"))


def tidy(values: dict[str, Any]) -> dict[str, Any]:
    """Values as stored: a CNY signing keeps no original amount or rate, an event name only when from an event."""
    unknown = set(values) - EDITABLE
    if unknown:
        raise TypeError(f"unexpected project fields {sorted(unknown)}")
    values = dict(values, name=values["name"].strip())
    if values.get("currency", "CNY") == "CNY":
        values.update(currency="CNY", original_amount=None, fx_rate=None)
    if not values.get("from_event"):
        values.update(from_event=False, event_name=None)
    return values


def create_project(*, actor: User, **fields: Any) -> Project:
    """Record a signed project under the next code of its signing year, awaiting verification (认定)."""
    values = tidy(fields)
    check_project(values)
    project = Project(code=next_project_code(values["signed_on"]), status=ProjectStatus.SIGNED, verified=False,
                      created_by_id=actor.id, **values)
    db.session.add(project)
    db.session.flush()
    return project


def update_project(project: Project, *, actor: User, version: int, **fields: Any) -> Project:
    """Change a project's recorded values; an edit made from an older version is refused and nothing applied."""
    check_version(project, version)
    values = tidy({key: getattr(project, key) for key in EDITABLE} | fields)
    check_project(values)
    check_signed_before_start(values["signed_on"], project.started_on)
    changed = {key for key, value in values.items() if getattr(project, key) != value}
    for key, value in values.items():
        setattr(project, key, value)
    if project.verified and changed & VERIFIED_FACTS and actor.role is not Role.ADMIN:
        # Back to the pending list: a verified figure changed by the team counts again only once checked.
        project.verified, project.verified_at, project.verified_by_id = False, None, None
    db.session.flush()
    return project
