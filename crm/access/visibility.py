"""Scoping: a district's users see its records only; members and leads their own team's work.

Within a district, admins and leaders see every team's records; the city (市招商局) reads every district.
Trips, visits, leads and projects belong to a district through their team; teams, enterprises and users
carry their district.
"""

from typing import Any, TypeVar

from flask import abort
from sqlalchemy import ColumnElement, select, true

from ..extensions import db
from ..models import District, Role, Team, User

M = TypeVar("M")

SEES_ALL = frozenset({Role.ADMIN, Role.LEADER, Role.CITY})


def sees_all(user: User) -> bool:
    """Whether the user reads every team's records (of their district, or of the city)."""
    return user.role in SEES_ALL


def is_city(user: User) -> bool:
    """Whether the user reads every district (市招商局)."""
    return user.role is Role.CITY


def team_district(team_id: int | None) -> int | None:
    """The district a team belongs to (read through the session's identity map)."""
    team = db.session.get(Team, team_id) if team_id is not None else None
    return team.district_id if team is not None else None


def may_see_team(user: User, team_id: int | None) -> bool:
    """Whether the user may read a record of this team."""
    if is_city(user):
        return team_id is not None
    if user.role in SEES_ALL:
        return team_id is not None and team_district(team_id) == user.district_id
    return team_id is not None and team_id == user.team_id


def may_edit_team(user: User, team_id: int | None) -> bool:
    """Whether the user may change a record of this team: its members, or its district's admin."""
    if user.role is Role.ADMIN:  # no team named: whatever team of the district the admin goes on to choose
        return team_id is None or team_district(team_id) == user.district_id
    return user.role in (Role.LEAD, Role.MEMBER) and team_id is not None and team_id == user.team_id


def team_filter(user: User, column: Any) -> ColumnElement[bool]:
    """A WHERE clause keeping the rows of the teams the user may see.

    Admins and leaders see every team of their district: the session's district scope (crm/access/tenancy.py)
    keeps other districts out, so no clause is needed here.
    """
    return true() if user.role in SEES_ALL else column == user.team_id


def may_see_district(user: User, district_id: int | None) -> bool:
    """Whether the user may read a record held by this district."""
    return is_city(user) or (district_id is not None and district_id == user.district_id)


def team_scoped_or_404(model: type[M], record_id: int, user: User) -> M:
    """Load a team's record, or 404 when it does not exist or belongs to a team the user may not see.

    404 rather than 403, so ids of other teams' (and districts') records reveal nothing.
    """
    record = db.session.get(model, record_id)
    if record is None or not may_see_team(user, record.team_id):  # type: ignore[attr-defined]
        abort(404)
    return record


def viewed_district(user: User, wanted: int | None) -> int | None:
    """The district whose figures the user reads: their own; for the city, the one it asks for (None: all)."""
    if not is_city(user):
        return user.district_id
    if wanted is None or db.session.get(District, wanted) is None:
        return None
    return wanted


def ranked_district(user: User, wanted: int | None) -> int:
    """The district whose team ranking the user reads: their own; for the city, the one asked for, else the first."""
    chosen = viewed_district(user, wanted)
    if chosen is None:
        chosen = db.session.scalar(select(District.id).order_by(District.active.desc(), District.id).limit(1))
    if chosen is None:
        abort(404)
    return chosen
