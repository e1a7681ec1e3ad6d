"""What the sign-in pages answer when a step says no: too many tries, a wrong entry, back to the password."""

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ..extensions import db
from ..web.i18n import gettext as _
from ..web.refusals import show_refusal
from .services import NotConfirmed
from .throttle import LoginThrottled


def throttled(template: str, form: Any, wait: LoginThrottled, *, retry_after: bool = False,
              **context: Any) -> ResponseReturnValue:
    """Too many wrong passwords: say how long to wait (keeping the audit trail's note of the refusal), 429."""
    db.session.commit()
    flash(_("登录失败次数过多，请 %(seconds)s 秒后再试。", seconds=wait.seconds), "error")
    page = render_template(template, form=form, **context)
    return (page, 429, {"Retry-After": str(wait.seconds)}) if retry_after else (page, 429)


def not_confirmed(error: NotConfirmed, template: str, form: Any, **context: Any) -> ResponseReturnValue:
    """A wrong password or code: keep its note in the audit trail, and show the form again with the reason."""
    db.session.commit()
    show_refusal(form, error)
    return render_template(template, form=form, **context), error.status


def to_login(message: str, category: str) -> ResponseReturnValue:
    """Back to the password, saying why."""
    flash(message, category)
    return redirect(url_for("auth.login"))
