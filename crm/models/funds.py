"""Funds actually in place (实际到位资金) for a signed project: dated tranches, verified by the office."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import FundKind, FundSource
from .types import UTCDateTime, choice_type, now_utc

if TYPE_CHECKING:
    from .people import User
    from .projects import Project, ProjectDocument


class FundsTranche(db.Model):
    """One arrival of money for a project (到资): its day, amount in yuan, source and use, and the bank receipt.

    Only a verified tranche of a counted project enters the figures (crm/reports/funds.py).
    """

    __tablename__ = "funds_tranche"
    __table_args__ = (
        CheckConstraint("amount_yuan > 0", name="amount_positive"),
        CheckConstraint("original_amount > 0 AND fx_rate > 0", name="foreign_amount_positive"),
        CheckConstraint("currency = 'CNY' OR (original_amount IS NOT NULL AND fx_rate IS NOT NULL)",
                        name="foreign_amount_has_rate"),
        # The roll-ups: a period's verified money, by day, with the project to join its team.
        Index("ix_funds_tranche_verified_day", "verified", "received_on", "project_id", "amount_yuan", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    received_on: Mapped[date]
    amount_yuan: Mapped[int] = mapped_column(BigInteger)  # CNY, exact: what the figures sum
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    original_amount: Mapped[int | None] = mapped_column(BigInteger)  # whole units of `currency`
    fx_rate: Mapped[Decimal | None] = mapped_column(Numeric(14, 6))  # yuan per unit of `currency`
    source: Mapped[FundSource] = mapped_column(choice_type(FundSource, "fund_source"))
    kind: Mapped[FundKind] = mapped_column(choice_type(FundKind, "fund_kind"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("project_document.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    verified: Mapped[bool] = mapped_column(default=False)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    project: Mapped[Project] = relationship(back_populates="tranches")
    document: Mapped[ProjectDocument | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
