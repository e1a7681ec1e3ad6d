"""The security administrator's pages for accounts: create, edit, deactivate, reset a password; the policy."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access.rights import requires
from ..auth import second_factor
from ..auth import services as accounts
from ..auth.fresh import fresh_sign_in_required
from ..core.stale_edits import StaleEdit, bump_version, differences
from ..extensions import db
from ..models import Role, Team, User
from ..web.forms import form_status
from ..web.i18n import gettext as _
from ..web.pagination import paginate
from .duties import check_own_account, policy_in_force
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
        user = accounts.create_user(
            username=form.username.data, display_name=form.display_name.data, role=Role(form.role.data),
            password=form.password.data, team=db.session.get(Team, form.team_id.data) if form.team_id.data else None,
            title=form.title.data or None, actor=current_user)
    except accounts.AccountError as error:
        flash(str(error), "error")
        return render_template("users/form.html", form=form, user=None), 422
    user.active = form.active.data
    db.session.commit()
    flash(_("已添加用户 %(name)s", name=user.display_name), "success")
    return redirect(url_for("users.index"))


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
        check_own_account(user, actor=current_user, role=Role(form.role.data), active=form.active.data)
    except accounts.AccountError as error:
        flash(str(error), "error")
        return render_template("users/form.html", form=form, user=user), 422
    try:
        bump_version(user, int(form.version.data))  # before anything is applied: a stale edit applies nothing
    except StaleEdit:
        db.session.rollback()
        conflict = stale_conflict(form, user_id)
        return render_template("users/form.html", form=form, user=user, conflict=conflict), 409
    if not form.active.data and user.active:
        try:
            accounts.deactivate_user(user, actor=current_user)
        except accounts.AccountError as error:
            flash(str(error), "error")
            return render_template("users/form.html", form=form, user=user), 422
    elif form.active.data:
        user.active = True
    if form.role.data != user.role:
        user.end_sessions()  # new rights take effect at the next sign-in
    user.display_name = form.display_name.data
    user.title = form.title.data or None
    user.role = Role(form.role.data)
    user.team = db.session.get(Team, form.team_id.data) if form.team_id.data else None
    db.session.commit()
    flash(_("已保存"), "success")
    return redirect(url_for("users.index"))


def stale_conflict(typed: UserForm, user_id: int) -> list[tuple[str, str, str]]:
    """What is stored now beside what the user typed; the form keeps what they typed, at the stored version."""
    user = db.get_or_404(User, user_id)
    stored = UserForm(formdata=None, user=user)
    stored.team_id.data = user.team_id or 0
    typed.version.data = str(user.version)  # saving again now is a choice made having seen the newer values
    return differences(stored, typed)


@requires("users.manage")
@fresh_sign_in_required
def deactivate(user_id: int):
    """Stop a user from signing in; their sessions end at once."""
    user = db.get_or_404(User, user_id)
    try:
        accounts.deactivate_user(user, actor=current_user)
    except accounts.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("users.index"))
    bump_version(user)  # an edit form opened before would switch the account back on
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
    if user.id == current_user.id:
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
