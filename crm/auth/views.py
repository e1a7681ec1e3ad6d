"""Sign-in, sign-out and the user's own account."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from ..access.rights import public, requires
from ..extensions import db
from ..web.forms import form_status
from ..web.i18n import gettext as _
from . import devices, second_factor, services, signing_in
from .forms import LanguageForm, LoginForm, PasswordChangeForm
from .navigation import client_address, safe_next
from .pages import throttled
from .passwords import policy_summary


@public
def login():
    """Sign in with a username and password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), form_status()
    try:
        user = services.authenticate(form.username.data, form.password.data, address=client_address(),
                                     device=devices.presented())
    except services.LoginThrottled as wait:
        return throttled("auth/login.html", form, wait, retry_after=True)
    db.session.commit()
    if user is None:
        flash(_("用户名或密码不正确。"), "error")
        return render_template("auth/login.html", form=form), 401
    onward = signing_in.password_right(user, safe_next(form.next.data))
    db.session.commit()
    return redirect(onward)


@requires("account.edit")
def logout():
    """Sign out, ending every session of this user."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("已退出登录。"), "info")
    return redirect(url_for("auth.login"))


def password_page(form: PasswordChangeForm) -> str:
    return render_template("auth/password.html", form=form, password_policy=policy_summary(current_app.config))


@requires("account.edit")
def change_password():
    """Change one's own password; other sessions end."""
    form = PasswordChangeForm(account_name=current_user.username)
    if not form.validate_on_submit():
        return password_page(form), form_status()
    if not services.check_password(current_user, form.current.data):
        form.current.errors.append(_("当前密码不正确"))
        return password_page(form), 422
    user = current_user._get_current_object()
    services.set_password(user, form.new.data)
    db.session.commit()
    signing_in.finish(user)  # this session is made anew under the new token; the others stop working
    db.session.commit()
    flash(_("密码已修改，其他设备上的登录已失效。"), "success")
    return redirect(url_for("dashboard.index"))


@requires("account.edit")
def set_language():
    """Choose the language of the interface."""
    form = LanguageForm()
    if form.validate_on_submit() and form.locale.data in current_app.config["LANGUAGES"]:
        current_user.locale = form.locale.data
        db.session.commit()
    return redirect(safe_next(request.referrer and urlsplit(request.referrer).path))


def enforce_session_limits():
    """Before each request: end sessions idle too long or older than the absolute limit."""
    if not current_user.is_authenticated:
        return None
    now = datetime.now(UTC).timestamp()
    cfg = current_app.config
    login_at = session.get("login_at", 0)
    seen_at = session.get("seen_at", 0)
    if (now - login_at > cfg["SESSION_ABSOLUTE_LIMIT"].total_seconds()
            or now - seen_at > cfg["SESSION_IDLE_LIMIT"].total_seconds()):
        logout_user()
        session.clear()
        if request.blueprint == "api":
            abort(401)
        flash(_("登录已过期，请重新登录。"), "info")
        return redirect(url_for("auth.login", next=request.path))
    if now - seen_at > 60:  # refresh at most once a minute, so the cookie does not churn
        session["seen_at"] = now
    return enrolment_first()


OPEN_WHILE_ENROLLING = frozenset({"auth.enrol", "auth.logout", "static"})


def enrolment_first():
    """A user whose role requires a second factor and who has none reaches nothing before enrolling."""
    if (not second_factor.required(current_user) or current_user.has_second_factor
            or request.endpoint in OPEN_WHILE_ENROLLING):
        return None
    if request.blueprint == "api":
        abort(403)
    return redirect(url_for("auth.enrol"))
