"""Sign-in and account forms."""

from typing import Any

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..web.forms import options
from ..web.i18n import join_clauses
from ..web.i18n import lazy_gettext as _l
from .passwords import password_problems


class StrongPassword:
    """Refuse a password the site's policy does not accept, saying all that it lacks.

    The username is read from the form's `username` field, or else from `form.account_name`.
    """

    def __call__(self, form: Any, field: Field) -> None:
        username = form.username.data if "username" in form else getattr(form, "account_name", None)
        problems = password_problems(field.data or "", current_app.config, username=username)
        if problems:
            raise ValidationError(join_clauses(problems))


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=256)])
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(), Length(max=256)])
    new = PasswordField(_l("新密码"), validators=[DataRequired(), Length(max=256), StrongPassword()])
    confirm = PasswordField(_l("再次输入新密码"),
                            validators=[DataRequired(), EqualTo("new", message=_l("两次输入的密码不一致"))])

    def __init__(self, *args: Any, account_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_name = account_name


class LanguageForm(FlaskForm):
    locale = SelectField(_l("语言"), choices=options([("zh_CN", "中文"), ("en", "English")]))
