"""Reading one cell as a value of the domain: text, a date in any common form, an amount with its unit, a count.

Every parser takes the cell as read (str from a csv; str, float, int, bool, date or datetime from a workbook)
and returns the value, None for a blank, or raises `CellError` with a Chinese message naming what was wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from ..domain.days import read_day
from ..domain.money import CURRENCY_WORDS, MAX_YUAN, Amount, AmountError, Unit, parse_amount, yuan_from
from ..domain.refused import Refused
from ..web.i18n import gettext as _

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01; Excel's phantom 1900-02-29 is before any date we take
FIRST_SERIAL, LAST_SERIAL = 29221, 73415  # 1980-01-01 .. 2100-12-31: a serial outside is not a date someone meant
PLACEHOLDERS = frozenset({"-", "--", "—", "——", "/", "\\", "无", "暂无", "n/a", "#n/a", "null", "none"})
PLACEHOLDER_LENGTH = max(len(text) for text in PLACEHOLDERS)
SCALE_CHARS = {Unit.YUAN: "", Unit.WAN: "万", Unit.YI: "亿"}
CURRENCY_NAMES = {code: word for word, code in reversed(CURRENCY_WORDS.items()) if code != "CNY"}
EMPTY: Mapping[str, Decimal] = {}
CNY_PREFIXES = ("人民币", "rmb", "RMB", "CNY", "¥")
_WORDS_LONGEST_FIRST = sorted(CURRENCY_WORDS, key=len, reverse=True)

_SERIAL = re.compile(r"[0-9]{5}(?:\.[0-9]+)?")
_COUNT = re.compile(r"([0-9]+)(?:\.0+)?\s*(?:人|个|名|家|项)?")
_DECIMAL = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(?:亩|平方米|㎡|%)?")
SUMMARY_LABEL = re.compile(r"(?:合计|小计|总计|共计|总合计|累计|其中)|(?:[0-9.]+)?亿元以[上下]")
NOTE_WORDS = ("注", "备注", "说明", "附注", "填报", "填表", "制表", "审核", "联系人", "数据来源", "单位",
              "截至", "截止")
TRUE_WORDS = frozenset({"是", "√", "✓", "✔", "y", "yes", "true", "1", "有"})
FALSE_WORDS = frozenset({"否", "×", "✗", "n", "no", "false", "0", "无", "不是"})


class CellError(Refused):
    """A cell that cannot be read as its column asks; the message is for the user, shown on the cell's row."""


def fold(text: str) -> str:
    """Full-width to half-width (NFKC) and surrounding spaces, including the ideographic one, gone."""
    return unicodedata.normalize("NFKC", text).strip()


def plain_number(number: float | int) -> str:
    """A number as people write it: 1.0 → '1', 0.1 + 0.2 stays as Python prints its shortest repr."""
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return repr(number) if isinstance(number, float) else str(number)


def number_text(cell: Any) -> str:
    """A cell meant as a number, as text to read: a number cell as people write it, text folded to half-width."""
    return plain_number(cell) if isinstance(cell, float | int) and not isinstance(cell, bool) else fold(str(cell))


def is_placeholder(text: str) -> bool:
    """A dash, a slash or 无 standing in for a value: read as blank."""
    return len(text) <= PLACEHOLDER_LENGTH and short_placeholder(text)


@lru_cache(maxsize=4096)
def short_placeholder(text: str) -> bool:
    return fold(text).casefold() in PLACEHOLDERS


def is_empty(cell: Any) -> bool:
    """Whether a cell holds nothing a person would read as a value."""
    if cell is None or cell == "":
        return True
    return isinstance(cell, str) and (cell.isspace() or is_placeholder(cell.strip()))


def text_value(cell: Any) -> str | None:
    """The cell as trimmed text, None when blank; numbers without a trailing .0, dates as YYYY-MM-DD."""
    if cell.__class__ is str:  # the common case first: most cells are text
        text = cell.strip()
        return None if not text or is_placeholder(text) else text
    if is_empty(cell):
        return None
    if isinstance(cell, bool):
        return _("是") if cell else _("否")
    if isinstance(cell, float | int):
        return plain_number(cell)
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip() or None


def first_text(cells: Sequence[Any]) -> str | None:
    """The leftmost cell holding text, spaces removed: where a totals row says what it is."""
    for cell in cells:
        if isinstance(cell, str) and cell.strip():
            return "".join(fold(cell).split())
    return None


def summary_label(cells: Sequence[Any]) -> str | None:
    """The label of a 合计/小计/总计 or size-bucket (亿元以上) row, None for any other row."""
    text = first_text(cells)
    return text if text is not None and SUMMARY_LABEL.match(text) else None


def is_note_start(text: str) -> bool:
    """Whether a line reads as a note (注：…, 填报单位：…) rather than as data."""
    return "".join(fold(text).split()).startswith(NOTE_WORDS)


def parse_date(cell: Any) -> date | None:
    """A date from a date cell, an Excel serial number, or text as crm/domain/days.py reads it (a time after it too)."""
    if is_empty(cell):
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, bool):
        raise CellError(_("日期格式不正确：%(text)s", text=text_value(cell)))
    if isinstance(cell, float | int):
        return serial_date(cell)
    text = fold(str(cell))
    if _SERIAL.fullmatch(text):
        return serial_date(float(text))
    try:
        return read_day(text, with_time=True)
    except Refused as refused:
        raise CellError(str(refused)) from None


