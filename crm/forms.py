"""Form pieces every feature shares."""

from collections.abc import Iterable
from typing import Any

from wtforms.fields import SelectChoice


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into select options."""
    return [SelectChoice(value, str(label)) for value, label in pairs]
