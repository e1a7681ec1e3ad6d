"""Input shape of the project page's lifecycle, verification and evidence forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ...models import ProjectStatus
from ...web.forms import DayField, options
from ...web.i18n import labelled
from ...web.i18n import lazy_gettext as _l
from .verification import DOCUMENT_KINDS


def first_problem(form: FlaskForm) -> str:
    """The first refused field of a form, as one line for the user."""
    for name, errors in form.errors.items():
        label = form[name].label.text if name in form else ""
        return labelled(label, errors[0]) if label else str(errors[0])
    return str(_l("提交的内容无法处理，请返回重试。"))


class LifecycleForm(FlaskForm):
    def problems(self) -> str:
        """The first refused field, as one line to show on the page."""
        return first_problem(self)


class AdvanceForm(LifecycleForm):
    to = SelectField(_l("新状态"), choices=options((s.value, s.label) for s in ProjectStatus
                                                   if s is not ProjectStatus.SIGNED))
    on = DayField(_l("日期"), validators=[InputRequired(_l("请填写日期"))])
    reason = TextAreaField(_l("终止原因"), validators=[Optional(), Length(max=2000)])


class PlannedForm(LifecycleForm):
    planned_start_on = DayField(_l("计划开工日期"), validators=[Optional()])
    planned_production_on = DayField(_l("计划投产日期"), validators=[Optional()])
    planned_capacity_on = DayField(_l("计划达产日期"), validators=[Optional()])


class MilestoneForm(LifecycleForm):
    name = StringField(_l("节点名称"), validators=[Optional(), Length(max=100)])
    planned_on = DayField(_l("计划日期"), validators=[Optional()])
    achieved_on = DayField(_l("实际日期"), validators=[Optional()])


class VerifyForm(LifecycleForm):
    note = TextAreaField(_l("认定说明"), validators=[Optional(), Length(max=2000)])


class ReasonForm(LifecycleForm):
    """Withdrawing a verification and voiding a project both need a reason."""

    reason = TextAreaField(_l("原因"), validators=[Optional(), Length(max=2000)])  # required: the service says why


class DocumentForm(LifecycleForm):
    kind = SelectField(_l("材料类别"), choices=options(DOCUMENT_KINDS.items()))
    file = FileField(_l("文件"), validators=[FileRequired(_l("请选择文件"))])
