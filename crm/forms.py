"""Form pieces every feature shares."""

from collections.abc import Iterable
from typing import Any

from flask import request
from wtforms import Field
from wtforms.fields import SelectChoice
from wtforms.validators import ValidationError

from .i18n import join_clauses, labelled
from .i18n import lazy_gettext as _l
from .periods import Period, period_from


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into select options.

    A lazy label stays lazy: options made once, when a form class is defined, are then shown in the language of
    each request that renders them (made into text here, they would stay in the language of the import).
    """
    return [SelectChoice(value, label) for value, label in pairs]


MAX_ID = 2**31 - 1  # the databases' integer: a larger number names no record, and would overflow a query


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

    def period(self) -> Period | None:
        """The period asked for, or None when the list is not limited to one."""
        if not (self.year.data or self.quarter.data or self.month.data or self.start.data):
            return None
        ytd = getattr(self, "ytd", None)
        return period_from(self.year.data, self.quarter.data or None, self.month.data or None,
                           self.start.data, self.end.data, ytd=bool(ytd is not None and ytd.data))
