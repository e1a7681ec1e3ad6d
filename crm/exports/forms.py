"""What every export takes from its page: the filter form's refusal message, the period in the title, labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..domain.periods import Period
from ..web.forms import field_errors
from ..web.i18n import gettext as _

# Periods people name (2026年, 2026年第1季度, 2026年3月, 2026年1—3月累计) stand before the list's name.
NAMED_PERIODS = frozenset({"year", "quarter", "month", "ytd"})


def form_errors(form: Any) -> str:
    """The form's errors as one message: which filter, and what is wrong with it."""
    return _("筛选条件有误：%(problems)s", problems=field_errors(form) or _("无法识别"))


def period_title(district: str, name: str, period: Period | None) -> str:
    """张湾区2026年第1季度招商引资签约项目清单; a custom range follows the name in brackets, no period none."""
    if period is None:
        return _("%(district)s%(name)s", district=district, name=name)
    if period.kind in NAMED_PERIODS:
        return _("%(district)s%(period)s%(name)s", district=district, period=period.label, name=name)
    return _("%(district)s%(name)s（%(period)s）", district=district, name=name, period=period.label)


def labels(choice: Any) -> Mapping[Any, str]:
    """A Choice's labels in the request's language, translated once for the whole file."""
    return {member: str(member.label) for member in choice}
