"""Input shape of the 督办 forms: issue an order, answer it, send it back; the 台账's filters."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ...extensions import db
from ...models import ProjectIssue, User
from ...web.forms import DayField, options
from ...web.i18n import lazy_gettext as _l
from ..aftercare.forms import MAX_ID, ServiceForm, plausible_day, user_or_none


class OrderForm(ServiceForm):
    """督办: what, to whom (a unit, a person, or both), by when; optionally about one of the project's issues."""

    receiver: User | None = None
    issue: ProjectIssue | None = None
    what = TextAreaField(_l("督办事项"), validators=[DataRequired(_l("请填写督办事项")), Length(max=2000)])
    receiver_unit = StringField(_l("承办单位"), validators=[Optional(), Length(max=100)])
    receiver_id = IntegerField(_l("承办人"), validators=[Optional()])
    deadline = DayField(_l("办理时限"), validators=[InputRequired(_l("请填写办理时限")), plausible_day])
    issue_id = IntegerField(_l("问题诉求"), validators=[Optional()])

    def validate_receiver_id(self, field: Any) -> None:
        self.receiver = user_or_none(field.data)

    def validate_issue_id(self, field: Any) -> None:
        if not field.data:
            return
        self.issue = db.session.get(ProjectIssue, field.data) if 0 < field.data <= MAX_ID else None
        if self.issue is None:
            raise ValidationError(_l("所选问题诉求不存在"))


class AnswerForm(ServiceForm):
    text = TextAreaField(_l("办理情况"), validators=[DataRequired(_l("请填写办理情况")), Length(max=2000)])


class SendBackForm(ServiceForm):
    note = TextAreaField(_l("退回理由"), validators=[DataRequired(_l("请填写退回理由")), Length(max=1000)])


class CloseForm(ServiceForm):
    """销号: no fields but the CSRF token."""


STANDINGS = [("", _l("全部")), ("open", _l("督办中")), ("returned", _l("退回")), ("overdue", _l("已逾期")),
             ("closed", _l("已办结"))]


class LedgerFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    # Only an empty value skips the choice check: plain Optional() would let " " through unchecked.
    status = SelectField(_l("状态"), validators=[Optional(strip_whitespace=False)], choices=options(STANDINGS))
    team = SelectField(_l("专班"), coerce=int, validators=[Optional()])
    receiver = StringField(_l("责任单位/责任人"), validators=[Optional(), Length(max=50)])

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team.choices = options([(0, _l("全部专班")), *teams])

    def filters(self) -> dict[str, Any]:
        """The valid filters; an invalid one is left out rather than refused."""
        self.validate()
        return {"status": self.status.data if not self.status.errors and self.status.data else "",
                "team_id": self.team.data if not self.team.errors and self.team.data else None,
                "receiver": (self.receiver.data or "").strip() if not self.receiver.errors else ""}
