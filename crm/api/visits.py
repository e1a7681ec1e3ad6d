"""The visits API: log a visit once per client UUID, list the team's visits, add photos."""

from flask import jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access.changes import may_change_visit
from ..access.rights import requires
from ..access.visibility import team_filter, team_scoped_or_404
from ..domain.refused import Refused
from ..extensions import db
from ..models import Visit, VisitKind
from ..visits import photos, services
from ..visits.services import TEXT_LIMIT, VisitInput
from ..web.i18n import gettext as _
from ..web.pagination import paginate
from .errors import ApiError, refusal
from .guard import json_body, upload_header
from .parsing import Fields


def visit_json(visit: Visit) -> dict:
    return {
        "id": visit.id, "uuid": visit.uuid, "team_id": visit.team_id, "enterprise_id": visit.enterprise_id,
        "enterprise_name": visit.enterprise.name, "visited_on": visit.visited_on.isoformat(), "kind": visit.kind.value,
        "participant_ids": [u.id for u in visit.participants], "summary": visit.summary, "next_step": visit.next_step,
        "follow_up_on": visit.follow_up_on.isoformat() if visit.follow_up_on else None,
        "trip_id": visit.trip_id, "lead_id": visit.lead_id, "photo_count": len(visit.photos),
    }


def visit_input(body: dict) -> VisitInput:
    fields = Fields(body)
    data = VisitInput(
        uuid=fields.uuid("uuid"), visited_on=fields.day("visited_on", required=True),
        kind=fields.choice("kind", VisitKind, VisitKind.CALL_ON), enterprise_id=fields.integer("enterprise_id"),
        enterprise_name=fields.text("enterprise_name", 200), participant_ids=fields.integers("participant_ids"),
        summary=fields.text("summary", TEXT_LIMIT), next_step=fields.text("next_step", TEXT_LIMIT),
        follow_up_on=fields.day("follow_up_on"), trip_id=fields.integer("trip_id"), lead_id=fields.integer("lead_id"),
        team_id=fields.integer("team_id"))
    fields.raise_if_invalid()
    return data


@requires("visits.log")
def create_visit():
    """Log a visit; the same UUID again answers with the visit already logged."""
    logged = services.log_visit(current_user, visit_input(json_body()))  # a refusal answers 422 (errors.py)
    db.session.commit()
    warnings = [_("注意撞单：%(team)s 正在跟进该企业（%(title)s）", team=lead.team.name, title=lead.title)
                for lead in logged.rivals]
    body = {"visit": visit_json(logged.visit), "created": logged.created, "warnings": warnings}
    return jsonify(body), 201 if logged.created else 200


@requires("visits.view")
def list_visits():
    """The visits of the teams the user may see, newest first."""
    fields = Fields(request.args.to_dict())
    start, end = fields.day("start"), fields.day("end")
    fields.raise_if_invalid()
    query = (select(Visit).where(team_filter(current_user, Visit.team_id))
             .options(selectinload(Visit.enterprise), selectinload(Visit.participants), selectinload(Visit.photos))
             .order_by(Visit.visited_on.desc(), Visit.id.desc()))
    if start:
        query = query.where(Visit.visited_on >= start)
    if end:
        query = query.where(Visit.visited_on <= end)
    page = paginate(query, per_page=min(max(request.args.get("per_page", 50, type=int) or 50, 1), 200),
                    exact=True)  # the API's clients page by the total
    return jsonify(items=[visit_json(v) for v in page.items], page=page.page, pages=page.pages, total=page.total)


@requires("visits.log")
def add_visit_photo(uuid: str):
    """Attach one photo (JPEG or PNG) to a visit of one's team, or one the user may change."""
    upload_header()
    visit = services.by_uuid(uuid)
    if visit is None or not (visit.team_id == current_user.team_id or may_change_visit(current_user, visit)):
        raise ApiError(404, _("没有找到这条拜访记录"))
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        raise ApiError(422, _("请选择一张照片"), {"photo": _("请选择一张照片")})
    try:
        photo = photos.add_photo(visit, upload.stream, upload.filename, actor=current_user)
    except Refused as error:
        raise refusal(error, field="photo") from error
    db.session.commit()
    url = url_for("visits.photo", visit_id=visit.id, photo_id=photo.id)
    return jsonify(photo={"id": photo.id, "url": url}), 201


@requires("visits.edit")
def follow_up_done(visit_id: int):
    """Mark a visit's follow-up as done, as 我的待办's button does; done already answers the same."""
    json_body()  # a JSON body, as every write here: a cross-site form cannot send one
    visit = team_scoped_or_404(Visit, visit_id, current_user)
    if not services.may_clear_follow_up(current_user, visit):
        raise ApiError(403, _("只有拜访的登记人、参与人员、专班负责人或管理员可以完成跟进"))
    services.clear_follow_up(visit)
    db.session.commit()
    return jsonify(visit={"id": visit.id, "follow_up_on": None})
