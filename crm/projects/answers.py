"""How the project page's forms answer: a change carried out and committed once, or refused on the page it came from.

The lifecycle, verification, evidence and service forms all post from the project's page (a few from the list
awaiting verification, saying `back=pending`) and go back to it.
"""

from collections.abc import Callable
from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from ..domain.refused import Refused
from ..extensions import db
from ..web.errors import render_error
from ..web.i18n import gettext as _
from ..web.refusals import refused
from .aftercare.panel import ItemConflict
from .lifecycle.panel import pending_page
from .records.page import project_page


def from_pending() -> bool:
    """Whether the form was posted from the list awaiting verification rather than the project's page."""
    return request.form.get("back") == "pending"


def refused_on_page(project_id: int, error: Refused) -> Response:
    """Nothing was saved: show the page the form came from again, with the reason, as a 422."""
    db.session.rollback()  # first: the page read again must not show any of the refused change
    if from_pending():
        return make_response(refused(error, "projects/pending.html", **pending_page()))
    return make_response(refused(error, "projects/detail.html", **project_page(project_id, current_user)))


def page_with_conflict(project_id: int, conflict: ItemConflict, message: str) -> Response:
    """The project's page again, as a 409, with an edit refused as stale shown at its item."""
    flash(message, "error")
    page = project_page(project_id, current_user, item_conflict=conflict)
    return make_response(render_template("projects/detail.html", **page), 409)


def page_stale(project_id: int, message: str) -> Response:
    """Nothing was saved, the record having changed meanwhile: the project's page as it now is, as a 409."""
    db.session.rollback()
    flash(message, "error")
    return make_response(render_template("projects/detail.html", **project_page(project_id, current_user)), 409)


def carry_out(project_id: int, form: Any, change: Callable[[], Any], done: str | Callable[[], str], *,
              anchor: str | None = None) -> Response:
    """Check the form (if any), make the change, commit once and go back to the page the form came from."""
    if form is not None and not form.validate_on_submit():
        return refused_on_page(project_id, Refused(form.problems()))
    try:
        change()
        db.session.commit()
    except Refused as error:
        return refused_on_page(project_id, error)
    except StaleDataError:
        db.session.rollback()
        return make_response(render_error(409))
    except IntegrityError:  # the database's own checks, should a rule ever miss a case
        return refused_on_page(project_id, Refused(_("保存未成功：日期或状态不符合规则，请核对后重试")))
    flash(done if isinstance(done, str) else done(), "success")
    if from_pending():
        return redirect(url_for("projects.pending"))
    return redirect(url_for("projects.detail", project_id=project_id, _anchor=anchor))

