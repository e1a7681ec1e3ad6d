"""The security administrator's changes to accounts: add, edit, deactivate; each flushes, never commits.

Refusals are `Refused` (crm.auth.services.AccountError): a taken name, a lead without a team, a change to one's own
role or one's own deactivation (crm/users/duties.py).
"""

from ..auth import services as accounts
from ..core.stale_edits import bump_version
from ..extensions import db
from ..models import Role, Team, User
from .duties import check_own_account


def team_named(team_id: int | None) -> Team | None:
    """The team a form's choice names (0: none)."""
    return db.session.get(Team, team_id) if team_id else None


def create_account(*, actor: User, username: str, display_name: str, role: Role, password: str,
                   team_id: int | None, title: str | None, active: bool) -> User:
    """Add an account of the actor's district, signing in at once or not."""
    user = accounts.create_user(username=username, display_name=display_name, role=role, password=password,
                                team=team_named(team_id), title=title, actor=actor)
    user.active = active
    return user


def edit_account(user: User, *, actor: User, version: int, display_name: str, title: str | None, role: Role,
                 team_id: int | None, active: bool) -> None:
    """Change an account; a new role ends its sessions, so new rights take effect at the next sign-in.

    Raises StaleEdit before anything is applied when the account changed since the form was opened.
    """
    check_own_account(user, actor=actor, role=role, active=active)
    bump_version(user, version)  # before anything is applied: a stale edit applies nothing
    if not active and user.active:
        accounts.deactivate_user(user, actor=actor)
    elif active:
        user.active = True
    if role != user.role:
        user.end_sessions()
    user.display_name = display_name
    user.title = title
    user.role = role
    user.team = team_named(team_id)


def deactivate_account(user: User, *, actor: User) -> None:
    """Stop a user from signing in; their sessions end, and an edit form opened before is stale."""
    accounts.deactivate_user(user, actor=actor)
    bump_version(user)  # an edit form opened before would switch the account back on
