"""The dispatch page's choices: the meeting's day, the last meeting's, how to group, and a leader's own."""

from datetime import date, timedelta
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, ValidationError
from wtforms.validators import Optional

from ..domain.periods import today
from ..web.forms import DayField, options
from ..web.i18n import lazy_gettext as _l

SINCE_DAYS = 14  # the last meeting, when not given: a fortnight before


class DispatchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    day = DayField(_l("会议日期"), validators=[Optional()])
    since = DayField(_l("上次调度会"), validators=[Optional()])
    by = SelectField(_l("分组"), choices=options([("chief", _l("按首席服务官")), ("unit", _l("按责任单位"))]),
                     default="chief")
    mine = BooleanField(_l("只看我包联的"))

    def validate_since(self, field: Any) -> None:
        if field.data and field.data >= self.meeting_day():
            raise ValidationError(_l("上次调度会须早于会议日期"))

    def meeting_day(self) -> date:
        return self.day.data or today()

    def last_meeting(self) -> date:
        return self.since.data or self.meeting_day() - timedelta(days=SINCE_DAYS)
