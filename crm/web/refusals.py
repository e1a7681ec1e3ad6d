"""The one way a page shows a `Refused`: nothing of the request is kept, the form comes back with the reason, 422."""

from typing import Any

from flask import flash, render_template

from ..domain.refused import Refused
from ..extensions import db


def show_refusal(form: Any, error: Refused) -> None:
    """Put the reason beside the field it concerns, or above the form when it concerns no field of it."""
    if form is not None and error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "error")


def refused(error: Refused, template: str, form: Any = None, **context: Any) -> tuple[str, int]:
    """Undo the request's writes and render the form again with the reason, as a 422."""
    db.session.rollback()
    show_refusal(form, error)
    return render_template(template, form=form, **context), 422
