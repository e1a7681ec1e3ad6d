"""Rules for enterprises: creation with duplicate checks, finding or creating one by name, search (merges: merging)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from ..access.tenancy import scoped_district
from ..access.visibility import team_filter
from ..core.stale_edits import check_version
from ..domain.credit_code import CHARSET, CODE_LENGTH, is_valid_credit_code, normalize_credit_code
from ..domain.refused import Refused
from ..extensions import db
from ..models import Enterprise, Lead, Ownership, Project, User, Visit
from ..web.i18n import lazy_gettext as _l
from .names import fold, normalise_name
from .resolver import by_credit_code, current, resolve_enterprise, similar_enterprises  # noqa: F401 (current: for leads, projects)

ACTIVITY_LIMIT = 100  # rows of each kind on an enterprise's page, newest first


class DuplicateCreditCode(Refused):
    """Another enterprise already has this 统一社会信用代码."""

    def __init__(self, existing: Enterprise) -> None:
        super().__init__(_l("该统一社会信用代码已登记在另一家企业名下"), "credit_code")
        self.existing = existing


class InvalidCreditCode(Refused):
    """The code fails the GB 32100-2015 check; the message says how (length, a character, the check character)."""

    def __init__(self, code: str) -> None:
        if len(code) != CODE_LENGTH:
            message = _l("统一社会信用代码应为18位")
        elif any(char not in CHARSET for char in code):
            message = _l("统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）")
        else:
            message = _l("统一社会信用代码校验位不正确，请核对")
        super().__init__(message, "credit_code")
        self.code = code


class LookAlikes(Refused):
    """Enterprises whose names read the same; saving needs a confirmation."""

    def __init__(self, matches: Sequence[Enterprise]) -> None:
        super().__init__(_l("已有名称相近的企业，请确认不是同一家："), "name")
        self.matches = matches


def clean_credit_code(code: str | None) -> str | None:
    """Normalise a typed code; None when blank; InvalidCreditCode when it fails the check."""
    if code is None or not code.strip():
        return None
    code = normalize_credit_code(code)
    if not is_valid_credit_code(code):
        raise InvalidCreditCode(code)
    return code


def create_enterprise(*, actor: User | None, name: str, credit_code: str | None = None,
                      **fields: Any) -> Enterprise:
    """Add an enterprise; a credit code already on file is refused."""
    code = clean_credit_code(credit_code)
    if code and (existing := by_credit_code(code)) is not None:
        raise DuplicateCreditCode(existing)
    district_id = fields.pop("district_id", None) or (actor.district_id if actor else None) or scoped_district()
    enterprise = Enterprise(district_id=district_id, name=name.strip(), name_key=normalise_name(name),
                            credit_code=code, created_by_id=actor.id if actor else None, **fields)
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def update_enterprise(enterprise: Enterprise, *, name: str, credit_code: str | None = None,
                      **fields: Any) -> Enterprise:
    """Change an enterprise; a credit code held by another is refused."""
    code = clean_credit_code(credit_code)
    if code and (existing := by_credit_code(code, excluding=enterprise.id)) is not None:
        raise DuplicateCreditCode(existing)
    enterprise.name = name.strip()
    enterprise.name_key = normalise_name(name)
    enterprise.credit_code = code
    for key, value in fields.items():
        setattr(enterprise, key, value)
    db.session.flush()
    return enterprise


def find_or_create(name: str, enterprise_id: int | None = None, *, actor: User | None,
                   credit_code: str | None = None) -> Enterprise:
    """The enterprise an id, a typed name and a credit code mean (`resolver.resolve_enterprise`), else a new one.

    Used when a visit, lead or project names its enterprise by a name typed rather than one picked from the list.
    """
    found = resolve_enterprise(name, enterprise_id, credit_code=credit_code)
    return found if found is not None else create_enterprise(actor=actor, name=name, credit_code=credit_code)


def save_enterprise(enterprise: Enterprise | None, *, actor: User, confirmed: bool, name: str,
                    credit_code: str | None = None, version: int | None = None, **fields: Any) -> Enterprise:
    """Add or change an enterprise; a taken credit code is refused, a look-alike name needs `confirmed`.

    A change names the version it was made from: one made from an older version is refused (StaleEdit).
    """
    if enterprise is not None:
        check_version(enterprise, version)
    code = clean_credit_code(credit_code)
    excluding = enterprise.id if enterprise else None
    if code and (existing := by_credit_code(code, excluding=excluding)) is not None:
        raise DuplicateCreditCode(existing)
    renamed = enterprise is None or normalise_name(name) != enterprise.name_key
    if renamed and not confirmed and (matches := similar_enterprises(name, excluding=excluding)):
        raise LookAlikes(matches)
    if enterprise is None:
        return create_enterprise(actor=actor, name=name, credit_code=code, **fields)
    return update_enterprise(enterprise, name=name, credit_code=code, **fields)


def search_enterprises(*, q: str | None = None, industry: str | None = None, province: str | None = None,
                       city: str | None = None, ownership: str | None = None) -> Select[tuple[Enterprise]]:
    """The enterprises (not merged away) matching a part of the name or a credit code, and the filters."""
    query = select(Enterprise).where(Enterprise.merged_into_id.is_(None))
    if q and q.strip():
        query = query.where(Enterprise.name.icontains(q.strip(), autoescape=True)
                            | Enterprise.name_key.contains(fold(q), autoescape=True)
                            | Enterprise.credit_code.startswith(normalize_credit_code(q), autoescape=True))
    if industry:
        query = query.where(Enterprise.industry == industry)
    if province:
        query = query.where(Enterprise.province.startswith(province, autoescape=True))
    if city:
        query = query.where(Enterprise.city.startswith(city, autoescape=True))
    if ownership:
        query = query.where(Enterprise.ownership == Ownership(ownership))
    return query.options(selectinload(Enterprise.contacts)).order_by(Enterprise.id.desc())


def industries() -> Sequence[str]:
    """The industries enterprises are filed under."""
    return db.session.scalars(select(Enterprise.industry).where(Enterprise.industry.is_not(None))
                              .distinct().order_by(Enterprise.industry)).all()


def enterprise_activity(enterprise: Enterprise, viewer: User) -> dict[str, Sequence[Any]]:
    """The visits and leads of the teams the viewer may see, and every signed project, newest first."""
    visits = (select(Visit).where(Visit.enterprise_id == enterprise.id, team_filter(viewer, Visit.team_id))
              .options(joinedload(Visit.team)).order_by(Visit.visited_on.desc(), Visit.id.desc()))
    leads = (select(Lead).where(Lead.enterprise_id == enterprise.id, team_filter(viewer, Lead.team_id))
             .options(joinedload(Lead.team)).order_by(Lead.created_at.desc(), Lead.id.desc()))
    projects = (select(Project).where(Project.enterprise_id == enterprise.id, Project.voided.is_(False))
                .options(joinedload(Project.team)).order_by(Project.signed_on.desc(), Project.id.desc()))
    return {name: db.session.scalars(query.limit(ACTIVITY_LIMIT)).all()
            for name, query in (("visits", visits), ("leads", leads), ("projects", projects))}


def merge_candidates(merged: Enterprise, q: str | None) -> Sequence[Enterprise]:
    """Enterprises `merged` may be merged into: its look-alikes, then those matching a search."""
    found = list(similar_enterprises(merged.name, excluding=merged.id))
    if q and q.strip():
        found += db.session.scalars(search_enterprises(q=q).where(Enterprise.id != merged.id).limit(20)).all()
    return list(dict.fromkeys(found))
