"""The JSON API, version 1: what the phone's offline outbox and other programs use."""

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import or_, select

from ..access.rights import requires
from ..domain.credit_code import normalize_credit_code
from ..domain.periods import today
from ..extensions import db
from ..models import Enterprise, User
from ..visits.services import due_follow_ups


@requires("api.use")
def me():
    """The signed-in user, their team and its members: also tells a client its session is alive."""
    members = []
    if current_user.team_id:
        members = db.session.scalars(select(User).where(User.team_id == current_user.team_id,
                                                        User.active.is_(True)).order_by(User.display_name)).all()
    team = current_user.team
    return jsonify(id=current_user.id, username=current_user.username, display_name=current_user.display_name,
                   role=current_user.role.value, team={"id": team.id, "name": team.name} if team else None,
                   members=[{"id": u.id, "display_name": u.display_name} for u in members])


@requires("enterprises.view")
def search_enterprises():
    """Enterprises whose name contains the text, or whose credit code starts with it (at most 20)."""
    text = (request.args.get("q") or "").strip()[:100]
    if not text:
        return jsonify(items=[])
    code = normalize_credit_code(text)
    rows = db.session.scalars(
        select(Enterprise).where(Enterprise.merged_into_id.is_(None),
                                 or_(Enterprise.name.contains(text, autoescape=True),
                                     Enterprise.credit_code.startswith(code, autoescape=True)))
        .order_by(Enterprise.name).limit(20)).all()
    return jsonify(items=[{"id": e.id, "name": e.name, "credit_code": e.credit_code, "city": e.city,
                           "industry": e.industry} for e in rows])


@requires("followups.view")
def follow_ups():
    """我的待办: the user's visits and leads due today or earlier."""
    due_visits, leads = due_follow_ups(current_user, today())
    return jsonify(
        visits=[{"id": v.id, "uuid": v.uuid, "enterprise_name": v.enterprise.name,
                 "follow_up_on": v.follow_up_on.isoformat(), "next_step": v.next_step} for v in due_visits],
        leads=[{"id": lead.id, "title": lead.title, "enterprise_name": lead.enterprise.name,
                "next_action_on": lead.next_action_on.isoformat(), "next_action": lead.next_action} for lead in leads])

