"""Input shape of the service forms; the project page renders them as plain inputs with these names."""

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ...access.districts import team_choices
from ...core.stale_edits import version_field
from ...extensions import db
from ...models import IssueStatus, PathNode, ServiceItemStatus, Team, User
from ...web.forms import MAX_ID, DayField, options
from ...web.i18n import join_clauses, labelled
from ...web.i18n import lazy_gettext as _l


def plausible_day(form: FlaskForm, field: Any) -> None:
    """Refuse dates no project work could bear (a mistyped year)."""
    if field.data is not None and not date(2000, 1, 1) <= field.data <= date(2100, 12, 31):
        raise ValidationError(_l("日期不正确"))




def user_or_none(user_id: int | None) -> User | None:
    """The user an id names; 0 or blank names nobody."""
    if not user_id:
        return None
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise ValidationError(_l("所选用户不存在"))
    return user


class ServiceForm(FlaskForm):
    def problems(self) -> str:
        """The refusals, one per field, as one line to show on the page."""
        return join_clauses(errors[0] if self[name].type == "HiddenField"  # a version: its message stands alone
                            else labelled(self[name].label.text, errors[0]) for name, errors in self.errors.items())


class AssignForm(ServiceForm):
    chief_officer: User | None = None  # set by validation; a blank choice never reaches it
    members: list[User]
    chief_officer_id = IntegerField(_l("首席服务官"), validators=[Optional()])
    member_ids = SelectMultipleField(_l("服务专班"), coerce=int, validate_choice=False)

    def validate_chief_officer_id(self, field: Any) -> None:
        self.chief_officer = user_or_none(field.data)

    def validate_member_ids(self, field: Any) -> None:
        wanted = {i for i in field.data or [] if 0 < i <= MAX_ID}
        self.members = list(db.session.scalars(select(User).where(User.id.in_(wanted)))) if wanted else []
        if len(self.members) != len(set(field.data or [])):
            raise ValidationError(_l("所选用户不存在"))


class ItemForm(ServiceForm):
    owner: User | None = None
    name = StringField(_l("事项名称"), validators=[DataRequired(_l("请填写事项名称")), Length(max=100)])
    owner_id = IntegerField(_l("负责人"), validators=[Optional()])
    due_on = DayField(_l("办理时限"), validators=[Optional(), plausible_day])
    node = SelectField(_l("所属节点"), default="", choices=options([("", _l("不关联节点")), *PathNode.choices()]))

    def validate_owner_id(self, field: Any) -> None:
        self.owner = user_or_none(field.data)


class ItemUpdateForm(ServiceForm):
    owner: User | None = None
    status = SelectField(_l("状态"), choices=options(ServiceItemStatus.choices()), validators=[InputRequired()])
    owner_id = IntegerField(_l("负责人"), validators=[Optional()])
    due_on = DayField(_l("办理时限"), validators=[Optional(), plausible_day])
    done_on = DayField(_l("办结日期"), validators=[Optional(), plausible_day])
    version = version_field()

    def validate_owner_id(self, field: Any) -> None:
        self.owner = user_or_none(field.data)


class CompleteForm(ServiceForm):
    """The one-tap 完成 of a 代办事项: only the version the item was shown at."""

    version = version_field()


class IssueForm(ServiceForm):
    raised_on = DayField(_l("提出日期"), validators=[InputRequired(_l("请填写提出日期")), plausible_day])
    description = TextAreaField(_l("问题描述"), validators=[DataRequired(_l("请填写问题描述")), Length(max=2000)])
    responsible_unit = StringField(_l("责任单位"), validators=[Optional(), Length(max=100)])


class AdvanceForm(ServiceForm):
    to = SelectField(_l("推进至"), choices=options(IssueStatus.choices()), validators=[InputRequired()])
    on = DayField(_l("日期"), validators=[Optional(), plausible_day])


class IssueFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    # Only an empty value skips the choice check: plain Optional() would let " " or "\r" through unchecked.
    status = SelectField(_l("状态"), validators=[Optional(strip_whitespace=False)], choices=options(
        [("", _l("全部")), ("open", _l("未销号")), *IssueStatus.choices()]))
    team = SelectField(_l("专班"), coerce=int, validators=[Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = db.session.execute(select(Team.id, Team.name).order_by(Team.active.desc(), Team.name))
        self.team.choices = options([(0, _l("全部专班")), *team_choices(teams)])

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is left out rather than refused."""
        self.validate()
        status = self.status.data if not self.status.errors else ""
        return {"open_only": status == "open",
                "status": IssueStatus(status) if status and status != "open" else None,
                "team_id": self.team.data if not self.team.errors else None}
