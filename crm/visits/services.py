"""Rules for visits: logging one exactly once per client UUID, editing, deleting, follow-ups."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from ..access.changes import may_change_visit
from ..core.stale_edits import check_version
from ..domain.periods import today
from ..domain.refused import Refused
from ..enterprises.services import find_or_create
from ..extensions import db
from ..leads.overlaps import ACTIVE_STAGES, record_overlaps, rival_leads
from ..models import Enterprise, Lead, Role, Team, Trip, User, Visit, VisitKind, visit_participant
from ..reports.figures import of_district
from ..web.i18n import gettext as _

TEXT_LIMIT = 4000
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class VisitRefused(Refused):
    """Input a visit cannot be logged with; the message is for the user, the field says where."""


@dataclass(frozen=True)
class VisitInput:
    """What a visit is logged with, from the page form or the API alike."""

    uuid: str
    visited_on: date
    kind: VisitKind
    enterprise_id: int | None = None
    enterprise_name: str | None = None
    participant_ids: Sequence[int] = ()
    summary: str | None = None
    next_step: str | None = None
    follow_up_on: date | None = None
    trip_id: int | None = None
    lead_id: int | None = None
    team_id: int | None = None  # chosen by a leader or the office; a team's own people log for their team


@dataclass
class LoggedVisit:
    """The visit, whether this call made it, and the other teams' leads on its enterprise (撞单)."""

    visit: Visit
    created: bool
    rivals: list[Lead] = field(default_factory=list)


def by_uuid(uuid: str) -> Visit | None:
    return db.session.scalar(select(Visit).where(Visit.uuid == uuid))


def log_visit(actor: User, data: VisitInput) -> LoggedVisit:
    """Log a visit for the actor's team, or the team a leader or the office chose.

    The same UUID again returns the visit already logged.
    """
    existing = by_uuid(data.uuid)
    if existing is not None:
        return replayed(existing, actor)
    team = logging_team(actor, data.team_id, data.trip_id)
    visit = Visit(uuid=data.uuid, team_id=team.id, created_by_id=actor.id)
    with db.session.no_autoflush:  # the insert happens below, inside the savepoint, and nowhere else
        apply_input(visit, actor, data)
    try:
        with db.session.begin_nested():  # a concurrent request with the same UUID may win the insert
            db.session.add(visit)
    except IntegrityError:
        winner = by_uuid(data.uuid)
        if winner is None:
            raise
        return replayed(winner, actor)
    rivals = list(rival_leads(visit.enterprise_id, visit.team_id))
    if rivals:
        record_overlaps(rivals, team=team, source="visit", source_id=visit.id, actor=actor)
    return LoggedVisit(visit, True, rivals)


def logging_team(actor: User, team_id: int | None, trip_id: int | None = None) -> Team:
    """The team a new visit is logged for.

    A team's lead and members log for their own team. A district leader (who heads trips) and the office (who
    receive visitors, 来访接待) log for a team of their district they choose, or the team of the trip named.
    """
    if actor.role in (Role.LEAD, Role.MEMBER):
        if actor.team is None:
            raise VisitRefused(_("您还没有加入专班，请联系管理员"))
        if team_id not in (None, actor.team_id):
            raise VisitRefused(_("只能为本专班登记拜访"), "team_id")
        return actor.team
    if actor.role not in (Role.ADMIN, Role.LEADER):
        raise VisitRefused(_("市招商局查看各区县的拜访，不登记拜访"))
    if team_id is None and trip_id:
        trip = db.session.get(Trip, trip_id)
        team_id = trip.team_id if trip is not None else None
    team = db.session.get(Team, team_id) if team_id else None  # another district's team is None here
    if team is None or not team.active:
        raise VisitRefused(_("请选择为哪个专班登记这次拜访"), "team_id")
    return team


def replayed(visit: Visit, actor: User) -> LoggedVisit:
    """A UUID sent again: its author or its team gets the visit back; anyone else learns nothing of it."""
    if visit.created_by_id != actor.id and (actor.team_id is None or visit.team_id != actor.team_id):
        raise VisitRefused(_("此拜访记录编号已被使用"), "uuid")
    return LoggedVisit(visit, False)


def apply_input(visit: Visit, actor: User, data: VisitInput) -> None:
    """Check the input against the team's records and set it on the visit."""
    team_id = visit.team_id
    check_visited_on(data.visited_on)
    check_follow_up(data.visited_on, data.follow_up_on)
    for name in ("summary", "next_step"):
        check_text(name, getattr(data, name))
    visit.enterprise = enterprise_for(actor, data)
    visit.visited_on = data.visited_on
    visit.kind = data.kind
    visit.summary = (data.summary or "").strip() or None
    visit.next_step = (data.next_step or "").strip() or None
    visit.follow_up_on = data.follow_up_on
    trip = own(Trip, data.trip_id, team_id, "trip_id", _("所选外出招商不属于本专班"))
    lead = own(Lead, data.lead_id, team_id, "lead_id", _("所选线索不属于本专班"))
    # Set by id: a new visit is not in the session yet, and setting the objects would add it to their lists
    visit.trip_id, visit.lead_id = trip.id if trip else None, lead.id if lead else None
    # Besides the team's members: whoever logs it (a leader heading the trip) and whoever was on it already.
    guests = {actor.id} | {user.id for user in visit.participants}
    visit.participants = participants(data.participant_ids, team_id, guests)


def check_visited_on(day: date) -> None:
    """A visit's day lies between 2000 and tomorrow (a phone's clock may run a little ahead)."""
    if not EARLIEST <= day <= today() + timedelta(days=1):
        raise VisitRefused(_("拜访日期不在合理范围内"), "visited_on")


