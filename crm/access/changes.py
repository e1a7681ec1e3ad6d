"""Who may change a record, one rule per kind of record, and the one way a view loads a record to change it.

Reading is the wall's and visibility's business (tenancy.py, visibility.py): a record of another district, or of a
team the user may not see, does not exist for them (404). Changing is decided here:
- a team's records (trips, leads, projects): the team's lead and members, or the district's admin;
- a visit: its author, the lead of its team, or the admin;
- a project's service (代办事项, 问题诉求): the admin, its chief service officer and service team, or its team.
A kind of record with no rule here cannot be changed through `editable_or_404` (it fails closed).
"""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort

from ..extensions import db
from ..models import Lead, Project, Role, Trip, User, Visit
from .reasons import NotAllowed
from .visibility import may_edit_team, may_see_team

M = TypeVar("M")


def may_change_visit(user: User, visit: Visit) -> bool:
    """The author, the lead of the visit's team, or an admin."""
    return (user.role is Role.ADMIN or visit.created_by_id == user.id
            or (user.role is Role.LEAD and user.team_id == visit.team_id))


def is_serving(user: User, project: Project) -> bool:
    """Whether the user is the project's chief officer or on its service team."""
    return project.chief_officer_id == user.id or any(member.id == user.id for member in project.service_team)


def may_serve(user: User, project: Project) -> bool:
    """Whether the user may work the project's service items and issues."""
    if user.role is Role.ADMIN or is_serving(user, project):
        return True
    return user.role in (Role.LEAD, Role.MEMBER) and user.team_id == project.team_id


def may_change_team_record(user: User, record: Any) -> bool:
    return may_edit_team(user, record.team_id)


RULES: dict[type, Callable[[User, Any], bool]] = {
    Trip: may_change_team_record,
    Lead: may_change_team_record,
    Project: may_change_team_record,
    Visit: may_change_visit,
}


def may_change(user: User, record: Any) -> bool:
    """Whether the user may change this record (False for a kind of record no rule covers)."""
    rule = RULES.get(type(record))
    return rule is not None and rule(user, record)


def editable_or_404(model: type[M], record_id: int, user: User, *, refusal: str | None = None) -> M:
    """Load a record the user may change.

    A record they cannot see is not there (404, so ids reveal nothing). One they see but may not change is not
    there either, unless `refusal` says why they may not (a 403 with that reason: a visit seen by its team).
    """
    record = db.session.get(model, record_id)
    if record is None or not may_see_team(user, record.team_id):  # type: ignore[attr-defined]
        abort(404)
    if not may_change(user, record):
        if refusal is None:
            abort(404)
        raise NotAllowed(refusal)
    return record
