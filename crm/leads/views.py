"""Leads pages: the pipeline board, the list, a lead's page, adding and editing a lead."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..access.changes import editable_or_404
from ..access.rights import requires
from ..access.visibility import sees_all, team_scoped_or_404
from ..core.stale_edits import beside_stored
from ..domain.refused import Refused
from ..enterprises.resolver import resolve_enterprise
from ..enterprises.services import current, find_or_create
from ..extensions import db
from ..models import Enterprise, Lead, Role, Team
from ..web.forms import form_status, id_arg
from ..web.i18n import gettext as _
from ..web.pagination import link_args, paginate
from ..web.refusals import show_refusal
from . import board as pipeline
from . import services
from .conversions import FromVisit, from_visit
from .forms import LeadFilterForm, LeadForm
from .pages import render_detail


def all_teams() -> list[Team]:
    """Every team, for the team choosers of those who read all teams."""
    return list(db.session.scalars(select(Team).order_by(Team.active.desc(), Team.name)))


@requires("leads.view")
def board():
    """Show the pipeline of the viewer's team (or a chosen team, or all) by stage, its latest cards per stage."""
    team_id = id_arg("team") if sees_all(current_user) else current_user.team_id
    columns = pipeline.columns(services.visible_teams(current_user, team_id))
    return render_template("leads/board.html", columns=columns, team_id=team_id, per_stage=pipeline.CARDS_PER_STAGE,
                           teams=all_teams() if sees_all(current_user) else None)


@requires("leads.view")
def table():
    """List leads with filters, a page at a time."""
    readers_of_all = sees_all(current_user)
    form = LeadFilterForm(request.args, teams=all_teams() if readers_of_all else None,
                          members=services.team_members(id_arg("team") if readers_of_all
                                                        else current_user.team_id))
    filters = form.filters()
    scope = services.visible_teams(current_user, filters.pop("team_id"), filters.pop("district_id"))
    page = paginate(services.lead_list(scope, **filters))
    amounts = services.lead_amounts([lead.id for lead in page.items])
    return render_template("leads/list.html", form=form, page=page, amounts=amounts, args=link_args())


@requires("leads.view")
def detail(lead_id: int):
    """Show a lead: its fields, stage log, visits and next action."""
    return render_detail(team_scoped_or_404(Lead, lead_id, current_user))


def render_form(form: LeadForm, lead: Lead | None, team_id: int | None, **context):
    """Render the lead form with the enterprise names it suggests."""
    return render_template("leads/form.html", form=form, lead=lead,
                           enterprise_names=services.enterprise_suggestions(team_id), **context)


def chosen_enterprise(form: LeadForm) -> Enterprise | None:
    """The registered enterprise the form names, if any."""
    enterprise_id = form.enterprise_id.data
    return resolve_enterprise(form.enterprise_name.data,
                              int(enterprise_id) if (enterprise_id or "").isdigit() else None)


def own_team_or_404() -> Team | None:
    """The team a new lead is for: the user's own; None for an admin, who chooses one (404 for a teamless member)."""
    team = current_user.team if current_user.role is not Role.ADMIN else None
    if team is None and current_user.role is not Role.ADMIN:
        abort(404)
    return team


def new_lead_form(team: Team | None, origin: FromVisit | None = None) -> LeadForm:
    """The form for a new lead; opened from an enterprise's page (?enterprise_id=) it names that enterprise, from a
    visit (?visit_id=) the visit's enterprise and team."""
    form = LeadForm(team=team)
    if request.method == "GET":
        enterprise = (origin.visit.enterprise if origin else
                      db.session.get(Enterprise, id_arg("enterprise_id") or 0))
        if enterprise is not None:
            enterprise = current(enterprise)
            form.enterprise_name.data, form.enterprise_id.data = enterprise.name, str(enterprise.id)
        if origin and "team_id" in form:
            form.team_id.data = origin.visit.team_id
        if origin and origin.visit.lead_id is not None:  # said now rather than after the form is filled in
            flash(_("该拜访已关联线索，不能再转为新线索"), "error")
        form.owner_id.data = current_user.id if team else 0
    return form


