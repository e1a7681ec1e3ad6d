"""For whom a leader or the office logs a visit: the district's teams, and the one to offer first."""

from collections.abc import Sequence

from sqlalchemy import select

from ..domain.periods import today
from ..extensions import db
from ..models import Role, Team, Trip, User


def chooses_team(user: User) -> bool:
    """Whether the user picks the team a visit is for (a leader, the office) rather than logging for their own."""
    return user.role in (Role.ADMIN, Role.LEADER)


def choosable_teams(user: User) -> Sequence[Team]:
    """The district's active teams (the session's district scope keeps other districts out)."""
    if not chooses_team(user):
        return [user.team] if user.team else []
    return db.session.scalars(select(Team).where(Team.active.is_(True)).order_by(Team.name)).all()


def headed_trip(user: User) -> Trip | None:
    """The trip the leader heads today, or else the one they headed last."""
    if user.role is not Role.LEADER:
        return None
    on = today()
    return db.session.scalar(
        select(Trip).join(Trip.team).where(Trip.leader_id == user.id, Trip.start_on <= on, Team.active.is_(True))
        .order_by((Trip.end_on >= on).desc(), Trip.start_on.desc(), Trip.id.desc()).limit(1))


def offered_team(user: User, asked: int | None) -> Team | None:
    """The team the form is for: the one asked for if the user may choose it; else the team of the trip a leader
    heads, or the team they lead; None when the user has still to choose."""
    if not chooses_team(user):
        return user.team
    if asked is not None:
        team = db.session.get(Team, asked)
        return team if team is not None and team.active else None
    trip = headed_trip(user)
    if trip is not None:
        return trip.team
    return db.session.scalar(select(Team).where(Team.leader_id == user.id, Team.active.is_(True))
                             .order_by(Team.name).limit(1)) if user.role is Role.LEADER else None