def check_follow_up(visited_on: date, follow_up_on: date | None) -> None:
    """A follow-up, when given, is on or after the visit (and before 2101)."""
    if follow_up_on is not None and follow_up_on < visited_on:
        raise VisitRefused(_("跟进日期不能早于拜访日期"), "follow_up_on")
    if follow_up_on is not None and follow_up_on > LATEST:
        raise VisitRefused(_("跟进日期不在合理范围内"), "follow_up_on")


def check_text(name: str, text: str | None) -> None:
    """A summary or next step of at most TEXT_LIMIT characters."""
    if len(text or "") > TEXT_LIMIT:
        raise VisitRefused(_("内容过长（最多%(n)s字）", n=TEXT_LIMIT), name)


def enterprise_for(actor: User, data: VisitInput) -> Enterprise:
    """The enterprise picked by id while the typed name still reads as its name, else found or created by the name."""
    name = (data.enterprise_name or "").strip()
    if data.enterprise_id and db.session.get(Enterprise, data.enterprise_id) is None:
        raise VisitRefused(_("所选企业不存在"), "enterprise_id")
    if not data.enterprise_id and not name:
        raise VisitRefused(_("请填写或选择拜访的企业"), "enterprise_name")
    if len(name) > 200:
        raise VisitRefused(_("企业名称过长（最多200字）"), "enterprise_name")
    return find_or_create(name, data.enterprise_id, actor=actor)


def own(model: type, record_id: int | None, team_id: int, field_name: str, message: str):
    """A trip or lead of the team, or None when none is given."""
    if not record_id:
        return None
    record = db.session.get(model, record_id)
    if record is None or record.team_id != team_id:
        raise VisitRefused(message, field_name)
    return record


def participants(ids: Sequence[int], team_id: int, guests: Collection[int] = ()) -> list[User]:
    """Active members of the team, or of the guests named, with these ids."""
    wanted = set(ids)
    if not wanted:
        return []
    if len(wanted) > 50:
        raise VisitRefused(_("参与人员过多"), "participant_ids")
    users = db.session.scalars(select(User).where(User.id.in_(wanted), User.active.is_(True),
                                                  or_(User.team_id == team_id, User.id.in_(guests)))).all()
    if len(users) != len(wanted):
        raise VisitRefused(_("参与人员必须是本专班的成员"), "participant_ids")
    return sorted(users, key=lambda u: u.id)


def update_visit(visit: Visit, actor: User, data: VisitInput, *, version: int) -> Visit:
    """Change a visit the actor may change (loaded with `editable_or_404`).

    An edit made from an older version of it is refused (StaleEdit) and nothing applied.
    """
    check_version(visit, version)
    with db.session.no_autoflush:  # one UPDATE, one new version: the checks' queries write nothing before it
        apply_input(visit, actor, data)
    flag_modified(visit, "visited_on")  # a change of the people alone is a new version too
    db.session.flush()
    return visit


def delete_visit(visit: Visit) -> None:
    """Delete a visit the actor may change (loaded with `editable_or_404`), and its photos' records (the files go
    with remove_photo_files)."""
    db.session.delete(visit)
    db.session.flush()


def may_clear_follow_up(user: User, visit: Visit) -> bool:
    """Those who may change the visit, and those who were on it."""
    return may_change_visit(user, visit) or user in visit.participants


def clear_follow_up(visit: Visit) -> None:
    """Mark a visit's follow-up as done (by someone `may_clear_follow_up` lets)."""
    visit.follow_up_on = None
    db.session.flush()


def visit_follow_up_due(by: date) -> ColumnElement[bool]:
    """Visits whose follow-up falls on or before a day (clearing it, the follow-up is done)."""
    return Visit.follow_up_on <= by


def lead_action_due(by: date) -> ColumnElement[bool]:
    """Leads still being worked on whose next action falls on or before a day."""
    return and_(Lead.next_action_on <= by, Lead.stage.in_(ACTIVE_STAGES))


def due_follow_ups(user: User, on: date) -> tuple[Sequence[Visit], Sequence[Lead]]:
    """我的待办: the user's visits and leads whose follow-up date is on or before `on`."""
    mine = or_(Visit.created_by_id == user.id,
               Visit.id.in_(select(visit_participant.c.visit_id).where(visit_participant.c.user_id == user.id)))
    visits = db.session.scalars(
        select(Visit).where(visit_follow_up_due(on), mine).options(selectinload(Visit.enterprise))
        .order_by(Visit.follow_up_on, Visit.id)).all()
    leads = db.session.scalars(
        select(Lead).where(Lead.owner_id == user.id, lead_action_due(on))
        .options(selectinload(Lead.enterprise)).order_by(Lead.next_action_on, Lead.id)).all()
    return visits, leads


def filter_visits(query: Select[Any], data: dict[str, Any]) -> Select[Any]:
    """The visit list's filters (dates, kind, enterprise name, team) on a query already joined to the enterprise."""
    if data.get("start"):
        query = query.where(Visit.visited_on >= data["start"])
    if data.get("end"):
        query = query.where(Visit.visited_on <= data["end"])
    if data.get("kind"):
        query = query.where(Visit.kind == data["kind"])
    if data.get("q"):
        query = query.where(Enterprise.name.contains(data["q"].strip(), autoescape=True))
    if data.get("team_id"):
        query = query.where(Visit.team_id == data["team_id"])
    if data.get("district"):  # the city's choice of one district
        query = query.where(of_district(Visit.team_id, data["district"]))
    return query
