"""Dates and moments for demo records, all on or before the demo's today."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from ..domain.periods import LOCAL
from ..models import now_utc


def moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """Return a timezone-aware moment on a local day, never later than now."""
    return min(datetime.combine(day, time(hour, minute), LOCAL), now_utc())


def random_day(rng: random.Random, first: date, last: date) -> date:
    """Return a day between first and last, both included (first when the range is empty)."""
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


def later(day: date, days: int, limit: date) -> date | None:
    """Return day + days, or None when that is after limit (the demo's today)."""
    result = day + timedelta(days=days)
    return result if result <= limit else None


def walk(rng: random.Random, first: date, last: date, steps: int) -> list[datetime]:
    """Return increasing moments from first to last, one per step: a stage log's timestamps."""
    days = sorted(random_day(rng, first, last) for _ in range(steps - 2)) if steps > 2 else []
    days = ([first] + days + [last])[:steps] if steps > 1 else [first]
    # Hours grow with the step, so two moves on one day still come in order.
    moments = [moment(day, 9 + i, rng.randrange(60)) for i, day in enumerate(days)]
    for i in range(len(moments) - 1, 0, -1):  # moves today, clamped to now, are kept apart
        moments[i - 1] = min(moments[i - 1], moments[i] - timedelta(minutes=1))
    return moments
