"""Which enterprise an id, a typed name and a credit code mean: the one answer for forms, the API and imports.

The rule (`resolve_enterprise`, and `choose` for the import's prefetched rows):
1. the enterprise picked by id, when no name is typed or the typed name reads as its name (`normalise_name`):
   a form whose chosen id and typed name disagree means the name, not the id;
2. else the enterprise holding the credit code, when one is given;
3. else the oldest enterprise (not merged away) whose name reads the same, unless it holds another credit code;
4. else none: the caller creates one (`services.find_or_create`) or says so.
Merged-away enterprises lead to the one they were merged into. Every read stays inside the user's district.
"""

from collections.abc import Sequence
from typing import Protocol, TypeVar

from sqlalchemy import select

from ..domain.credit_code import normalize_credit_code
from ..extensions import db
from ..models import Enterprise
from ..web.forms import MAX_ID
from .names import normalise_name


class Coded(Protocol):
    credit_code: str | None


T = TypeVar("T", bound=Coded)


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
    """Enterprises (not merged away) whose name normalises to the same key, oldest first."""
    query = (select(Enterprise).where(Enterprise.name_key == normalise_name(name), Enterprise.merged_into_id.is_(None))
             .order_by(Enterprise.id))
    if excluding is not None:
        query = query.where(Enterprise.id != excluding)
    return db.session.scalars(query).all()


def names_agree(typed: str | None, enterprise: Enterprise) -> bool:
    """Whether a typed name is blank or reads as the enterprise's name (or that of the one it was merged into)."""
    if not (typed or "").strip():
        return True
    key = normalise_name(typed)
    return key in (normalise_name(enterprise.name), normalise_name(current(enterprise).name))


def choose(by_code: T | None, by_name: T | None, code: str | None) -> T | None:
    """Steps 2 and 3 of the rule, on what was found by the code and by the name (records or prefetched rows)."""
    if by_code is not None:
        return by_code
    if by_name is not None and (not code or by_name.credit_code in (None, code)):
        return by_name
    return None


def resolve_enterprise(name: str | None, enterprise_id: int | None = None, *,
                       credit_code: str | None = None) -> Enterprise | None:
    """The enterprise on file an id, a typed name and a credit code mean, by the rule above; None when none."""
    chosen = db.session.get(Enterprise, enterprise_id) if enterprise_id and 0 < enterprise_id <= MAX_ID else None
    if chosen is not None and names_agree(name, chosen):
        return current(chosen)
    code = normalize_credit_code(credit_code) if credit_code and credit_code.strip() else None
    held = by_credit_code(code) if code else None
    matches = similar_enterprises(name) if (name or "").strip() else ()
    return choose(current(held) if held is not None else None, matches[0] if matches else None, code)
