"""The second step of a sign-in, enrolling a second factor, re-entry, and the account's security page."""


from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access.rights import public, requires
from ..core.audit import record
from ..domain.refused import Refused
from ..extensions import db
from ..models import User, now_utc
from ..web.forms import form_status
from ..web.i18n import gettext as _
from ..web.refusals import refused
from . import second_factor, services, sessions_held, signing_in
from .factor_forms import CodeForm, ConfirmForm, EndSessionForm, EnrolForm, FactorChangeForm
from .fresh import mark_fresh
from .navigation import client_address, safe_next
from .pages import not_confirmed, throttled, to_login


@public
def second_step():
    """The code from the authenticator app (or a recovery code), after the right password."""
    waiting = signing_in.pending()
    if waiting is None or waiting.enrol:
        return to_login(_("请先输入用户名和密码。"), "info")
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/code.html", form=form), form_status()
    entry = signing_in.enter_code(waiting, form.code.data, address=client_address())
    db.session.commit()
    if entry is second_factor.Entry.ACCEPTED:
        return redirect(safe_next(waiting.next))
    if entry is second_factor.Entry.START_AGAIN:
        return to_login(_("验证码错误次数过多，请重新登录。"), "error")
    return not_confirmed(services.code_refusal(entry), "auth/code.html", form)


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
    if user is None or user.has_second_factor:
        return redirect(url_for("auth.login" if user is None else "auth.account"))
    page = second_factor.enrolment_page(user)
    form = EnrolForm()
    if not form.validate_on_submit():
        return render_template("auth/enrol.html", form=form, **page), form_status()
    try:
        codes = signing_in.complete_enrolment(user, waiting, form.code.data, address=client_address())
    except Refused as error:
        return refused(error, "auth/enrol.html", form, **page)
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
    try:
        services.confirm_identity(user, password=form.password.data, code=form.code.data, address=client_address())
    except services.LoginThrottled as wait:
        return throttled("auth/confirm.html", form, wait, **page)
    except services.NotConfirmed as error:
        return not_confirmed(error, "auth/confirm.html", form, **page)
    db.session.commit()
    mark_fresh()
    return redirect(safe_next(form.next.data))
