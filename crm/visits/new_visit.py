"""Logging a visit: the form a team member fills in on a phone; a leader or the office first choose the team."""

import uuid

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..access.rights import requires
from ..domain.refused import Refused
from ..extensions import db
from ..models import Team
from ..web.forms import form_status
from ..web.i18n import gettext as _
from ..web.refusals import refused
from . import chooser, services
from .forms import VisitForm
from .photos import save_photos


def asked_team_id() -> int | None:
    """The team named by the form posted (team_id) or by the link (?team=)."""
    value = (request.form.get("team_id") if request.method == "POST" else request.args.get("team")) or ""
    return int(value) if value.strip().isdecimal() and len(value.strip()) < 10 else None


def logging_for() -> tuple[Team | None, list[Team] | None]:
    """The team the visit is for (None: still to choose), and the teams the user chooses from (None: no choice)."""
    # The team chosen last stays chosen: the page a phone keeps for offline use (/visits/new) is then its form.
    team = chooser.offered_team(current_user, asked_team_id() or session.get("visit_team_id"))
    teams = list(chooser.choosable_teams(current_user)) if chooser.chooses_team(current_user) else None
    if teams is not None and team is not None:
        session["visit_team_id"] = team.id
    return team, teams


def team_to_choose(teams: list[Team] | None):
    """Ask a leader or the office which team the visit is for (with no team chosen yet, or one they may not)."""
    if request.method == "POST":
        flash(_("请选择为哪个专班登记这次拜访"), "error")
    return render_template("visits/new.html", form=None, team=None, teams=teams), form_status()


def new_visit_form(team: Team) -> VisitForm:
    """The form for the team's new visit: a fresh UUID, the user on it, the trip a leader heads today."""
    guests = [current_user] if current_user.team_id != team.id else []
    form = VisitForm(team_id=team.id, guests=guests)
    if request.method == "GET":
        form.uuid.data = str(uuid.uuid4())
        form.participant_ids.data = [current_user.id]
        trip = chooser.headed_trip(current_user)
        form.trip_id.data = trip.id if trip is not None and trip.team_id == team.id else 0
    form.team_id.data = str(team.id)
    return form


def say_logged(logged: services.LoggedVisit, form: VisitForm) -> None:
    """Tell the user the visit is saved (or was already), and which other teams court its enterprise (撞单)."""
    for lead in logged.rivals:
        flash(_("注意撞单：%(team)s 正在跟进该企业（%(title)s）", team=lead.team.name, title=lead.title), "info")
    flash(_("拜访已保存") if logged.created else _("这条拜访此前已保存"), "success")
    if not logged.created and form.uploads():
        flash(_("本次提交的照片没有重复保存；如需补充照片，请在拜访记录中编辑"), "info")


@requires("visits.log")
def new():
    """Log a visit: the form a team member fills in on a phone; a leader or the office first choose the team."""
    team, teams = logging_for()
    if team is None:
        return team_to_choose(teams)
    form = new_visit_form(team)
    if not form.validate_on_submit():
        return render_template("visits/new.html", form=form, team=team, teams=teams), form_status()
    try:
        logged = services.log_visit(current_user, form.payload())
        if logged.created:  # a form sent again adds no second copy of its photos to the visit saved the first time
            save_photos(logged.visit, form.uploads(), actor=current_user)
    except Refused as error:
        return refused(error, "visits/new.html", form, team=team, teams=teams)
    db.session.commit()
    say_logged(logged, form)
    return redirect(url_for("visits.new", team=team.id if teams is not None else None))
