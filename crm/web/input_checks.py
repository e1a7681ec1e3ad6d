"""Refusing the one character no database here keeps alike: NUL."""

from typing import Any

from flask import request

from .errors import render_error
from .i18n import gettext as _

NUL = "\x00"


def holds_nul(value: Any) -> bool:
    """Whether a value, or any text inside it (keys of objects too), contains NUL."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(holds_nul(item) for item in value)
    return False


def refuse_nul() -> Any:
    """Before each request: PostgreSQL refuses NUL in text (SQLite keeps it), so refuse it on both, up front."""
    sent: list[Any] = [request.path, list(request.args.lists())]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        sent += [list(request.form.lists()), [upload.filename for upload in request.files.values()]]
        if request.is_json:
            sent.append(request.get_json(silent=True))
    if holds_nul(sent):
        return render_error(400, _("提交的内容含有空字符（NUL），无法保存，请删除后重新提交。"))
    return None
