"""Forms of the second factor, re-entry and the sessions an account holds."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..web.i18n import lazy_gettext as _l

CODE_FIELD = {"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off", "spellcheck": "false"}


class CodeForm(FlaskForm):
    """The second step of a sign-in: a code from the app, or a recovery code."""

    code = StringField(_l("验证码（身份验证器中的 6 位数字，或一个恢复码）"),
                       validators=[DataRequired(), Length(max=32)], render_kw=CODE_FIELD)


class EnrolForm(FlaskForm):
    code = StringField(_l("身份验证器显示的 6 位验证码"), validators=[DataRequired(), Length(max=32)],
                       render_kw=CODE_FIELD | {"inputmode": "numeric"})


class ConfirmForm(FlaskForm):
    """Re-entry before a privileged action: the password, or a code from the app."""

    password = PasswordField(_l("密码"), validators=[Optional(), Length(max=256)])
    code = StringField(_l("或身份验证器中的 6 位验证码"), validators=[Optional(), Length(max=32)],
                       render_kw=CODE_FIELD)
    next = HiddenField()


class FactorChangeForm(FlaskForm):
    """Turning the second factor off, or new recovery codes: the password and a code, both."""

    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=256)])
    code = StringField(_l("验证码（身份验证器中的 6 位数字，或一个恢复码）"),
                       validators=[DataRequired(), Length(max=32)], render_kw=CODE_FIELD)


class EndSessionForm(FlaskForm):
    session = IntegerField(validators=[DataRequired()])  # the id of one of the user's own sessions
