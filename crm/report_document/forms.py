"""The report's period, read from the query string: a month, a quarter, a year or a chosen range."""

from __future__ import annotations

from datetime import timedelta

from ..domain.periods import Period, today
from ..reports.forms import ReportPeriodForm
from ..web.forms import field_errors, typed
from ..web.i18n import gettext as _


def last_month() -> Period:
    """The month before this one: the 月报 usually wanted."""
    end = today().replace(day=1) - timedelta(days=1)
    return Period.month(end.year, end.month)


class ReportDocumentForm(ReportPeriodForm):
    """The dashboard's period choice (year, quarter, month, 1–N月累计, start–end); last month when none is chosen."""

    def chosen_period(self) -> Period | None:
        """The period asked for, last month when none is, or None when the query names none that can be."""
        if not self.validate():
            return None
        if not any(typed(field) for field in (self.year, self.quarter, self.month, self.start, self.end)):
            return last_month()
        try:
            return self.report_period()
        except ValueError:  # a period that cannot be (the form catches what it can name)
            return None

    def query(self, period: Period) -> dict[str, str]:
        """The query string that names the period again: the download link's."""
        if period.kind == "month":
            return {"year": str(period.start.year), "month": str(period.start.month)}
        if period.kind == "quarter":
            return {"year": str(period.start.year), "quarter": str((period.start.month + 2) // 3)}
        if period.kind == "year":
            return {"year": str(period.start.year)}
        if period.kind == "ytd":
            return {"year": str(period.start.year), "month": str(period.end.month), "ytd": "y"}
        return {"start": period.start.isoformat(), "end": period.end.isoformat()}

    def refusal(self) -> str:
        """Why the period was refused, in the reader's language."""
        return field_errors(self) or _("所选时段无效，请重新选择")
