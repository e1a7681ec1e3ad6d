"""Rules of a project record on plain values, one place for the form, the services and the signing-list import.

Each check raises `Refused(message, field)`, `field` naming the project form's field it concerns.
"""

import re
from collections.abc import Iterable
from datetime import date

from ...domain.refused import Refused
from ...web.i18n import gettext as _


def code_prefix(district_code: str, year: int) -> str:
    """The stem of a signing year's codes: {district}-{year}-."""
    return f"{district_code}-{year}-"


def serial_of(code: str, prefix: str) -> int | None:
    """The serial a code of the prefix carries (ZW-2024-007 → 7), None for a code not numbered so."""
    found = re.fullmatch(re.escape(prefix) + r"([0-9]+)", code)
    return int(found[1]) if found else None


def highest_serial(codes: Iterable[str], prefix: str) -> int:
    """The highest serial among codes of the prefix, 0 when none is numbered so."""
    return max((serial for code in codes if (serial := serial_of(code, prefix)) is not None), default=0)


def project_code(prefix: str, serial: int) -> str:
    """A code, {prefix}{NNN}: three digits at the least, more once a year passes 999 signings."""
    return f"{prefix}{serial:03d}"


def check_fixed_within_total(total_yuan: int | None, fixed_yuan: int | None) -> None:
    """Fixed-asset investment is part of the total, so never above it."""
    if total_yuan is not None and fixed_yuan is not None and fixed_yuan > total_yuan:
        raise Refused(_("固定资产投资不能大于总投资"), "fixed_asset_investment")


def check_signed_before_start(signed_on: date, started_on: date | None) -> None:
    """A project is signed before it starts, or on the same day."""
    if started_on is not None and signed_on > started_on:
        raise Refused(_("签约日期不能晚于开工日期"), "signed_on")
