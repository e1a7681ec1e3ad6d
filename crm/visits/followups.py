"""我的待办 and the photos of a visit."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..access.rights import requires
from ..access.visibility import team_scoped_or_404
from ..domain.periods import today
from ..extensions import db
from ..models import Visit, VisitPhoto
from ..web.i18n import gettext as _
from . import photos, services


@requires("followups.view")
def follow_ups():
    """我的待办: the signed-in user's follow-ups due today or earlier."""
    visits, leads = services.due_follow_ups(current_user, today())
    return render_template("visits/follow_ups.html", visits=visits, leads=leads, today=today())


@requires("visits.edit")
def follow_up_done(visit_id: int):
    """Mark a visit's follow-up as done."""
    visit = team_scoped_or_404(Visit, visit_id, current_user)
    if not services.may_clear_follow_up(current_user, visit):
        abort(403)
    services.clear_follow_up(visit)
    db.session.commit()
    flash(_("已完成跟进"), "success")
    if request.form.get("back") == "visit":
        return redirect(url_for("visits.detail", visit_id=visit.id))
    return redirect(url_for("visits.follow_ups"))


@requires("visits.view")
def photo(visit_id: int, photo_id: int):
    """Send a photo to those who may see its visit."""
    visit = team_scoped_or_404(Visit, visit_id, current_user)
    record = db.session.get(VisitPhoto, photo_id)
    if record is None or record.visit_id != visit.id:
        abort(404)
    path = photos.photo_path(record)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=record.content_type, max_age=0, conditional=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response
