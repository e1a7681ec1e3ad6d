"""Reporting periods: year, quarter, month, year-to-date and custom ranges, both ends included."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..web.i18n import gettext as _

LOCAL = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The present instant in the district's time zone; tests replace it to fix the day."""
    return datetime.now(LOCAL)


def today() -> date:
    """Today in the district's time zone."""
    return now().date()


def a_year_earlier(day: date) -> date:
    """The same date one year earlier; 29 February, which that year lacks, becomes the 28th."""
    return date(day.year - 1, day.month, min(day.day, calendar.monthrange(day.year - 1, day.month)[1]))


def last_of_month(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


@dataclass(frozen=True)
class Period:
    """A range of local dates, both ends included."""

    start: date
    end: date
    kind: str = "range"  # year, quarter, month, ytd, range, or last_year (同比 of another period)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), "year")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError("quarter must be 1–4")
        first = 3 * quarter - 2
        last_day = calendar.monthrange(year, first + 2)[1]
        return cls(date(year, first, 1), date(year, first + 2, last_day), "quarter")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise ValueError("month must be 1–12")
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month")

    @classmethod
    def year_to_month(cls, year: int, month: int) -> Period:
        """1–N月累计: from January to the end of month N."""
        end = cls.month(year, month).end
        return cls(date(year, 1, 1), end, "ytd")

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        return cls(start, end, "range")

    def same_period_last_year(self) -> Period:
        """The whole period one year earlier: the same dates, except that an end on a month's last day stays on
        that month's last day, so February 2025 stands against all of February 2024, 29th included."""
        end = self.end
        if last_of_month(end):
            end = date(end.year - 1, end.month, calendar.monthrange(end.year - 1, end.month)[1])
        else:
            end = a_year_earlier(end)
        return Period(a_year_earlier(self.start), end, "last_year")

    @property
    def label(self) -> str:
        """The period as people say it: 2026年, 2026年第1季度, 2026年1—5月累计…"""
        year = self.start.year
        if self.kind == "year":
            return _("%(year)s年", year=year)
        if self.kind == "quarter":
            return _("%(year)s年第%(quarter)s季度", year=year, quarter=(self.start.month + 2) // 3)
        if self.kind == "month":
            return _("%(year)s年%(month)s月", year=year, month=self.start.month)
        if self.kind == "ytd":
            return _("%(year)s年1—%(month)s月累计", year=year, month=self.end.month)
        if self.kind == "last_year":
            return _("上年同期（%(start)s至%(end)s）", start=self.start.isoformat(), end=self.end.isoformat())
        return _("%(start)s至%(end)s", start=self.start.isoformat(), end=self.end.isoformat())

    @property
    def described(self) -> str:
        """The period with its dates, as a page heads a list: 2026年第3季度（2026-07-01至2026-09-30）; a period
        whose name already is its dates (a custom range, last year's same period) is written once."""
        if self.kind not in ("year", "quarter", "month", "ytd"):
            return self.label
        return self.label + _("（%(start)s至%(end)s）", start=self.start.isoformat(), end=self.end.isoformat())


def period_from(year: int | None = None, quarter: int | None = None, month: int | None = None,
                start: date | None = None, end: date | None = None, ytd: bool = False) -> Period:
    """Build the period that query or command options describe; default: this year.

    With `ytd`, a month means January to that month (1–N月累计).
    """
    if start or end:
        if not (start and end):
            raise ValueError("a custom range needs both start and end")
        return Period.between(start, end)
    year = year or today().year
    if quarter:
        return Period.quarter(year, quarter)
    if month:
        return Period.year_to_month(year, month) if ytd else Period.month(year, month)
    return Period.year(year)
