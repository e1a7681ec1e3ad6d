"""Teams: the list for everyone, editing and yearly targets for admins."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..access.rights import requires
from ..core.stale_edits import StaleEdit, StaleSet, beside_stored, differences
from ..domain.periods import today
from ..extensions import db
from ..models import Team, User
from ..web.forms import form_status
from ..web.i18n import gettext as _
from . import services
from .forms import TargetsForm, TeamForm


@requires("teams.view")
def index():
    """List the teams with their member counts."""
    rows = db.session.execute(
        select(Team, func.count(User.id)).outerjoin(User, (User.team_id == Team.id) & User.active.is_(True))
        .group_by(Team.id).order_by(Team.active.desc(), Team.name)).all()
    return render_template("teams/index.html", rows=rows, year=today().year)


@requires("teams.manage")
def create():
    """Add a team."""
    form = TeamForm()
    if not form.validate_on_submit():
        return render_template("teams/form.html", form=form, team=None), form_status()
    team = Team(district_id=current_user.district_id, name=form.name.data.strip(),
                base_city=form.base_city.data.strip(), active=form.active.data,
                leader_id=form.leader_id.data or None)
    db.session.add(team)
    db.session.commit()
    flash(_("已添加专班 %(name)s", name=team.name), "success")
    return redirect(url_for("teams.index"))


@requires("teams.manage")
def edit(team_id: int):
    """Change a team's name, city, heading leader or whether it is active."""
    team = db.get_or_404(Team, team_id)
    form = TeamForm(obj=team, team=team)
    if request.method == "GET":
        form.leader_id.data = team.leader_id or 0
    if not form.validate_on_submit():
        return render_template("teams/form.html", form=form, team=team), form_status()
    try:
        services.update_team(team, version=int(form.version.data), name=form.name.data.strip(),
                             base_city=form.base_city.data.strip(), leader_id=form.leader_id.data or None,
                             active=form.active.data)
        db.session.commit()
    except (StaleEdit, StaleDataError):
        db.session.rollback()
        conflict = stale_conflict(form, team_id)
        return render_template("teams/form.html", form=form, team=team, conflict=conflict), 409
    flash(_("已保存"), "success")
    return redirect(url_for("teams.index"))


def stale_conflict(typed: TeamForm, team_id: int) -> list[tuple[str, str, str]]:
    """What is stored now beside what the user typed; the form keeps what they typed, at the stored version."""
    team = db.get_or_404(Team, team_id)
    stored = TeamForm(formdata=None, obj=team, team=team)
    stored.leader_id.data = team.leader_id or 0
    return beside_stored(typed, stored, team.version)


def stale_targets(typed: TargetsForm, team: Team, year: int) -> list[tuple[str, str, str]]:
    """The stored targets beside the typed ones; the form keeps what was typed, as of the stored targets."""
    current = services.targets_for(team, year)
    stored = TargetsForm(formdata=None)
    stored.fill(current, services.targets_fingerprint(current))
    typed.opened.data = stored.opened.data  # saving again now is a choice made having seen the newer values
    return differences(stored, typed)


def targets_form(team: Team, year: int) -> TargetsForm:
    """The targets form: the stored targets at first, with their fingerprint to check a save against."""
    form = TargetsForm()
    if request.method == "GET":
        current = services.targets_for(team, year)
        form.fill(current, services.targets_fingerprint(current))
    return form


@requires("teams.manage")
def targets(team_id: int, year: int):
    """Set a team's targets for a year."""
    if not 2000 <= year <= 2100:
        abort(404)
    team = db.get_or_404(Team, team_id)
    form = targets_form(team, year)
    if not form.validate_on_submit():
        return render_template("teams/targets.html", form=form, team=team, year=year), form_status()
    try:
        services.set_targets(team, year, form.values(), opened=form.opened.data)
        db.session.commit()
    except (StaleSet, IntegrityError):  # changed since the form was opened; or first set by another a moment ago
        db.session.rollback()
        conflict = stale_targets(form, team, year)
        return render_template("teams/targets.html", form=form, team=team, year=year, conflict=conflict), 409
    flash(_("已保存 %(team)s %(year)s年目标", team=team.name, year=year), "success")
    return redirect(url_for("teams.index"))
