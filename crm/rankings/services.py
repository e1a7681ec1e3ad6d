"""Quarters frozen as published: a district's team ranking or the city's district ranking, stored once and read
back as it was. district_id None names the city's ranking of its districts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload

from ..core.audit import record
from ..domain.periods import LOCAL, Period
from ..domain.refused import Refused
from ..extensions import db
from ..models import RankingSnapshot
from ..reports.district_ranking import district_ranking
from ..reports.figures import Figures
from ..reports.scoring import ScoringRule
from ..reports.targets import time_progress
from ..reports.team_ranking import TeamRow, team_ranking
from ..web.i18n import gettext as _


class AlreadyFrozen(Refused):
    """The quarter has a frozen ranking already; it is published once."""

    def __init__(self, snapshot: RankingSnapshot) -> None:
        super().__init__(_("%(year)s年第%(quarter)s季度的排名已经冻结，不能再次冻结。",
                           year=snapshot.year, quarter=snapshot.quarter))
        self.snapshot = snapshot


class QuarterNotEnded(Refused):
    """The quarter is still running and freezing it was not confirmed."""

    def __init__(self) -> None:
        super().__init__(_("本季度尚未结束，冻结前请勾选确认"), "confirm")


@dataclass(frozen=True)
class FrozenRanking:
    """A snapshot as its page shows it: the stored rows and rule, never recomputed."""

    snapshot: RankingSnapshot
    period: Period
    rule: ScoringRule
    time_progress: Decimal
    rows: list[TeamRow]
    district: Figures


def quarter_of(period: Period) -> tuple[int, int] | None:
    """(year, quarter) when the period is exactly a quarter, else None."""
    if period.kind != "quarter":
        return None
    return period.start.year, (period.start.month + 2) // 3


def of_owner(district_id: int | None) -> ColumnElement[bool]:
    """The snapshots of a district's team ranking, or (None) of the city's district ranking."""
    column = RankingSnapshot.district_id
    return column.is_(None) if district_id is None else column == district_id


def snapshot_of(year: int, quarter: int, district_id: int | None) -> RankingSnapshot | None:
    return db.session.scalar(select(RankingSnapshot).where(RankingSnapshot.year == year,
                                                           RankingSnapshot.quarter == quarter, of_owner(district_id)))


def freeze_quarter(year: int, quarter: int, *, district_id: int | None, actor_id: int | None, today: date,
                   confirmed: bool = False) -> RankingSnapshot:
    """Compute the quarter's ranking now and store it as published; flushes, never commits."""
    existing = snapshot_of(year, quarter, district_id)
    if existing is not None:
        raise AlreadyFrozen(existing)
    period = Period.quarter(year, quarter)
    if period.end >= today and not confirmed:
        raise QuarterNotEnded()
    ranking = (district_ranking(period, today) if district_id is None
               else team_ranking(period, today, district_id=district_id))
    snapshot = RankingSnapshot(district_id=district_id, year=year, quarter=quarter,
                               period_start=period.start, period_end=period.end,
                               frozen_by_id=actor_id, settings=ranking.rule.as_dict(),
                               totals=ranking.district.as_dict(),
                               rows=[row.as_dict() for row in ranking.rows])
    db.session.add(snapshot)
    db.session.flush()
    record("freeze", user_id=actor_id, entity="RankingSnapshot", entity_id=snapshot.id,
           detail=f"{year}-Q{quarter}" + ("" if district_id is None else f" district {district_id}"))
    db.session.flush()
    return snapshot


def frozen_ranking(snapshot: RankingSnapshot) -> FrozenRanking:
    """Read a snapshot back: its rows as stored, and 时序进度 as of the day it was frozen."""
    period = Period.quarter(snapshot.year, snapshot.quarter)
    frozen_on = snapshot.frozen_at.astimezone(LOCAL).date()
    return FrozenRanking(snapshot=snapshot, period=period, rule=ScoringRule.from_dict(snapshot.settings),
                         time_progress=time_progress(period, frozen_on),
                         rows=[TeamRow.from_dict(row) for row in snapshot.rows],
                         district=Figures.from_dict(snapshot.totals))


def snapshots(district_id: int | None) -> list[RankingSnapshot]:
    """Every frozen quarter of a district's team ranking (None: of the city's district ranking), newest first."""
    return list(db.session.scalars(select(RankingSnapshot).options(joinedload(RankingSnapshot.frozen_by))
                                   .where(of_owner(district_id))
                                   .order_by(RankingSnapshot.year.desc(), RankingSnapshot.quarter.desc())))
