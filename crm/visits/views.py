"""Visit pages: the team's list, one visit, editing and deleting (logging one is in new_visit.py)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..access.changes import editable_or_404, may_change_visit
from ..access.rights import requires
from ..access.visibility import team_filter, team_scoped_or_404
from ..core.stale_edits import StaleEdit, beside_stored
from ..domain.refused import Refused
from ..extensions import db
from ..leads.conversions import visit_links
from ..models import User, Visit
from ..web.forms import form_status
from ..web.i18n import gettext as _
from ..web.pagination import link_args, paginate
from ..web.refusals import refused
from . import photos, services
from .forms import VisitFilterForm, VisitForm


@requires("visits.view")
def index():
    """The visits of the teams the viewer may see, with filters."""
    filters = VisitFilterForm(request.args, current_user)
    query = (select(Visit).join(Visit.enterprise).where(team_filter(current_user, Visit.team_id))
             .options(selectinload(Visit.enterprise), selectinload(Visit.team), selectinload(Visit.created_by))
             .order_by(Visit.visited_on.desc(), Visit.id.desc()))
    if filters.validate():
        query = services.filter_visits(query, filters.data)
    page = paginate(query)
    args = link_args()
    return render_template("visits/index.html", page=page, filters=filters, args=args)


@requires("visits.view")
def detail(visit_id: int):
    """One visit with its photos."""
    visit = team_scoped_or_404(Visit, visit_id, current_user)
    return render_template("visits/detail.html", visit=visit, may_change=may_change_visit(current_user, visit),
                           links=visit_links(current_user, visit))


@requires("visits.edit")
def edit(visit_id: int):
    """Change a visit (its author, the team's lead, or an admin)."""
    visit = editable_or_404(Visit, visit_id, current_user,
                            refusal=_("只有记录人、专班负责人或管理员可以修改这条拜访记录"))
    form = visit_form(visit)
    if not form.validate_on_submit():
        return render_template("visits/edit.html", form=form, visit=visit), form_status()
    try:
        services.update_visit(visit, current_user, form.payload(), version=form.sent_version())
        photos.save_photos(visit, form.uploads(), actor=current_user)
        db.session.commit()
    except (StaleEdit, StaleDataError):
        db.session.rollback()
        conflict = stale_conflict(form, visit_id)
        return render_template("visits/edit.html", form=form, visit=visit, conflict=conflict), 409
    except Refused as error:
        return refused(error, "visits/edit.html", form, visit=visit)
    flash(_("已保存"), "success")
    return redirect(url_for("visits.detail", visit_id=visit.id))


def visit_form(visit: Visit) -> VisitForm:
    """The form editing a visit: its stored values at first, then what was sent."""
    form = VisitForm(team_id=visit.team_id, guests=guests(visit), visit=visit)
    if request.method == "GET":
        show_stored(form, visit)
    form.uuid.data = visit.uuid
    return form


def show_stored(form: VisitForm, visit: Visit) -> None:
    """The fields the form does not read from the visit itself."""
    form.enterprise_name.data = visit.enterprise.name
    form.participant_ids.data = [u.id for u in visit.participants]
    form.trip_id.data, form.lead_id.data = visit.trip_id or 0, visit.lead_id or 0


def stale_conflict(typed: VisitForm, visit_id: int) -> list[tuple[str, str, str]]:
    """What is stored now beside what the user typed; the form keeps what they typed, at the stored version."""
    visit = team_scoped_or_404(Visit, visit_id, current_user)
    stored = VisitForm(formdata=None, team_id=visit.team_id, guests=guests(visit), visit=visit)
    show_stored(stored, visit)
    stored.enterprise_id.data, stored.photos.data = typed.enterprise_id.data, typed.photos.data  # not shown as values
    return beside_stored(typed, stored, visit.version)


def guests(visit: Visit) -> list[User]:
    """Who may be a participant besides the team's members: those on the visit already, and the editor."""
    return [user for user in [*visit.participants, current_user] if user.team_id != visit.team_id]


@requires("visits.edit")
def delete(visit_id: int):
    """Delete a visit (its author, the team's lead, or an admin)."""
    visit = editable_or_404(Visit, visit_id, current_user,
                            refusal=_("只有记录人、专班负责人或管理员可以删除这条拜访记录"))
    gone = list(visit.photos)
    services.delete_visit(visit)
    db.session.commit()
    photos.remove_photo_files(gone)
    flash(_("拜访记录已删除"), "success")
    return redirect(url_for("visits.index"))

