"""How each kind of work declares its reach: a request once its user is known, a command of the command line."""

from __future__ import annotations

from functools import wraps
from typing import Any

import click
from flask import Flask, g
from flask_login import user_logged_in

from ..models import Role
from .tenancy import Reach, current, declare, forget, restore, within


def reach_of(user: Any) -> Reach | None:
    """The reach of a signed-in user: the city reads every district, anyone else their own; nobody, none."""
    if user is None or not user.is_authenticated:
        return None
    if user.role is Role.CITY:
        return Reach(None, "the city's bureau reads every district")
    return Reach(user.district_id, "a district's user reads their district")


def declare_users_reach(user: Any) -> None:
    """The request's user is known (loaded from the session, or just signed in): from now on it reads as they may.

    Called where the user becomes known rather than at a fixed point of the request, so an error page rendered
    before the request's own hooks ran (a body too large, refused while the form is read) reads as its user too.
    """
    reach = reach_of(user)
    if reach is None:
        forget()
    else:
        declare(reach.district_id, reach.why)


def _forget_the_reach() -> None:
    g.reach_token = forget()  # a worker thread's last request must not lend this one its reach


def _restore_the_reach(_error: BaseException | None) -> None:
    token = g.pop("reach_token", None)
    if token is not None:
        restore(token)


def commands_reach(command: click.Command) -> None:
    """Run a command line command (and a group's commands) in every district, unless it declared one itself.

    The command line is the operator's: it reads every district, and --district narrows it (`district_option`).
    """
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            commands_reach(sub)
    callback = command.callback
    if callback is None or getattr(callback, "_reach_declared", False):
        return

    @wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        if current() is not None:
            return callback(*args, **kwargs)
        with within(None, "the operator's command line"):
            return callback(*args, **kwargs)
    run._reach_declared = True  # type: ignore[attr-defined]
    command.callback = run


def register_tenancy(app: Flask) -> None:
    """Forget any reach as a request starts (before anything else reads), restore the one before at its end.

    The user's reach is declared when the user becomes known: `crm/sessions.py` loads them, or they sign in.
    """
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_the_reach)
    app.teardown_request(_restore_the_reach)
    user_logged_in.connect(lambda _app, user: declare_users_reach(user), app, weak=False)
