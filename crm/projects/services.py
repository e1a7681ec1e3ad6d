"""Rules for signed projects: their codes, and signing a lead."""

import re
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..enterprises.services import current
from ..extensions import db
from ..models import AgreementKind, Lead, LeadStage, LeadStatus, Project, ProjectStatus, ProjectType, User


class SigningRefused(ValueError):
    """A lead that cannot be signed; the message is user-facing."""


def next_project_code(signed_on: date) -> str:
    """The next code of the signing year, {prefix}-{year}-{NNN}: one past the highest ever given, never reused."""
    prefix = f"{current_app.config.get('PROJECT_CODE_PREFIX') or 'ZW'}-{signed_on.year}-"
    serial = re.compile(re.escape(prefix) + r"([0-9]+)")
    # Longest first, then highest: -1000 sorts after -999 as text, but is longer.
    codes = db.session.scalars(select(Project.code).where(Project.code.startswith(prefix, autoescape=True))
                               .order_by(func.length(Project.code).desc(), Project.code.desc()))
    highest = next((int(m[1]) for code in codes if (m := serial.fullmatch(code))), 0)
    return f"{prefix}{highest + 1:03d}"


def signing_refusal(lead: Lead) -> str | None:
    """Why a lead cannot be signed now, or None when it can."""
    if lead.project is not None:
        return str(_l("该线索已签约，项目编号 %(code)s", code=lead.project.code))
    if lead.stage is not LeadStage.AGREED:
        return str(_l("只有“拟签约”阶段的线索才能登记签约"))
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
