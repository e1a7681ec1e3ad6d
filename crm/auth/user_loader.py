"""Loading the signed-in user from the session cookie."""

import secrets

from flask import has_request_context, request

from ..access.declaring import declare_users_reach
from ..core.audit import set_actor
from ..core.database import written_apart
from ..extensions import db, login_manager
from ..models import User, now_utc
from . import sessions_held

sessions_held.register_session_rows()


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Return the user of a live session: its row not ended, made under the user's current token."""
    user_id, token, key = (session_id.split(":") + ["", ""])[:3]
    if not user_id.isdigit() or not token or not key:
        return None
    row = sessions_held.live(db.session, int(user_id), key)
    if row is None:
        return None
    now = now_utc()
    if sessions_held.due(row, now):  # nothing else of the request is pending yet
        with written_apart(db.session):
            sessions_held.touch(row, now)
    user = db.session.get(User, int(user_id), execution_options={"all_districts": True})  # before any reach
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    user.session_key = key
    set_actor(user.id, request.remote_addr if has_request_context() else None)
    declare_users_reach(user)
    return user
