"""The ranking's filter form as markup, rendered once for each state of it and reused by later requests.

Ten fields through their macros and widgets cost more than a page of rows, and most requests show one of a few
states (this year, a quarter, a team): kept, the ranking's page is 1.17× faster (scripts/bench_speed_layers.py,
district demo). The markup is a function of what the key below holds: the fields' names,
shown values, checked boxes, errors and option lists, the page it submits to, the language and where the app is
mounted; _period_form.html shows nothing else.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup
from wtforms import Field, SelectField

KEPT_STATES = 256  # forms kept per process, about 8 kB each; past that the oldest is dropped


def field_state(field: Field) -> tuple[Any, ...]:
    """What of a field its markup shows."""
    if isinstance(field, SelectField):
        shown: tuple[Any, ...] = (field.data, tuple((choice.value, str(choice.label)) for choice in field.choices))
    else:
        shown = (field._value(), field.data is True)
    return (field.name, *shown, tuple(str(error) for error in field.errors))


def filter_form(form: Any, endpoint: str) -> Markup:
    """rankings/_period_form.html for this form, rendered once per state."""
    key = (endpoint, str(get_locale()), request.script_root, tuple(field_state(field) for field in form))
    kept: dict[Any, Markup] = current_app.extensions.setdefault("ranking_filter_forms", {})
    markup = kept.get(key)
    if markup is None:
        markup = Markup(render_template("rankings/_period_form.html", form=form, endpoint=endpoint))
        if len(kept) >= KEPT_STATES:
            kept.pop(next(iter(kept)))
        kept[key] = markup
    return markup
