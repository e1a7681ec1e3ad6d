"""The rules of a project's tranches (到资): who enters, verifies and removes one, and what a tranche may hold.

The team enters a tranche as it enters a visit; the office verifies it as it verifies a signing (认定), and only
then does it count (crm/reports/funds.py). A verified tranche is the office's: only the office removes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from ...access.rights import may
from ...core import audit
from ...domain.refused import Refused
from ...extensions import db
from ...models import FundKind, FundSource, FundsTranche, Project, User, now_utc
from ...web.i18n import gettext as _
from ..lifecycle.verification import store_document


@dataclass(frozen=True)
class TrancheInput:
    """A tranche as typed: the day, the amount in yuan (and the foreign amount at its rate), source and use."""

    received_on: date
    amount_yuan: int
    source: FundSource
    kind: FundKind
    currency: str = "CNY"
    original_amount: int | None = None
    fx_rate: Decimal | None = None
    note: str | None = None


def check_tranche(project: Project, entry: TrancheInput, today: date) -> None:
    """Refuse a tranche the project cannot have: money before the signing, in the future, or of nothing."""
    if entry.amount_yuan <= 0:
        raise Refused(_("到资金额须大于0"), "amount")
    if entry.received_on < project.signed_on:
        raise Refused(_("到资日期不能早于签约日期（%(day)s）", day=project.signed_on.isoformat()), "received_on")
    if entry.received_on > today:
        raise Refused(_("到资日期不能晚于今天"), "received_on")
    if project.voided:
        raise Refused(_("项目已作废，不能登记到资"))


def add_tranche(project: Project, entry: TrancheInput, *, actor: User, today: date,
                receipt: tuple[BinaryIO, str | None] | None = None) -> FundsTranche:
    """Enter a tranche for the project (the caller has checked the actor may edit it), with its receipt if given."""
    check_tranche(project, entry, today)
    document = store_document(project, receipt[0], receipt[1], "receipt", actor=actor) if receipt else None
    tranche = FundsTranche(project=project, received_on=entry.received_on, amount_yuan=entry.amount_yuan,
                           currency=entry.currency, original_amount=entry.original_amount, fx_rate=entry.fx_rate,
                           source=entry.source, kind=entry.kind, note=(entry.note or "").strip() or None,
                           document=document, created_by_id=actor.id)
    db.session.add(tranche)
    db.session.flush()
    return tranche


def verify_tranche(tranche: FundsTranche, *, actor: User) -> FundsTranche:
    """Verify a tranche (the office's), so that it counts."""
    if not may(actor, "projects.verify"):
        raise Refused(_("只有管理员可以核实到资"))
    if tranche.verified:
        raise Refused(_("这笔到资已核实"))
    tranche.verified, tranche.verified_at, tranche.verified_by_id = True, now_utc(), actor.id
    db.session.flush()
    return tranche


def remove_tranche(tranche: FundsTranche, *, actor: User, reason: str | None) -> None:
    """Remove a tranche entered in error: the team's while unverified, the office's always, with a reason."""
    if tranche.verified and not may(actor, "projects.verify"):
        raise Refused(_("已核实的到资只有管理员可以删除"))
    reason = (reason or "").strip()
    if tranche.verified and not reason:
        raise Refused(_("删除已核实的到资须填写原因"))
    audit.record(action="funds_removed", user_id=actor.id, entity="Project", entity_id=tranche.project_id,
                 detail=reason or None)
    db.session.delete(tranche)
    db.session.flush()
