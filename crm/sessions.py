"""Loading the signed-in user from the session cookie."""

import secrets

from flask import has_request_context, request

from .access.declaring import declare_users_reach
from .audit import set_actor
from .extensions import db, login_manager
from .models import User


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Return the user of a session whose token is still the user's current one."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id), execution_options={"all_districts": True})  # before any reach
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    set_actor(user.id, request.remote_addr if has_request_context() else None)
    declare_users_reach(user)
    return user
