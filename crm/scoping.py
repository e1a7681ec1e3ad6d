"""Team scoping: members and leads see their own team's work; admins and leaders see all."""

from typing import Any, TypeVar

from flask import abort
from sqlalchemy import ColumnElement, true

from .extensions import db
from .models import Role, User

M = TypeVar("M")

SEES_ALL = frozenset({Role.ADMIN, Role.LEADER})


def sees_all(user: User) -> bool:
    """Whether the user reads every team's records."""
    return user.role in SEES_ALL


def may_see_team(user: User, team_id: int | None) -> bool:
    """Whether the user may read a record of this team."""
    return sees_all(user) or (team_id is not None and team_id == user.team_id)


def may_edit_team(user: User, team_id: int | None) -> bool:
    """Whether the user may change a record of this team: its members, or an admin keeping records clean."""
    return user.role is Role.ADMIN or (user.role in (Role.LEAD, Role.MEMBER) and team_id == user.team_id)


def team_filter(user: User, column: Any) -> ColumnElement[bool]:
    """A WHERE clause keeping the rows of the teams the user may see."""
    return true() if sees_all(user) else column == user.team_id


def team_scoped_or_404(model: type[M], record_id: int, user: User) -> M:
    """Load a team's record, or 404 when it does not exist or belongs to a team the user may not see.

    404 rather than 403, so ids of other teams' records reveal nothing.
    """
    record = db.session.get(model, record_id)
    if record is None or not may_see_team(user, record.team_id):  # type: ignore[attr-defined]
        abort(404)
    return record
