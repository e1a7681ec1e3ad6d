"""Turning JSON values into typed input, with a message per field the user can act on."""

import uuid
from datetime import date
from typing import Any

from ..domain.days import parse_day
from ..web.i18n import gettext as _
from ..web.i18n import join_names
from ..web.routing import MAX_ID
from .errors import ApiError


class Fields:
    """Collects the values of a JSON object and the errors of its fields."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.errors: dict[str, str] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise ApiError(422, _("提交的内容有误：%(fields)s", fields=join_names(self.errors)), self.errors)

    def uuid(self, name: str) -> str:
        value = self.body.get(name)
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return str(uuid.UUID(value))  # one spelling per UUID, so a replay is always recognised
        except ValueError:
            self.fail(name, _("必须是 UUID"))
            return ""

    def text(self, name: str, limit: int, *, required: bool = False) -> str | None:
        value = self.body.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, _("必须填写"))
            return None
        if not isinstance(value, str):
            self.fail(name, _("必须是文字"))
            return None
        if len(value) > limit:
            self.fail(name, _("最多%(n)s字", n=limit))
            return None
        return value

    def integer(self, name: str) -> int | None:
        value = self.body.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
            self.fail(name, _("必须是正整数编号"))
            return None
        return value

    def integers(self, name: str, limit: int = 50) -> list[int]:
        value = self.body.get(name)
        if value is None:
            return []
        if (not isinstance(value, list) or len(value) > limit
                or not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_ID for v in value)):
            self.fail(name, _("必须是编号列表（最多%(n)s个）", n=limit))
            return []
        return value

    def day(self, name: str, *, required: bool = False) -> date | None:
        value = self.body.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, _("必须填写"))
            return None
        day = parse_day(value) if isinstance(value, str) else None
        if day is None:
            self.fail(name, _("日期格式应为 YYYY-MM-DD"))
        return day

    def choice(self, name: str, enum: type, default: Any) -> Any:
        value = self.body.get(name, default.value)
        try:
            return enum(value)
        except ValueError:
            self.fail(name, _("取值无效"))
            return default
