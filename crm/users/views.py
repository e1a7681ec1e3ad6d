"""The security administrator's pages for accounts: create, edit, deactivate, reset a password; the policy."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access.accounts import may_reset_password
from ..access.rights import requires
from ..auth import second_factor
from ..auth import services as accounts
from ..auth.fresh import fresh_sign_in_required
from ..core.stale_edits import StaleEdit, beside_stored
from ..domain.refused import Refused
from ..extensions import db
from ..models import Role, User
from ..web.forms import form_status
from ..web.i18n import gettext as _
from ..web.pagination import paginate
from ..web.refusals import refused
from . import services
from .duties import policy_in_force
from .forms import NewUserForm, PasswordResetForm, UserForm


@requires("users.manage")
def index():
    """List the district's users, and the password and sign-in policy in force."""
    page = paginate(select(User).order_by(User.role, User.team_id, User.username))
    return render_template("users/index.html", page=page, policy=policy_in_force())


@requires("users.manage")
@fresh_sign_in_required
def create():
    """Add a user."""
    form = NewUserForm()
    if not form.validate_on_submit():
        return render_template("users/form.html", form=form, user=None), form_status()
    try:
        user = services.create_account(actor=current_user, username=form.username.data, password=form.password.data,
                                       **account_fields(form))
    except Refused as error:
        return refused(error, "users/form.html", form, user=None)
    db.session.commit()
    flash(_("已添加用户 %(name)s", name=user.display_name), "success")
    return redirect(url_for("users.index"))


def account_fields(form: UserForm) -> dict[str, Any]:
    """What the account form says of a user, as the services take it."""
    return {"display_name": form.display_name.data, "title": form.title.data or None, "role": Role(form.role.data),
            "team_id": form.team_id.data, "active": form.active.data}


@requires("users.manage")
@fresh_sign_in_required
def edit(user_id: int):
    """Change a user's name, role, team or whether they may sign in."""
    user = db.get_or_404(User, user_id)
    form = UserForm(user=user)
    if request.method == "GET":
        form.team_id.data = user.team_id or 0
    if not form.validate_on_submit():
        return render_template("users/form.html", form=form, user=user), form_status()
    try:
        services.edit_account(user, actor=current_user, version=int(form.version.data), **account_fields(form))
    except StaleEdit:
        db.session.rollback()
        return render_template("users/form.html", form=form, user=user, conflict=stale_conflict(form, user_id)), 409
    except Refused as error:
        return refused(error, "users/form.html", form, user=user)
    db.session.commit()
    flash(_("已保存"), "success")
    return redirect(url_for("users.index"))


def stale_conflict(typed: UserForm, user_id: int) -> list[tuple[str, str, str]]:
    """What is stored now beside what the user typed; the form keeps what they typed, at the stored version."""
    user = db.get_or_404(User, user_id)
    stored = UserForm(formdata=None, user=user)
    stored.team_id.data = user.team_id or 0
    return beside_stored(typed, stored, user.version)


@requires("users.manage")
@fresh_sign_in_required
def deactivate(user_id: int):
    """Stop a user from signing in; their sessions end at once."""
    user = db.get_or_404(User, user_id)
    try:
        services.deactivate_account(user, actor=current_user)
    except Refused as error:
        flash(error.message, "error")
        return redirect(url_for("users.index"))
    db.session.commit()
    flash(_("已停用 %(name)s，其登录已失效", name=user.display_name), "success")
    return redirect(url_for("users.index"))


@requires("users.manage")
@fresh_sign_in_required
def reset_password(user_id: int):
    """Set a new password for a user; their sessions end."""
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm(account_name=user.username)
    if not form.validate_on_submit():
        return render_template("users/password.html", form=form, user=user), form_status()
    if not may_reset_password(current_user, user):
        abort(400)
    accounts.set_password(user, form.password.data)
    db.session.commit()
    flash(_("已重置 %(name)s 的密码", name=user.display_name), "success")
    return redirect(url_for("users.index"))


@requires("users.manage")
@fresh_sign_in_required
def reset_second_factor(user_id: int):
    """Take away a user's second factor (a lost phone); they enrol again at their next sign-in."""
    user = db.get_or_404(User, user_id)
    second_factor.reset(user, actor=current_user, address=request.remote_addr)
    db.session.commit()
    flash(_("已重置 %(name)s 的双因素认证，其登录已失效", name=user.display_name), "success")
    return redirect(url_for("users.edit", user_id=user.id))
