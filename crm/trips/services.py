"""Rules for trips (外出招商): who went where, with whom; the counts lists and rankings use."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from ..access.visibility import may_edit_team, team_filter
from ..core.stale_edits import check_version
from ..domain.periods import Period
from ..domain.refused import Refused
from ..extensions import db
from ..models import Role, Team, Trip, User, Visit, trip_participant
from ..reports.figures import of_district
from ..web.i18n import gettext as _
from ..web.i18n import join_names


@dataclass(frozen=True)
class TripTally:
    """How many people went on a trip and how many visits it made."""

    participants: int = 0
    visits: int = 0


def check_trip(*, actor: User, team: Team, start_on: date, end_on: date, leader: User | None,
               participants: Iterable[User]) -> None:
    """Refuse a trip the actor may not record, or whose dates, leader or people do not fit."""
    if not may_edit_team(actor, team.id):
        raise Refused(_("您不能为%(team)s记录外出招商", team=team.name), "team_id")
    if end_on < start_on:
        raise Refused(_("返回日期不能早于出发日期"), "end_on")
    if leader is not None and leader.role is not Role.LEADER:
        raise Refused(_("带队领导须为区领导"), "leader_id")
    strangers = [user.display_name for user in participants if user.team_id != team.id]
    if strangers:
        raise Refused(_("参加人员须为%(team)s成员：%(names)s", team=team.name, names=join_names(strangers)),
                        "participant_ids")


def create_trip(*, actor: User, team: Team, destination: str, start_on: date, end_on: date, leader: User | None,
                participants: Sequence[User], purpose: str | None, summary: str | None) -> Trip:
    """Record a trip of a team."""
    check_trip(actor=actor, team=team, start_on=start_on, end_on=end_on, leader=leader, participants=participants)
    trip = Trip(team=team, destination=destination, start_on=start_on, end_on=end_on, leader=leader,
                participants=list(dict.fromkeys(participants)), purpose=purpose, summary=summary,
                created_by_id=actor.id)
    db.session.add(trip)
    db.session.flush()
    return trip


def update_trip(trip: Trip, *, actor: User, version: int, team: Team, destination: str, start_on: date,
                end_on: date, leader: User | None, participants: Sequence[User], purpose: str | None,
                summary: str | None) -> Trip:
    """Change a trip; moving it to another team needs the right to edit both.

    An edit made from an older version of the trip is refused (StaleEdit) and nothing applied.
    """
    if not may_edit_team(actor, trip.team_id):
        raise Refused(_("您不能修改%(team)s的外出招商", team=trip.team.name), "team_id")
    check_version(trip, version)
    check_trip(actor=actor, team=team, start_on=start_on, end_on=end_on, leader=leader, participants=participants)
    trip.team = team
    trip.destination = destination
    trip.start_on, trip.end_on = start_on, end_on
    trip.leader = leader
    trip.participants = list(dict.fromkeys(participants))
    trip.purpose, trip.summary = purpose, summary
    flag_modified(trip, "destination")  # a change of the people alone is a new version too
    db.session.flush()
    return trip


def delete_trip(trip: Trip, *, actor: User) -> None:
    """Delete a trip that has no visits; visits keep their trip, so one with visits stays."""
    if not may_edit_team(actor, trip.team_id):
        raise Refused(_("您不能删除%(team)s的外出招商", team=trip.team.name))
    visits = db.session.scalar(select(func.count()).select_from(Visit).where(Visit.trip_id == trip.id))
    if visits:
        raise Refused(_("该次外出已有 %(count)s 条拜访记录，不能删除", count=visits))
    db.session.delete(trip)
    db.session.flush()


def visible_trips(viewer: User, *, team_id: int | None = None, period: Period | None = None,
                  destination: str | None = None, district_id: int | None = None) -> Select[tuple[Trip]]:
    """The trips the viewer may see that match the filters (`district_id`: the city's choice), newest first."""
    query = (select(Trip).where(team_filter(viewer, Trip.team_id))
             .options(selectinload(Trip.team), selectinload(Trip.leader))
             .order_by(Trip.start_on.desc(), Trip.id.desc()))
    if team_id:
        query = query.where(Trip.team_id == team_id)
    if period is not None:
        query = query.where(Trip.start_on.between(period.start, period.end))
    if destination:
        query = query.where(Trip.destination.contains(destination, autoescape=True))
    return query.where(of_district(Trip.team_id, district_id))


def trip_tallies(trip_ids: Sequence[int]) -> dict[int, TripTally]:
    """Participants and visits per trip, counted in one query."""
    if not trip_ids:
        return {}
    people = (select(trip_participant.c.trip_id, func.count().label("n"))
              .where(trip_participant.c.trip_id.in_(trip_ids)).group_by(trip_participant.c.trip_id).subquery())
    visits = (select(Visit.trip_id, func.count().label("n"))
              .where(Visit.trip_id.in_(trip_ids)).group_by(Visit.trip_id).subquery())
    rows = db.session.execute(
        select(Trip.id, func.coalesce(people.c.n, 0), func.coalesce(visits.c.n, 0))
        .outerjoin(people, people.c.trip_id == Trip.id).outerjoin(visits, visits.c.trip_id == Trip.id)
        .where(Trip.id.in_(trip_ids)))
    return {trip_id: TripTally(participants, visit_count) for trip_id, participants, visit_count in rows}


def trip_visits(trip: Trip) -> Sequence[Visit]:
    """The visits made on a trip, in the order they happened."""
    return db.session.scalars(select(Visit).where(Visit.trip_id == trip.id)
                              .options(selectinload(Visit.enterprise))
                              .order_by(Visit.visited_on, Visit.id)).all()


def trip_counts(period: Period, *, team_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Trips per team that started in the period (both ends included); teams without any are absent."""
    query = (select(Trip.team_id, func.count()).where(Trip.start_on.between(period.start, period.end))
             .group_by(Trip.team_id))
    if team_ids is not None:
        query = query.where(Trip.team_id.in_(list(team_ids)))
    return {team_id: count for team_id, count in db.session.execute(query)}
