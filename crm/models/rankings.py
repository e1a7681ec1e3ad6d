"""How teams (and the city's districts) are scored each year, and the quarterly rankings as published.

A row with a district belongs to that district's team ranking (专班排名); a row without one is the city's
(市招商局) ranking of its districts (市级拉练排名).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import User
from .types import UTCDateTime, now_utc


class RankingSettings(db.Model):
    """One year's scoring rule of a district's team ranking, or of the city's district ranking."""

    __table_args__ = (
        CheckConstraint("normalisation IN ('best', 'target')", name="known_normalisation"),
        CheckConstraint("overdue_deduction >= 0", name="deduction_not_negative"),
        UniqueConstraint("district_id", "year"),
        # NULLs never clash in a unique constraint: the city's one rule a year needs an index of its own
        Index("uq_ranking_settings_city_year", "year", unique=True, sqlite_where=text("district_id IS NULL"),
              postgresql_where=text("district_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))  # None: the city's rule
    year: Mapped[int]
    weights: Mapped[dict[str, int]] = mapped_column(JSON)  # TargetMetric value → points
    normalisation: Mapped[str] = mapped_column(String(10), default="best")
    deduct_overdue: Mapped[bool] = mapped_column(default=False)  # 超时限未开工 takes points off
    overdue_deduction: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("2"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)  # an edit made from an older version is refused

    __mapper_args__ = {"version_id_col": version}


class RankingSnapshot(db.Model):
    """A quarter's ranking frozen as published: later edits to the records do not change it."""

    __table_args__ = (
        UniqueConstraint("district_id", "year", "quarter"),
        Index("uq_ranking_snapshot_city_quarter", "year", "quarter", unique=True,
              sqlite_where=text("district_id IS NULL"), postgresql_where=text("district_id IS NULL")),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_in_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))  # None: the city's district ranking
    year: Mapped[int]
    quarter: Mapped[int]
    period_start: Mapped[date]
    period_end: Mapped[date]
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    frozen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)  # the scoring rule used
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # the ranking's rows, as shown
    totals: Mapped[dict[str, int]] = mapped_column(JSON)  # the district's (or city's) figures: the totals row

    frozen_by: Mapped[User | None] = relationship()
