"""The audit administrator's pages: the district's audit trail, filtered, and its export. Each reading is audited."""

from __future__ import annotations

import json

from flask import Response, abort, render_template, request
from flask_login import current_user

from ..access.rights import requires
from ..core.audit import record
from ..core.database import written_apart
from ..exports.catalogue import FORMATS
from ..exports.downloads import attachment
from ..extensions import db
from ..web.pagination import link_args, paginate_rows
from .export import export_detail, local_text, trail_export, written_trail
from .filters import ACTIONS, TrailFilterForm
from .queries import trail_query


def note_reading(action: str, detail: str) -> None:
    """Write in the trail that it was read (or exported), in a transaction of its own."""
    user_id = current_user.id
    with written_apart(db.session):
        record(action, user_id=user_id, address=request.remote_addr, detail=detail)


@requires("audit.view")
def index():
    """List the district's events, newest first, by who, what, when, which record and result."""
    form = TrailFilterForm(request.args)
    if not form.validate():
        return render_template("audit_trail/index.html", form=form, page=None, actions=ACTIONS), 400
    criteria = form.criteria()
    page = paginate_rows(trail_query(criteria))
    note_reading("audit_view", json.dumps({"filters": criteria.as_dict(), "page": page.page}, ensure_ascii=False,
                                          sort_keys=True))
    return render_template("audit_trail/index.html", form=form, page=page, actions=ACTIONS, when=local_text,
                           query=link_args())


@requires("audit.view")
def export(ext: str):
    """Download the filtered events as .xlsx or .csv; the audit row notes the events the file holds."""
    if ext not in FORMATS:
        abort(404)
    form = TrailFilterForm(request.args)
    if not form.validate():
        return render_template("audit_trail/index.html", form=form, page=None, actions=ACTIONS), 400
    trail = trail_export(form.criteria())
    content, rows = written_trail(trail, ext)
    note_reading("export", export_detail(trail, ext, rows))
    response = Response(content, mimetype=FORMATS[ext])
    response.headers["Content-Disposition"] = attachment(f"{trail.filename}.{ext}", f"audit.{ext}")
    response.headers["Cache-Control"] = "private, no-store"
    return response
