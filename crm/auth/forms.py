"""Sign-in and account forms."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import options
from ..i18n import lazy_gettext as _l

MIN_PASSWORD = 10


class LoginForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(), Length(max=256)])
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(), Length(max=256)])
    new = PasswordField(_l("新密码"), validators=[DataRequired(), Length(min=MIN_PASSWORD, max=256)])
    confirm = PasswordField(_l("再次输入新密码"),
                            validators=[DataRequired(), EqualTo("new", message=_l("两次输入的密码不一致"))])


class LanguageForm(FlaskForm):
    locale = SelectField(_l("语言"), choices=options([("zh_CN", "中文"), ("en", "English")]))
