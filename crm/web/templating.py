"""Filters and globals the templates use."""

from datetime import date

from flask import Flask, g
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.local import LocalProxy

from ..access.districts import DistrictNames, district_names
from ..access.rights import may
from ..domain.money import money_filter
from ..models import Role
from .forms import day_input
from .i18n import join_clauses, join_names


def register_template_helpers(app: Flask) -> None:
    """Make the money and date filters, the date boxes, the rights check and a CSRF-only form available to templates."""
    app.jinja_env.filters["money"] = money_filter
    app.jinja_env.filters["names"] = join_names  # 甲、乙 / "a, b"
    app.jinja_env.filters["clauses"] = join_clauses  # 甲；乙 / "a; b"
    app.jinja_env.filters["day"] = lambda d: d.isoformat() if isinstance(d, date) else "—"  # 2026-12-02 in any language
    app.jinja_env.globals["day_input"] = day_input  # a date box a template writes out itself

    @app.context_processor
    def inject() -> dict:
        city = current_user.is_authenticated and current_user.role is Role.CITY
        return {"may": lambda right: may(current_user, right),
                "is_city": city,
                # The city reads every district: its lists say whose each record is, in a 区县 column (None: no column).
                "district_column": LocalProxy(districts_of_the_page) if city else None,
                "csrf_form": FlaskForm(formdata=None),
                "languages": app.config["LANGUAGES"],
                "locale": str(get_locale())}


def districts_of_the_page() -> DistrictNames | None:
    """The city's 区县 column, read once per request and only when a template asks for it (the account page, an
    error page or the dashboard's cards read nothing)."""
    if "district_names" not in g:
        g.district_names = district_names()
    return g.district_names
