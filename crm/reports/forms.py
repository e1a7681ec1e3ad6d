"""The period a report is for, read from the query string (year, quarter, month, ytd, start, end)."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from ..domain.periods import Period, today
from ..web.forms import DayField, PeriodFilter, options
from ..web.i18n import lazy_gettext as _l


class ReportPeriodForm(PeriodFilter, FlaskForm):
    """Year, quarter, month, 1–N月累计 or a custom range; this year when nothing is chosen."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    year = IntegerField(_l("年份"), validators=[Optional(), NumberRange(2000, 2100)])
    quarter = SelectField(_l("季度"), coerce=int, default=0, choices=options(
        [(0, _l("全年")), *((q, _l("第%(q)s季度", q=q)) for q in range(1, 5))]))
    month = SelectField(_l("月份"), coerce=int, default=0, choices=options(
        [(0, _l("全部")), *((m, _l("%(m)s月", m=m)) for m in range(1, 13))]))
    ytd = BooleanField(_l("1至该月累计"))
    start = DayField(_l("起始日期"), validators=[Optional()])
    end = DayField(_l("截止日期"), validators=[Optional()])

    def __init__(self, formdata: Any) -> None:
        super().__init__(formdata)
        if not self.year.data and not self.year.raw_data:
            self.year.data = today().year

    def report_period(self) -> Period:
        """The period chosen; this year when the form names none (call after validate())."""
        return self.period() or Period.year(today().year)
