"""Input shape of the path's forms: a node's dates and unit, and a district's path and thresholds."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..models import PathNode
from ..projects.lifecycle.forms import first_problem
from ..reports.colours import Thresholds
from ..web.forms import DayField, options
from ..web.i18n import lazy_gettext as _l
from .services import StepSetting

DAYS = NumberRange(0, 3650, _l("天数须在0到3650之间"))


class NodeForm(FlaskForm):
    node = SelectField(_l("节点"), choices=options(PathNode.choices()),
                       validators=[InputRequired(_l("请选择节点"))])
    planned_on = DayField(_l("计划日期"), validators=[Optional()])
    actual_on = DayField(_l("实际日期"), validators=[Optional()])
    responsible_unit = StringField(_l("责任单位"), validators=[Optional(), Length(max=100)])

    def problems(self) -> str:
        return first_problem(self)


class SettingsForm(FlaskForm):
    """Each node's on/off, order and default days from signing (fields named <node>_on …), and N, M, K."""

    soon_days = IntegerField(_l("临近提醒天数（N）"), validators=[InputRequired(_l("请填写天数")), DAYS])
    late_days = IntegerField(_l("逾期转红天数（M）"), validators=[InputRequired(_l("请填写天数")), DAYS])
    issue_days = IntegerField(_l("问题诉求转红天数（K）"), validators=[InputRequired(_l("请填写天数")), DAYS])

    def problems(self) -> str:
        return first_problem(self)

    def steps(self) -> list[StepSetting]:
        return [StepSetting(node, self[f"{node.value}_on"].data, self[f"{node.value}_position"].data,
                            self[f"{node.value}_offset"].data) for node in PathNode]

    def thresholds(self) -> Thresholds:
        return Thresholds(self.soon_days.data, self.late_days.data, self.issue_days.data)

    def fill(self, steps: list[StepSetting], rule: Thresholds) -> None:
        """Show what is stored (on a GET)."""
        for step in steps:
            self[f"{step.node.value}_on"].data = step.enabled
            self[f"{step.node.value}_position"].data = step.position
            self[f"{step.node.value}_offset"].data = step.offset_days
        self.soon_days.data, self.late_days.data, self.issue_days.data = \
            rule.soon_days, rule.late_days, rule.issue_days


def _node_fields(form: Any) -> None:
    for node in PathNode:
        setattr(form, f"{node.value}_on", BooleanField(node.label))
        setattr(form, f"{node.value}_position", IntegerField(
            _l("顺序"), validators=[InputRequired(_l("请填写顺序")), NumberRange(1, 99, _l("顺序须在1到99之间"))]))
        setattr(form, f"{node.value}_offset", IntegerField(_l("签约后天数"), validators=[Optional(), DAYS]))


_node_fields(SettingsForm)
