"""The analysis page's query: rows, columns, measure and the period, read from the query string."""

from __future__ import annotations

from typing import Any

from wtforms import SelectField

from ..reports.forms import ReportPeriodForm
from ..reports.pivot import BUCKETS, DIMENSIONS, MEASURES
from ..web.forms import options
from ..web.i18n import lazy_gettext as _l


class AnalysisForm(ReportPeriodForm):
    """What to count (measure), split by what (rows) and when (columns), over a period; the district only for the
    city, whose table holds every district's."""

    rows = SelectField(_l("行"), default="team", choices=options(DIMENSIONS.items()))
    cols = SelectField(_l("列"), default="month", choices=options(BUCKETS.items()))
    measure = SelectField(_l("指标"), default="signed",
                          choices=options((key, measure.label) for key, measure in MEASURES.items()))

    def __init__(self, formdata: Any, city: bool) -> None:
        super().__init__(formdata)
        if not city:
            self.rows.choices = [choice for choice in self.rows.choices if choice.value != "district"]
