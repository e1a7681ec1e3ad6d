"""The rules of 三员分立 for account changes: a security administrator cannot raise or retire themself.

Each account holds one role, so no account holds two of the duties (business admin, security administrator,
audit administrator). A security administrator manages every other account of the district; changing their own
role, or deactivating themself, needs a second security administrator. Every role change is a change to the
user record, so the audit trail holds it with its before and after.
"""

from __future__ import annotations

from flask import current_app

from ..auth.passwords import policy_summary
from ..auth.services import AccountError
from ..models import Role, User
from ..web.i18n import gettext as _


def check_own_account(user: User, *, actor: User, role: Role, active: bool) -> None:
    """Refuse a change of the actor's own role, or their own deactivation."""
    if user.id != actor.id:
        return
    if role is not user.role:
        raise AccountError(_("不能修改自己的角色：请另一位安全管理员办理"))
    if not active and user.active:
        raise AccountError(_("不能停用自己的账号"))


def policy_in_force() -> dict[str, object]:
    """The password policy and the roles that must sign in with a second factor, as the settings hold them."""
    config = current_app.config
    required = config.get("MFA_REQUIRED_ROLES", [])
    roles = [str(role.label) for role in Role if role.value in required]
    return {"password": policy_summary(config), "mfa_roles": roles}
