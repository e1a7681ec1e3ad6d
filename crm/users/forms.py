"""Forms for managing users."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..auth.forms import StrongPassword
from ..core.stale_edits import version_field
from ..extensions import db
from ..models import Role, Team, User
from ..web.forms import options
from ..web.i18n import lazy_gettext as _l


def team_choices() -> list[SelectChoice]:
    """Active teams for a select field, with 'none' first."""
    teams = db.session.scalars(select(Team).where(Team.active.is_(True)).order_by(Team.name))
    return options([(0, _l("（无）"))] + [(t.id, t.name) for t in teams])


class UserForm(FlaskForm):
    display_name = StringField(_l("姓名"), validators=[DataRequired(), Length(max=64)])
    title = StringField(_l("职务"), validators=[Optional(), Length(max=64)])
    # a district's admin manages its own people: city (市招商局) accounts are made on the command line
    role = SelectField(_l("角色"), choices=options(c for c in Role.choices() if c[0] != Role.CITY.value))
    team_id = SelectField(_l("专班"), coerce=int)
    active = BooleanField(_l("启用"), default=True)
    version = version_field()

    def __init__(self, *args, user: User | None = None, **kwargs) -> None:
        super().__init__(*args, obj=user, **kwargs)
        self.team_id.choices = team_choices()
        if user is None:
            del self.version  # a new account has no version to be stale against
        elif self.is_submitted():
            self.version.data = next(iter(self.version.raw_data or []), None)  # what was sent, never the stored one

    def validate_team_id(self, field) -> None:
        if self.role.data in (Role.LEAD, Role.MEMBER) and not field.data:
            raise ValidationError(_l("专班负责人和专班成员必须属于一个专班"))


class NewUserForm(UserForm):
    username = StringField(_l("用户名"), validators=[
        DataRequired(), Length(min=2, max=64),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("用户名只能包含字母、数字、下划线、点和横线"))])
    password = PasswordField(_l("初始密码"), validators=[DataRequired(), Length(max=256), StrongPassword()])

    def validate_username(self, field) -> None:
        taken = select(User.id).where(User.username == field.data).execution_options(all_districts=True)
        if db.session.scalar(taken) is not None:  # usernames are unique in the whole city
            raise ValidationError(_l("该用户名已被使用"))


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(), Length(max=256), StrongPassword()])

    def __init__(self, *args, account_name: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account_name = account_name
