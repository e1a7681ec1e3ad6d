"""The navigation's bell: how many unread reminders the signed-in person has, read once per page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, g
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..access.rights import may
from . import services


def unread_of_the_page() -> int | None:
    """The bell's number, counted the first time the page asks (None: not to be had, the page goes without it)."""
    if "reminders_unread" not in g:
        try:
            g.reminders_unread = services.unread_count(current_user)
        except SQLAlchemyError as error:  # an error page after a failed statement: the page matters, not the bell
            current_app.logger.warning("reminder bell not counted: %s", error)
            g.reminders_unread = None
    return g.reminders_unread


def bell_context() -> dict[str, Callable[[], Any] | None]:
    """`reminder_bell` for the templates: a function giving the unread count, or None where there is no bell (not
    signed in, the city, the security and audit administrators: they have no reminders)."""
    if not (current_user.is_authenticated and may(current_user, "reminders.view")):
        return {"reminder_bell": None}
    return {"reminder_bell": unread_of_the_page}
