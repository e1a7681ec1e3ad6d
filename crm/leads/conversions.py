"""Turning a visit into a lead (转为线索): the visit a new-lead form starts from, and what a visit's page links to.

The link itself is made, and refused, by the services when the lead is created (services.check_visit).
"""

from dataclasses import dataclass
from datetime import date

from flask import abort, request

from ..access.rights import may
from ..access.visibility import may_edit_team, may_see_team, team_scoped_or_404
from ..models import Lead, User, Visit
from ..web.forms import id_arg


@dataclass(frozen=True)
class FromVisit:
    """The visit a new lead is made from, and what the form says of it (read once: a refusal rolls back)."""

    visit: Visit
    visited_on: date
    team: str
    kind: str
    summary: str | None


def from_visit(user: User) -> FromVisit | None:
    """The visit named by ?visit_id=, which the lead will be linked to; None when none is named.

    404 for a visit the user may not see, or whose team they may not add a lead for: an id reveals nothing.
    """
    if "visit_id" not in request.args:
        return None
    visit = team_scoped_or_404(Visit, id_arg("visit_id") or 0, user)
    if not may_edit_team(user, visit.team_id):
        abort(404)
    return FromVisit(visit=visit, visited_on=visit.visited_on, team=visit.team.name, kind=str(visit.kind.label),
                     summary=visit.summary)


def may_convert(user: User, visit: Visit) -> bool:
    """Whether a visit's page offers 转为线索: a visit not yet linked, to one who may add a lead for its team."""
    return visit.lead_id is None and may(user, "leads.edit") and may_edit_team(user, visit.team_id)


@dataclass(frozen=True)
class VisitLinks:
    """What a visit's page links to: its enterprise, its lead (shown as a link or, to who may not open it, as text),
    and 转为线索."""

    enterprise: bool
    lead: Lead | None
    lead_link: bool
    convert: bool


def visit_links(user: User, visit: Visit) -> VisitLinks:
    """The links a visit's page shows the user: each only to a page they may open."""
    lead = visit.lead
    return VisitLinks(enterprise=may(user, "enterprises.view"), lead=lead,
                      lead_link=lead is not None and may(user, "leads.view") and may_see_team(user, lead.team_id),
                      convert=may_convert(user, visit))
