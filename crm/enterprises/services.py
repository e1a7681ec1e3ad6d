"""Rules for enterprises: creation with duplicate checks, lookup by name."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from ..credit_code import is_valid_credit_code, normalize_credit_code
from ..extensions import db
from ..models import Enterprise, User
from .names import normalise_name


class DuplicateCreditCode(ValueError):
    """Another enterprise already has this 统一社会信用代码."""

    def __init__(self, existing: Enterprise) -> None:
        super().__init__(existing.credit_code)
        self.existing = existing


class InvalidCreditCode(ValueError):
    """The code fails the GB 32100-2015 check."""


def current(enterprise: Enterprise) -> Enterprise:
    """Follow merges to the enterprise that is kept."""
    seen = set()
    while enterprise.merged_into_id is not None and enterprise.id not in seen:
        seen.add(enterprise.id)
        enterprise = db.session.get(Enterprise, enterprise.merged_into_id)
    return enterprise


def by_credit_code(code: str, *, excluding: int | None = None) -> Enterprise | None:
    """The enterprise holding a credit code, if any."""
    query = select(Enterprise).where(Enterprise.credit_code == code)
    if excluding is not None:
        query = query.where(Enterprise.id != excluding)
    return db.session.scalar(query)


def similar_enterprises(name: str, *, excluding: int | None = None) -> Sequence[Enterprise]:
    """Enterprises (not merged away) whose name normalises to the same key."""
    query = (select(Enterprise).where(Enterprise.name_key == normalise_name(name), Enterprise.merged_into_id.is_(None))
             .order_by(Enterprise.id))
    if excluding is not None:
        query = query.where(Enterprise.id != excluding)
    return db.session.scalars(query).all()


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
    enterprise = Enterprise(name=name.strip(), name_key=normalise_name(name), credit_code=code,
                            created_by_id=actor.id if actor else None, **fields)
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


def find_or_create_by_name(name: str, *, actor: User | None) -> Enterprise:
    """The enterprise a typed name means: the oldest with the same key, else a new one.

    Used when a visit is logged offline with a name typed instead of one picked from the list.
    """
    matches = similar_enterprises(name)
    if matches:
        return matches[0]
    return create_enterprise(actor=actor, name=name)
