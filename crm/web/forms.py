"""Form pieces every feature shares."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import request
from markupsafe import Markup
from wtforms import DateField, Field
from wtforms.fields import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import html_params

from ..domain.days import parse_day
from ..domain.periods import Period, period_from
from .i18n import join_clauses, labelled
from .i18n import lazy_gettext as _l
from .routing import MAX_ID


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into select options.

    A lazy label stays lazy: options made once, when a form class is defined, are then shown in the language of
    each request that renders them (made into text here, they would stay in the language of the import).
    """
    return [SelectChoice(value, label) for value, label in pairs]




def id_arg(name: str, args: Any = None) -> int | None:
    """A record's id from the query string (or the arguments given), or None when the value cannot be one."""
    value = (request.args if args is None else args).get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def field_errors(form: Any) -> str:
    """Every refused field of a form as one line: 年份：…；月份：… (Year: …; Month: … in English)."""
    return join_clauses(labelled(field.label.text, error) for field in form for error in field.errors)


def form_status() -> int:
    """The status of a form page: 200 when first shown, 422 when a submission was refused."""
    return 422 if request.method == "POST" else 200


def typed(field: Field) -> bool:
    """Whether anything was typed into a field, valid or not."""
    return bool(field.raw_data and field.raw_data[0])


class PeriodFilter:
    """For a filter form with year, quarter, month, start and end fields: their checks and the period they name."""

    def validate_start(self, field: Field) -> None:
        if field.data and not typed(self.end):
            raise ValidationError(_l("自定义时段须同时填写起始和截止日期"))

    def validate_end(self, field: Field) -> None:
        if field.data and not typed(self.start):
            raise ValidationError(_l("自定义时段须同时填写起始和截止日期"))
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("截止日期不能早于起始日期"))

    def validate_quarter(self, field: Field) -> None:
        if field.data and self.month.data:
            raise ValidationError(_l("季度和月份只能选一个"))

    def validate_ytd(self, field: Field) -> None:  # a form without a `ytd` field never calls it
        if field.data and not self.month.data:
            raise ValidationError(_l("累计须选择截止月份"))

    def period(self) -> Period | None:
        """The period asked for, or None when the list is not limited to one."""
        if not (self.year.data or self.quarter.data or self.month.data or self.start.data):
            return None
        ytd = getattr(self, "ytd", None)
        return period_from(self.year.data, self.quarter.data or None, self.month.data or None,
                           self.start.data, self.end.data, ytd=bool(ytd is not None and ytd.data))


class DistrictFilter:
    """For a filter form with a `district` field (a SelectField, coerce=int, default 0): the city, which reads
    every district, narrows a list to one with it (`?district=<id>`, the page and its export alike); a district's
    user reads their own district only, so for them the field goes."""

    def offer_districts(self, listed: Iterable[tuple[Any, Any]] | None) -> None:
        """Offer these districts ((id, name) pairs); None when the reader is one district's."""
        if listed is None:
            del self.district  # type: ignore[attr-defined]
        else:
            self.district.choices = options(listed)  # type: ignore[attr-defined]

    def chosen_district(self) -> int | None:
        """The district the city chose; None for every district, or when the reader is one district's."""
        field = getattr(self, "district", None)
        return (field.data or None) if field is not None else None


# A date is typed and shown as YYYY-MM-DD, whatever the browser's language: an <input type="date"> is drawn in the
# browser's own (12/02/2026 in an American one), so the box is a text input, and crm/static/js/date-input.js adds a
# button that opens the browser's calendar beside it.
DAY_ATTRIBUTES = {"type": "text", "inputmode": "numeric", "pattern": r"\d{4}-\d{2}-\d{2}", "placeholder": "YYYY-MM-DD",
                  "autocomplete": "off", "data_day_input": True}
def day_input(name: str, value: date | str | None = None, **attributes: Any) -> Markup:
    """The box for one date, for a form a template writes out; min and max go to the calendar (data-min, data-max)."""
    for bound in ("min", "max"):
        limit = attributes.pop(bound, None)
        if limit is not None:
            attributes[f"data_{bound}"] = limit.isoformat() if isinstance(limit, date) else limit
    shown = value.isoformat() if isinstance(value, date) else value or ""
    return Markup(f"<input {html_params(**(DAY_ATTRIBUTES | attributes), name=name, value=shown)}>")


class DayInput:
    """The widget of a DayField: the same box, for a field of a form."""

    def __call__(self, field: Field, **attributes: Any) -> Markup:
        attributes.setdefault("id", field.id)
        if field.flags.required:
            attributes.setdefault("required", True)
        return day_input(field.name, field._value(), **attributes)


class DayField(DateField):
    """A date typed as YYYY-MM-DD (or as parse_day reads it), refused with a message in the user's language."""

    widget = DayInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("invalid_value_message", _l("请按 YYYY-MM-DD 填写有效的日期"))
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.data = parse_day(str(valuelist[0]))
        if self.data is None:
            raise ValueError(self.invalid_value_message)
