"""Visit pages: the phone form, the team's list, one visit, editing."""

import uuid

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from ..access.reasons import NotAllowed
from ..access.rights import requires
from ..access.visibility import sees_all, team_filter, team_scoped_or_404
from ..core.stale_edits import StaleEdit, differences
from ..extensions import db
from ..models import Team, User, Visit
from ..web.forms import form_status, options
from ..web.i18n import gettext as _
from ..web.pagination import link_args, paginate
from . import chooser, photos, services
from .forms import VisitFilterForm, VisitForm


def uploads(form: VisitForm) -> list[FileStorage]:
    # A submission without the photos field leaves the visit's stored photos in the field: only uploads count.
    return [upload for upload in form.photos.data or [] if isinstance(upload, FileStorage) and upload.filename]


def save_photos(visit: Visit, form: VisitForm) -> None:
    """Store the form's photos; each file stays only if the request's transaction commits (crm/uploads.py)."""
    for upload in uploads(form):
        photos.add_photo(visit, upload.stream, upload.filename, actor=current_user)


def refused(form: VisitForm, template: str, error: Exception, **context):
    """Show the form again with the reason a rule refused it."""
    db.session.rollback()
    field = getattr(error, "field", None)
    message = getattr(error, "message", None) or str(error)
    if field and field in form:
        form[field].errors = [*form[field].errors, message]
    else:
        flash(message, "error")
    return render_template(template, form=form, **context), 422


@requires("visits.log")
def new():
    """Log a visit: the form a team member fills in on a phone; a leader or the office first choose the team."""
    # The team chosen last stays chosen: the page a phone keeps for offline use (/visits/new) is then its form.
    team = chooser.offered_team(current_user, asked_team_id() or session.get("visit_team_id"))
    teams = chooser.choosable_teams(current_user) if chooser.chooses_team(current_user) else None
    if teams is not None and team is not None:
        session["visit_team_id"] = team.id
    if team is None:  # a leader or the office, with no team chosen yet (or one they may not choose)
        if request.method == "POST":
            flash(_("请选择为哪个专班登记这次拜访"), "error")
        return render_template("visits/new.html", form=None, team=None, teams=teams), form_status()
    guests = [current_user] if current_user.team_id != team.id else []
    form = VisitForm(team_id=team.id, guests=guests)
    if request.method == "GET":
        form.uuid.data = str(uuid.uuid4())
        form.participant_ids.data = [current_user.id]
        trip = chooser.headed_trip(current_user)
        form.trip_id.data = trip.id if trip is not None and trip.team_id == team.id else 0
    form.team_id.data = str(team.id)
    context = {"team": team, "teams": teams}
    if not form.validate_on_submit():
        return render_template("visits/new.html", form=form, **context), form_status()
    try:
        logged = services.log_visit(current_user, form.payload())
        if logged.created:  # a form sent again adds no second copy of its photos to the visit saved the first time
            save_photos(logged.visit, form)
    except (services.VisitRefused, photos.PhotoRefused) as error:
        return refused(form, "visits/new.html", error, **context)
    db.session.commit()
    for lead in logged.rivals:
        flash(_("注意撞单：%(team)s 正在跟进该企业（%(title)s）", team=lead.team.name, title=lead.title), "info")
    flash(_("拜访已保存") if logged.created else _("这条拜访此前已保存"), "success")
    if not logged.created and uploads(form):
        flash(_("本次提交的照片没有重复保存；如需补充照片，请在拜访记录中编辑"), "info")
    return redirect(url_for("visits.new", team=team.id if teams is not None else None))


def asked_team_id() -> int | None:
    """The team named by the form posted (team_id) or by the link (?team=)."""
    value = (request.form.get("team_id") if request.method == "POST" else request.args.get("team")) or ""
    return int(value) if value.strip().isdecimal() and len(value.strip()) < 10 else None


@requires("visits.view")
def index():
    """The visits of the teams the viewer may see, with filters."""
    filters = VisitFilterForm(request.args)
    teams = db.session.scalars(select(Team).order_by(Team.name)).all() if sees_all(current_user) else []
    filters.team_id.choices = options([(0, _("全部专班"))] + [(t.id, t.name) for t in teams])
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
    return render_template("visits/detail.html", visit=visit, may_change=services.may_change(current_user, visit))


@requires("visits.edit")
def edit(visit_id: int):
    """Change a visit (its author, the team's lead, or an admin)."""
    visit = team_scoped_or_404(Visit, visit_id, current_user)
    if not services.may_change(current_user, visit):
        raise NotAllowed(_("只有记录人、专班负责人或管理员可以修改这条拜访记录"))
    form = VisitForm(team_id=visit.team_id, guests=guests(visit), visit=visit)
    if request.method == "GET":
        show_stored(form, visit)
    form.uuid.data = visit.uuid
    if not form.validate_on_submit():
        return render_template("visits/edit.html", form=form, visit=visit), form_status()
    try:
        services.update_visit(visit, current_user, form.payload(), version=form.sent_version())
        save_photos(visit, form)
        db.session.commit()
    except (StaleEdit, StaleDataError):
        db.session.rollback()
        conflict = stale_conflict(form, visit_id)
        return render_template("visits/edit.html", form=form, visit=visit, conflict=conflict), 409
    except (services.VisitRefused, photos.PhotoRefused) as error:
        return refused(form, "visits/edit.html", error, visit=visit)
    flash(_("已保存"), "success")
    return redirect(url_for("visits.detail", visit_id=visit.id))


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
    typed.version.data = str(visit.version)  # saving again now is a choice made having seen the newer values
    return differences(stored, typed)


def guests(visit: Visit) -> list[User]:
    """Who may be a participant besides the team's members: those on the visit already, and the editor."""
    return [user for user in [*visit.participants, current_user] if user.team_id != visit.team_id]


@requires("visits.edit")
def delete(visit_id: int):
    """Delete a visit (its author, the team's lead, or an admin)."""
    visit = team_scoped_or_404(Visit, visit_id, current_user)
    gone = list(visit.photos)
    try:
        services.delete_visit(visit, current_user)
    except services.NotYours:
        raise NotAllowed(_("只有记录人、专班负责人或管理员可以删除这条拜访记录")) from None
    db.session.commit()
    photos.remove_photo_files(gone)
    flash(_("拜访记录已删除"), "success")
    return redirect(url_for("visits.index"))

