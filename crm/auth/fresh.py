"""Re-entry before privileged actions: the password (or a code) must have been entered within REAUTH_WINDOW.

Signing in counts, and so does /auth/confirm. A view that changes who may do what or what counts (users,
verification, voiding, merging) or lets a whole district's records out (exports) carries
`@fresh_sign_in_required`; when the last entry is older, a GET is sent to /auth/confirm and back, and a POST is
refused before it does anything and sent there too, to come back to the page it was made from.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, overload
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user

from ..models import User, now_utc
from ..web.i18n import gettext as _

F = TypeVar("F", bound=Callable[..., Any])
ENTERED_AT = "auth_at"  # in the session cookie: when the password or a code was last entered


def mark_fresh() -> None:
    """The user has just entered their password or a code."""
    session[ENTERED_AT] = now_utc().timestamp()


def is_fresh() -> bool:
    """Whether the password or a code was entered within REAUTH_WINDOW."""
    entered = session.get(ENTERED_AT)
    if not isinstance(entered, int | float):
        return False
    window = current_app.config["REAUTH_WINDOW"]  # a timedelta, or seconds from FLASK_REAUTH_WINDOW
    seconds = window.total_seconds() if isinstance(window, timedelta) else float(window)
    return now_utc().timestamp() - entered <= seconds


def way_back() -> str:
    """Where to come back to after re-entry: this page for a GET, the page a POST was sent from otherwise."""
    rule = request.url_rule
    if request.method in ("GET", "HEAD"):
        return request.full_path if request.query_string else request.path
    if rule is not None and "GET" in (rule.methods or ()):
        return request.path  # the form this POST came from
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("dashboard.index")


def ask_again() -> Any:
    flash(_("这是一项重要操作，请再次输入密码或验证码以确认是你本人。"), "info")
    return redirect(url_for("auth.confirm", next=way_back()))


@overload
def fresh_sign_in_required(view: F) -> F: ...
@overload
def fresh_sign_in_required(*, when: Callable[[User], bool]) -> Callable[[F], F]: ...


def fresh_sign_in_required(view: Any = None, *, when: Callable[[User], bool] | None = None) -> Any:
    """Ask for the password again before the view runs, if it was entered too long ago (only `when` it applies)."""
    def wrap(inner: F) -> F:
        @wraps(inner)
        def checked(*args: Any, **kwargs: Any) -> Any:
            applies = when is None or when(current_user._get_current_object())
            if applies and current_user.is_authenticated and not is_fresh():
                return ask_again()
            return inner(*args, **kwargs)
        return checked  # type: ignore[return-value]
    return wrap(view) if view is not None else wrap
