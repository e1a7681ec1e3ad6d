"""A day as people type it: 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日 (or 5号), 20260305, full-width digits too.

The one reading of typed dates: form fields, the API and imported cells all call it. What only a spreadsheet has
(a date cell, an Excel serial number) stays with the import (crm/imports/values.py), which hands its text here.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from ..web.i18n import lazy_gettext as _l
from .refused import Refused

MAX_TYPED = 40  # longer text is not a date someone typed (and is not worth matching)
# [0-9] rather than \d so that other scripts' digits are refused instead of silently read (as in money.py).
_SPELLED = r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*[日号]?"
_COMPACT = r"([0-9]{4})([0-9]{2})([0-9]{2})"  # a phone's digit pad has no hyphen
_TIME = r"(?:[T\s]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"  # a time after the day, dropped
DAY = re.compile(f"{_SPELLED}|{_COMPACT}")
DAY_WITH_TIME = re.compile(f"{_SPELLED}{_TIME}|{_COMPACT}")
MONTH_ONLY = re.compile(r"[0-9]{4}\s*[-/.年]\s*[0-9]{1,2}\s*月?")


def fold_day(text: str) -> str:
    """Full-width to half-width (NFKC), surrounding spaces (the ideographic one too) gone."""
    return unicodedata.normalize("NFKC", text).strip()


def read_day(text: str, *, with_time: bool = False) -> date:
    """The day a typed date names, or Refused saying why not (no such day, no day given, not a date).

    `with_time` also takes a time after the day (2026-03-05 09:30:00, as a spreadsheet writes one), and drops it.
    """
    folded = fold_day(text)
    found = (DAY_WITH_TIME if with_time else DAY).fullmatch(folded) if len(folded) <= MAX_TYPED else None
    if found is None:
        if MONTH_ONLY.fullmatch(folded):
            raise Refused(_l("日期须精确到日：%(text)s", text=folded))
        raise Refused(_l("日期格式不正确：%(text)s", text=folded))
    year, month, day = (int(part) for part in found.groups() if part is not None)
    try:
        return date(year, month, day)
    except ValueError:
        raise Refused(_l("日期不存在：%(text)s", text=folded)) from None


def parse_day(text: str) -> date | None:
    """The day a typed date names, or None when it names none."""
    try:
        return read_day(text)
    except Refused:
        return None
