"""同比: which days of last year a period's figures are set against, and the change in per cent.

A period that is over (today is its last day or later) stands against the whole of the same period a year
earlier. A period still running stands against the same days of last year up to today's date: on 6 December
2026 the year 2026 is compared with 2025-01-01 to 2025-12-06, not with all of 2025, whose December had not yet
happened this year; a quarter or month in progress likewise. A period not yet begun has no days to cut at and
stands against the whole of last year's. A day last year lacks (29 February) becomes the 28th; a whole period
ending on a month's last day ends on that month's last day last year (February 2025 against 1–29 February 2024).

The dashboard's cards and `flask summary --json` both take their 同比 from here.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..domain.periods import Period, a_year_earlier
from .figures import Figures, district_figures
from .targets import PERCENT


def compared_period(period: Period, today: date) -> Period:
    """上年同期: the days of last year the period is compared with, as of today."""
    if period.start <= today < period.end:
        return Period(a_year_earlier(period.start), a_year_earlier(today), "last_year")
    return period.same_period_last_year()


def change(value: int, before: int) -> Decimal | None:
    """同比 change in per cent, one decimal, halves away from zero; None when last year's figure was 0."""
    if not before:
        return None
    return (Decimal(100 * (value - before)) / Decimal(before)).quantize(PERCENT, ROUND_HALF_UP)


def comparison(period: Period, today: date, figures: Figures, district_id: int | None = None) -> dict[str, Any]:
    """A district's (or the city's) 同比 as plain data: the compared days, last year's figures over them, and the
    change of each figure in per cent (None where last year's was 0)."""
    compared = compared_period(period, today)
    before = district_figures(compared, district_id=district_id)
    changes = {name: change(value, before.as_dict()[name]) for name, value in figures.as_dict().items()}
    return {"period_start": compared.start.isoformat(), "period_end": compared.end.isoformat(),
            "figures": before.as_dict(),
            "change_percent": {name: None if value is None else str(value) for name, value in changes.items()}}