def confirmed(name: str, enterprise: Enterprise | None) -> bool:
    """Whether the user, shown the leads on this enterprise the warning `name` names, chose to go on."""
    return enterprise is not None and request.form.get(name) == str(enterprise.id)


def refused_form(error: Refused, form: LeadForm, lead: Lead | None, team_id: int,
                 enterprise: Enterprise | None = None, origin: FromVisit | None = None):
    """The lead form again with the reason a rule refused it, as a 422; nothing of the request is kept."""
    db.session.rollback()
    if isinstance(error, services.LeadsToConfirm):  # asked to confirm going on, with the leads on file shown
        return render_form(form, lead, team_id, rivals=error.rivals, twins=error.twins, enterprise=enterprise,
                           origin=origin), 422
    show_refusal(form, error)
    return render_form(form, lead, team_id, origin=origin), 422


def add_lead(form: LeadForm, team: Team, enterprise: Enterprise | None, origin: FromVisit | None) -> Lead:
    """The form's lead, added with what the user confirmed and linked to the visit it was made from."""
    return services.create_lead(
        actor=current_user, team=team, confirm_overlap=confirmed("confirm_overlap", enterprise),
        confirm_duplicate=confirmed("confirm_duplicate", enterprise),
        enterprise=enterprise or find_or_create(form.enterprise_name.data, actor=current_user),
        visit=origin.visit if origin else None, **form.payload())


@requires("leads.edit")
def create():
    """Add a lead, from a visit (?visit_id=) linked to it or not; warn first of 撞单 or a lead the team has already."""
    team = own_team_or_404()
    origin = from_visit(current_user)
    form = new_lead_form(team, origin)
    if not form.validate_on_submit():
        return render_form(form, None, team.id if team else None, origin=origin), form_status()
    team = team or db.get_or_404(Team, form.team_id.data)
    enterprise = chosen_enterprise(form)
    try:
        lead = add_lead(form, team, enterprise, origin)
    except Refused as error:
        return refused_form(error, form, None, team.id, enterprise=enterprise, origin=origin)
    db.session.commit()
    flash(_("已添加线索：%(title)s", title=lead.title), "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))


def lead_form(lead: Lead) -> LeadForm:
    """The form editing a lead: its stored values at first; a submission carries every field, its version too."""
    shown = request.method == "GET"
    form = LeadForm(obj=lead if shown else None, team=lead.team, lead=lead)
    if shown:
        form.fill(lead)
    return form


def stale_lead(typed: LeadForm, lead_id: int):
    """The form as the user typed it, beside the lead as stored now: someone saved it since it was opened (409)."""
    db.session.rollback()
    lead = db.get_or_404(Lead, lead_id)
    stored = LeadForm(formdata=None, obj=lead, team=lead.team, lead=lead)
    stored.fill(lead)
    return render_form(typed, lead, lead.team_id, conflict=beside_stored(typed, stored, lead.version)), 409


@requires("leads.edit")
def edit(lead_id: int):
    """Change a lead; an edit made over someone else's newer one is refused with the current values."""
    lead = editable_or_404(Lead, lead_id, current_user)
    form = lead_form(lead)  # nothing is taken from the stored lead when saving
    if not form.validate_on_submit():
        return render_form(form, lead, lead.team_id), form_status()
    try:
        services.update_lead(
            lead, actor=current_user, version=int(form.version.data),
            enterprise=chosen_enterprise(form) or find_or_create(form.enterprise_name.data,
                                                                         actor=current_user),
            **form.payload())
        db.session.commit()
    except StaleDataError:
        return stale_lead(form, lead_id)
    except Refused as error:
        return refused_form(error, form, lead, lead.team_id)
    flash(_("已保存"), "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))
