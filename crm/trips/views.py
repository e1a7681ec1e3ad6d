"""Trips (外出招商): the list, a trip with its visits, recording, changing and deleting trips."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..access.changes import editable_or_404, may_change
from ..access.rights import requires
from ..access.visibility import may_edit_team, sees_all, team_scoped_or_404
from ..core.stale_edits import StaleEdit, beside_stored
from ..domain.refused import Refused
from ..extensions import db
from ..models import Role, Team, Trip
from ..web.forms import form_status
from ..web.i18n import gettext as _
from ..web.pagination import link_args, paginate
from ..web.refusals import refused, show_refusal
from . import services
from .forms import TripFilterForm, TripForm


@requires("trips.view")
def index():
    """List the trips the viewer may see, filtered by team, period and destination."""
    form = TripFilterForm(request.args, sees_all=sees_all(current_user))
    if not form.validate():
        return render_template("trips/index.html", form=form, page=None, rows=[], args={}), 400
    page = paginate(services.visible_trips(current_user, **form.criteria()))
    tallies = services.trip_tallies([trip.id for trip in page.items])
    rows = [(trip, tallies.get(trip.id, services.TripTally())) for trip in page.items]
    args = link_args()
    return render_template("trips/index.html", form=form, page=page, rows=rows, args=args)


@requires("trips.view")
def detail(trip_id: int):
    """Show a trip and the visits made on it."""
    trip = team_scoped_or_404(Trip, trip_id, current_user)
    return render_template("trips/detail.html", trip=trip, visits=services.trip_visits(trip),
                           editable=may_change(current_user, trip))


@requires("trips.edit")
def create():
    """Record a trip."""
    if not may_edit_team(current_user, current_user.team_id):
        abort(404)  # a member or lead without a team has no trips to record
    form = TripForm(actor=current_user)
    if not form.validate_on_submit():
        return render_template("trips/form.html", form=form, trip=None), form_status()
    try:
        trip = services.create_trip(actor=current_user, team=chosen_team(form), **form.payload())
    except Refused as error:
        return refused(error, "trips/form.html", form, trip=None)
    db.session.commit()
    flash(_("已记录外出招商：%(destination)s", destination=trip.destination), "success")
    return redirect(url_for("trips.detail", trip_id=trip.id))


@requires("trips.edit")
def edit(trip_id: int):
    """Change a trip."""
    trip = editable_or_404(Trip, trip_id, current_user)
    form = TripForm(actor=current_user, trip=trip)
    if not form.validate_on_submit():
        return render_template("trips/form.html", form=form, trip=trip), form_status()
    try:
        services.update_trip(trip, actor=current_user, team=chosen_team(form, trip), **form.payload())
        db.session.commit()
    except (StaleEdit, StaleDataError):
        db.session.rollback()
        return render_template("trips/form.html", form=form, trip=trip, conflict=stale_conflict(form, trip_id)), 409
    except Refused as error:
        return refused(error, "trips/form.html", form, trip=trip)
    flash(_("已保存"), "success")
    return redirect(url_for("trips.detail", trip_id=trip.id))


def stale_conflict(typed: TripForm, trip_id: int) -> list[tuple[str, str, str]]:
    """What is stored now beside what the user typed; the form keeps what they typed, at the stored version."""
    trip = db.get_or_404(Trip, trip_id)
    stored = TripForm(formdata=None, actor=current_user, trip=trip)
    stored.leader_id.data, stored.participant_ids.data = trip.leader_id or 0, [user.id for user in trip.participants]
    return beside_stored(typed, stored, trip.version)


@requires("trips.edit")
def delete(trip_id: int):
    """Delete a trip that has no visits."""
    trip = editable_or_404(Trip, trip_id, current_user)
    destination = trip.destination
    try:
        services.delete_trip(trip, actor=current_user)
    except Refused as error:
        show_refusal(None, error)
        return redirect(url_for("trips.detail", trip_id=trip.id))
    db.session.commit()
    flash(_("已删除外出招商：%(destination)s", destination=destination), "success")
    return redirect(url_for("trips.index"))


def chosen_team(form: TripForm, trip: Trip | None = None) -> Team:
    """The team a trip belongs to: an admin's choice, else the user's own team (or the trip's)."""
    if current_user.role is Role.ADMIN:
        return db.get_or_404(Team, form.team_id.data)
    return trip.team if trip is not None else current_user.team
