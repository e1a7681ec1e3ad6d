"""The office's page of 撞单 overlaps: two teams on one enterprise, and how each was settled."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access.rights import requires
from ..domain.refused import Refused
from ..extensions import db
from ..models import Overlap, Team, User
from ..web.forms import options
from ..web.i18n import gettext as _
from ..web.pagination import paginate
from ..web.refusals import show_refusal
from . import overlaps
from .forms import ResolveOverlapForm


def resolve_form(overlap: Overlap, **kwargs) -> ResolveOverlapForm:
    """The form settling one overlap: keep the rival lead where it is, or hand it to the team that went on."""
    form = ResolveOverlapForm(prefix=f"overlap{overlap.id}", **kwargs)
    lead = overlap.lead
    choices = [(0, _("保持不变（%(team)s）", team=lead.team.name))]
    if overlap.team_id != lead.team_id:
        choices.append((overlap.team_id, _("改归 %(team)s", team=overlap.team.name)))
    form.lead_team_id.choices = options(choices)
    return form


def render_queue(failed: ResolveOverlapForm | None = None, failed_id: int | None = None, status: int = 200):
    """Render a page of overlaps, unresolved first, each open one with its form."""
    page = paginate(overlaps.overlap_queue())
    forms = {o.id: failed if o.id == failed_id else resolve_form(o, formdata=None)
             for o in page.items if o.resolved_at is None}
    resolver_ids = {o.resolved_by_id for o in page.items if o.resolved_by_id}
    resolvers = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(resolver_ids)))} \
        if resolver_ids else {}
    return render_template("leads/overlaps.html", page=page, forms=forms, resolvers=resolvers), status


@requires("overlaps.manage")
def overlap_list():
    """List 撞单 overlaps for the office to settle."""
    return render_queue()


@requires("overlaps.manage")
def resolve_overlap(overlap_id: int):
    """Settle an overlap with a note, optionally handing the rival lead to the other team."""
    overlap = db.get_or_404(Overlap, overlap_id)
    if overlap.resolved_at is not None:  # its form is no longer on the page to show what was wrong
        flash(_("该撞单已处理"), "error")
        return render_queue(status=422)
    form = resolve_form(overlap)
    if not form.validate_on_submit():
        return render_queue(form, overlap.id, 422)
    try:
        overlaps.resolve_overlap(overlap, actor=current_user, note=form.note.data,
                                 lead_team=db.session.get(Team, form.lead_team_id.data) if form.lead_team_id.data
                                 else None)
    except Refused as error:
        db.session.rollback()
        show_refusal(None, error)
        return render_queue(status=422)
    db.session.commit()
    flash(_("已处理撞单：%(enterprise)s", enterprise=overlap.enterprise.name), "success")
    return redirect(url_for("leads.overlap_list"))