def serial_date(serial: float | int) -> date:
    """An Excel serial day number (1900 date system) as a date; a fraction of a day is a time, dropped."""
    if not FIRST_SERIAL <= serial <= LAST_SERIAL:
        raise CellError(_("日期格式不正确：%(text)s", text=plain_number(serial)))
    return EXCEL_EPOCH + timedelta(days=int(serial))


def currency_in(text: str) -> str | None:
    """The currency a typed amount names at its end (元 → CNY, 美元 → USD…), None when it names none."""
    for word in _WORDS_LONGEST_FIRST:
        if text.endswith(word):
            return CURRENCY_WORDS[word]
    return None


def parse_money(cell: Any, *, unit: Unit | None, currency: str = "CNY", rate: Decimal | None = None,
                rates: Mapping[str, Decimal] = EMPTY) -> Amount | None:
    """An amount: the cell's own unit and currency if it writes them (8000万元, 1.5亿, 1.2亿美元), else the header's.

    A foreign amount is converted at `rate` (the row's 汇率), else at `rates[currency]` (yuan per unit); without
    either it is an error.
    """
    if cell.__class__ is float and unit is not None and currency == "CNY" and rate is None and cell == cell:
        return number_amount(cell, unit)  # a number under a header naming its unit: most amounts
    if is_empty(cell):
        return None
    if isinstance(cell, bool) or not isinstance(cell, str | float | int):
        raise CellError(_("金额格式不正确：%(text)s", text=text_value(cell)))
    if isinstance(cell, float) and cell != cell:  # NaN
        raise CellError(_("金额格式不正确：%(text)s", text="NaN"))
    text = "".join(fold(cell).split()) if isinstance(cell, str) else plain_number(cell)
    for prefix in CNY_PREFIXES:  # ¥1.5亿, 人民币8000万元: the sign says renminbi, the rest is the amount
        if text.startswith(prefix):
            text, currency = text.removeprefix(prefix), "CNY"
            break
    written_currency = currency_in(text)
    has_scale = any(char in text for char in "万亿")
    if written_currency is None and currency != "CNY":
        if not has_scale:
            if unit is None:
                raise CellError(_("金额缺少单位（表头或单元格须注明元、万元或亿元）：%(text)s", text=text))
            text += SCALE_CHARS[unit]
        text += CURRENCY_NAMES[currency]
        written_currency = currency
    if written_currency not in (None, "CNY") and rate is None:
        rate = rates.get(written_currency)
    if written_currency not in (None, "CNY") and rate is None:
        raise CellError(_("外币金额需要汇率：请填写“汇率”列，或导入时给出汇率（如 USD=7.1）：%(text)s", text=text))
    scale = None if has_scale or written_currency is not None else unit
    if scale is None and not has_scale and written_currency is None:
        raise CellError(_("金额缺少单位（表头或单元格须注明元、万元或亿元）：%(text)s", text=text))
    try:
        return parse_amount(text, scale, rate)
    except AmountError as error:
        raise CellError(str(error)) from None


def amount_unit(cell: Any, unit: Unit | None) -> tuple[Unit | None, bool]:
    """The unit parse_money read an amount in, and whether the cell wrote it (8000万元) rather than its column."""
    if not isinstance(cell, str):
        return unit, False
    text = "".join(fold(cell).split())
    if "亿" in text:
        return Unit.YI, True
    if "万" in text:
        return Unit.WAN, True
    if currency_in(text) is not None:  # 5000元, 500美元: a unit of one
        return Unit.YUAN, True
    return unit, False


def number_amount(number: float, unit: Unit) -> Amount:
    """A number cell in a renminbi unit, as parse_amount would read its digits."""
    try:
        yuan = yuan_from(Decimal(plain_number(number)), unit)
    except AmountError as error:
        raise CellError(str(error)) from None
    if yuan > MAX_YUAN:
        raise CellError(_("金额过大"))
    return Amount(yuan=yuan)


def parse_rate(cell: Any) -> Decimal | None:
    """An exchange rate in yuan per unit of foreign currency."""
    if is_empty(cell):
        return None
    text = number_text(cell)
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise CellError(_("汇率格式不正确：%(text)s", text=text)) from None
    if not rate.is_finite() or rate <= 0:
        raise CellError(_("汇率必须大于0"))
    return rate


def parse_count(cell: Any) -> int | None:
    """A whole number such as a head count (300, 300人)."""
    if is_empty(cell):
        return None
    text = number_text(cell)
    match = _COUNT.fullmatch(text.replace(",", ""))
    if match is None:
        raise CellError(_("须为整数：%(text)s", text=text))
    return int(match[1])


def parse_decimal(cell: Any) -> Decimal | None:
    """A non-negative decimal such as an area (120.5, 120.5亩)."""
    if is_empty(cell):
        return None
    text = number_text(cell)
    match = _DECIMAL.fullmatch(text.replace(",", ""))
    if match is None:
        raise CellError(_("须为数字：%(text)s", text=text))
    return Decimal(match[1])


def parse_flag(cell: Any) -> bool | None:
    """是/否, √/×, yes/no, a checkbox's TRUE/FALSE."""
    if isinstance(cell, bool):
        return cell
    if cell is None or cell == "" or (isinstance(cell, str) and not cell.strip()):
        return None
    text = fold(cell).casefold() if isinstance(cell, str) else fold(text_value(cell) or "")
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("须填“是”或“否”：%(text)s", text=text))
