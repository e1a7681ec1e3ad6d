"""The second step of a sign-in, enrolling a second factor, re-entry, and the account's security page."""

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access.rights import public, requires
from ..core.audit import record
from ..core.database import written_apart
from ..extensions import db
from ..models import User, now_utc
from ..web.forms import form_status
from ..web.i18n import gettext as _
from . import second_factor, services, sessions_held, signing_in
from .factor_forms import CodeForm, ConfirmForm, EndSessionForm, EnrolForm, FactorChangeForm
from .fresh import mark_fresh
from .navigation import client_address, safe_next


def too_many_codes(template: str, form: Any, **context: Any) -> tuple[str, int]:
    flash(_("验证码错误次数过多，请 %(minutes)s 分钟后再试。",
            minutes=int(current_app.config["MFA_FAILURE_WINDOW"].total_seconds() // 60)), "error")
    return render_template(template, form=form, **context), 429


@public
def second_step():
    """The code from the authenticator app (or a recovery code), after the right password."""
    waiting = signing_in.pending()
    if waiting is None or waiting.enrol:
        flash(_("请先输入用户名和密码。"), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/code.html", form=form), form_status()
    user, now = waiting.user, now_utc()
    if second_factor.failures_exhausted(user, now):
        signing_in.drop()
        return too_many_codes("auth/code.html", form)
    if second_factor.check_code(user, form.code.data, now):
        record("login_second_factor", user_id=user.id, entity="User", entity_id=user.id, address=client_address())
        signing_in.finish(user)
        db.session.commit()
        return redirect(safe_next(waiting.next))
    second_factor.note_failure(user, address=client_address(), where="sign-in")
    db.session.commit()
    if signing_in.count_wrong_code() >= current_app.config["MFA_TRIES_PER_SIGN_IN"]:
        signing_in.drop()
        flash(_("验证码错误次数过多，请重新登录。"), "error")
        return redirect(url_for("auth.login"))
    form.code.errors.append(_("验证码不正确，或已经用过"))
    return render_template("auth/code.html", form=form), 401


def enrolling_user() -> tuple[User | None, signing_in.Pending | None]:
    """Who is enrolling: the signed-in user, or one whose sign-in waits for a first enrolment."""
    if current_user.is_authenticated:
        return current_user._get_current_object(), None
    waiting = signing_in.pending()
    if waiting is None or not waiting.enrol:
        return None, None
    return waiting.user, waiting


@public  # also for a sign-in waiting on a first enrolment, which is no session yet
def enrol():
    """Set up an authenticator app: scan the code (or type the secret), confirm with a code, keep recovery codes."""
    user, waiting = enrolling_user()
    if user is None:
        return redirect(url_for("auth.login"))
    if user.has_second_factor:
        return redirect(url_for("auth.account"))
    with written_apart(db.session):  # a GET that writes the secret to confirm: on SQLite it waits its turn
        secret = second_factor.start_enrolment(user)
    form = EnrolForm()
    uri = second_factor.otpauth_uri(user, secret)
    page = {"uri": uri, "qr": second_factor.qr_code(uri), "secret": second_factor.grouped(secret),
            "required": second_factor.required(user)}
    if not form.validate_on_submit():
        return render_template("auth/enrol.html", form=form, **page), form_status()
    codes = second_factor.confirm_enrolment(user, form.code.data, now_utc(), address=client_address())
    if codes is None:
        db.session.rollback()
        form.code.errors.append(_("验证码不正确：请确认手机时间准确，并输入身份验证器当前显示的 6 位数字"))
        return render_template("auth/enrol.html", form=form, **page), 422
    if waiting is not None:
        signing_in.finish(user)
    db.session.commit()
    onward = safe_next(waiting.next) if waiting is not None else url_for("auth.account")
    return render_template("auth/recovery_codes.html", codes=codes, onward=onward)


@requires("account.edit")
def account():
    """The account's security: its second factor and the sessions it holds."""
    return account_page(FactorChangeForm())


def account_page(form: FactorChangeForm, status: int = 200) -> tuple[str, int]:
    user = current_user._get_current_object()
    return render_template("auth/account.html", user=user, form=form, required=second_factor.required(user),
                           codes_left=second_factor.recovery_codes_left(user),
                           held=sessions_held.held(db.session, user),
                           this_session=sessions_held.key_hash(user.session_key or "")), status


def both_entered(form: FactorChangeForm) -> tuple[str, int] | None:
    """Check the password and a code before the factor changes; the page to answer with if either is wrong."""
    user, now = current_user._get_current_object(), now_utc()

    def refused(message: str, status: int) -> tuple[str, int]:
        flash(message, "error")
        return account_page(form, status)
    if not form.validate_on_submit():
        return refused(_("请输入密码和验证码。"), 422)
    try:
        same = services.authenticate(user.username, form.password.data, address=client_address())
    except services.LoginThrottled as wait:
        db.session.commit()
        return refused(_("登录失败次数过多，请 %(seconds)s 秒后再试。", seconds=wait.seconds), 429)
    if same is None or same.id != user.id:
        db.session.commit()
        return refused(_("密码不正确。"), 401)
    if second_factor.failures_exhausted(user, now):
        return refused(_("验证码错误次数过多，请稍后再试。"), 429)
    if not second_factor.check_code(user, form.code.data, now):
        second_factor.note_failure(user, address=client_address(), where="account")
        db.session.commit()
        return refused(_("验证码不正确，或已经用过。"), 401)
    mark_fresh()
    return None


@requires("account.edit")
def disable_second_factor():
    """Turn one's own second factor off (to move it to a new phone, say), with the password and a code."""
    form = FactorChangeForm()
    answer = both_entered(form)
    if answer is not None:
        return answer
    second_factor.disable(current_user, address=client_address())
    db.session.commit()
    flash(_("双因素认证已关闭。"), "success")
    return redirect(url_for("auth.enrol" if second_factor.required(current_user) else "auth.account"))


@requires("account.edit")
def new_recovery_codes():
    """Replace one's recovery codes, with the password and a code; the old ones stop working."""
    form = FactorChangeForm()
    answer = both_entered(form)
    if answer is not None:
        return answer
    codes = second_factor.new_recovery_codes(current_user)
    record("recovery_codes_renewed", user_id=current_user.id, entity="User", entity_id=current_user.id,
           address=client_address())
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, onward=url_for("auth.account"))


@requires("account.edit")
def end_session():
    """End one of one's own sessions (a phone left behind, a shared computer)."""
    form = EndSessionForm()
    if not form.validate_on_submit():
        abort(400)
    if not sessions_held.end(db.session, current_user, form.session.data, now_utc()):
        abort(404)
    db.session.commit()
    flash(_("已结束该登录会话。"), "success")
    return redirect(url_for("auth.account"))


@requires("account.edit")
def confirm():
    """Enter the password (or a code) again before a privileged action."""
    user = current_user._get_current_object()
    form = ConfirmForm(next=request.args.get("next", ""))
    page = {"has_factor": user.has_second_factor}
    if not form.validate_on_submit():
        return render_template("auth/confirm.html", form=form, **page), form_status()
    now = now_utc()
    if form.code.data and user.has_second_factor:
        if second_factor.failures_exhausted(user, now):
            return too_many_codes("auth/confirm.html", form, **page)
        if not second_factor.check_code(user, form.code.data, now):
            second_factor.note_failure(user, address=client_address(), where="confirm")
            db.session.commit()
            form.code.errors.append(_("验证码不正确，或已经用过"))
            return render_template("auth/confirm.html", form=form, **page), 401
    elif form.password.data:
        try:
            same = services.authenticate(user.username, form.password.data, address=client_address())
        except services.LoginThrottled as wait:
            db.session.commit()
            flash(_("登录失败次数过多，请 %(seconds)s 秒后再试。", seconds=wait.seconds), "error")
            return render_template("auth/confirm.html", form=form, **page), 429
        db.session.commit()
        if same is None or same.id != user.id:
            form.password.errors.append(_("密码不正确"))
            return render_template("auth/confirm.html", form=form, **page), 401
    else:
        form.password.errors.append(_("请输入密码或验证码"))
        return render_template("auth/confirm.html", form=form, **page), 422
    db.session.commit()
    mark_fresh()
    return redirect(safe_next(form.next.data))
