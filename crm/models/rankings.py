"""How teams are scored each year, and the quarterly rankings as they were published."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import User
from .types import UTCDateTime, now_utc


class RankingSettings(db.Model):
    """One year's scoring rule for the team ranking (专班排名): weights, normalisation, deductions."""

    __table_args__ = (
        CheckConstraint("normalisation IN ('best', 'target')", name="known_normalisation"),
        CheckConstraint("overdue_deduction >= 0", name="deduction_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    weights: Mapped[dict[str, int]] = mapped_column(JSON)  # TargetMetric value → points
    normalisation: Mapped[str] = mapped_column(String(10), default="best")
    deduct_overdue: Mapped[bool] = mapped_column(default=False)  # 超时限未开工 takes points off
    overdue_deduction: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("2"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class RankingSnapshot(db.Model):
    """A quarter's team ranking frozen as published: later edits to the records do not change it."""

    __table_args__ = (
        UniqueConstraint("year", "quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_in_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    quarter: Mapped[int]
    period_start: Mapped[date]
    period_end: Mapped[date]
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)  # the scoring rule used
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # the ranking's rows, as shown
    totals: Mapped[dict[str, int]] = mapped_column(JSON)  # the district's figures: the totals row

    frozen_by: Mapped[User | None] = relationship()
