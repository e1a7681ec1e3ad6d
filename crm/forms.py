"""Form pieces every feature shares."""

from collections.abc import Iterable
from typing import Any

from flask import request
from wtforms.fields import SelectChoice


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into select options."""
    return [SelectChoice(value, str(label)) for value, label in pairs]


def form_status() -> int:
    """The status of a form page: 200 when first shown, 422 when a submission was refused."""
    return 422 if request.method == "POST" else 200
