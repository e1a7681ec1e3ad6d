"""The audit trail's filters, read from the query string: who, what, when, which record, with what result."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from ..extensions import db
from ..models import AuditEvent, User
from ..models.enums import AuditResult
from ..web.forms import DayField, options
from ..web.i18n import lazy_gettext as _l
from .queries import TrailCriteria

ALL = ("", _l("全部"))
# The actions the trail holds, named for people; any other action is still found by its code.
ACTIONS = {
    "login": _l("登录"), "login_failed": _l("登录失败"), "login_throttled": _l("登录受限"), "logout": _l("退出"),
    "forbidden": _l("越权访问被拒绝"), "export": _l("导出"), "import": _l("导入"), "insert": _l("新增"),
    "update": _l("修改"), "delete": _l("删除"), "merge": _l("合并"), "merge_undone": _l("撤销合并"),
    "audit_view": _l("查看审计日志"),
    "audit_pruned": _l("清理过期日志"),
}


class TrailFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    user = SelectField(_l("操作人"), coerce=int, default=0)
    action = SelectField(_l("操作"), default="")
    start = DayField(_l("日期自"), validators=[Optional()])
    end = DayField(_l("日期至"), validators=[Optional()])
    entity = StringField(_l("记录类型（如 Project）"), validators=[Optional(), Length(max=64)])
    entity_id = IntegerField(_l("记录编号"), validators=[Optional(), NumberRange(1, 2**31 - 1)])
    result = SelectField(_l("结果"), default="", choices=options([ALL, *AuditResult.choices()]))

    def __init__(self, formdata: Any) -> None:
        super().__init__(formdata)
        # the people the viewer's district holds (the wall keeps the list to it), and anyone its events name
        people = db.session.execute(select(User.id, User.display_name, User.username).order_by(User.username))
        self.user.choices = options([(0, _l("全部"))] + [(i, f"{name}（{login}）") for i, name, login in people])
        known = db.session.scalars(select(AuditEvent.action).distinct())
        self.action.choices = options([ALL, *((code, ACTIONS.get(code, code)) for code in sorted(
            set(ACTIONS) | set(known)))])

    def validate_end(self, field) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("结束日期不能早于开始日期"))

    def criteria(self) -> TrailCriteria:
        return TrailCriteria(user_id=self.user.data or None, action=self.action.data or None, start=self.start.data,
                             end=self.end.data, entity=(self.entity.data or "").strip() or None,
                             entity_id=self.entity_id.data, result=AuditResult(self.result.data)
                             if self.result.data else None)
