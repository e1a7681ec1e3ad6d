"""Money units for investment amounts: canonical value is integer yuan (CNY).

1 亿元 = 10,000 万元 = 100,000,000 元. Only int and Decimal are used, never float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from ..web.i18n import counts_in_wan, gettext
from ..web.i18n import lazy_gettext as _l
from .refused import Refused

YUAN_PER_WAN = 10_000
YUAN_PER_YI = 100_000_000
MAX_YUAN = 10**15

# Decimals this far below one unit round to zero; the guard keeps as_integer_ratio() from
# building astronomically large denominators for inputs like "1e-999999999".
_MIN_ADJUSTED_EXPONENT = -20
# Anything with this many integer digits is far beyond MAX_YUAN in every unit.
_MAX_ADJUSTED_EXPONENT = 20


class Unit(StrEnum):
    YUAN = "yuan"
    WAN = "wan"
    YI = "yi"

    @property
    def factor(self) -> int:
        """Return how many base units one of this unit is."""
        return _FACTORS[self]

    @property
    def label(self) -> str:
        """Return the Chinese label of this unit for CNY (元/万元/亿元)."""
        return _LABELS[self]


_FACTORS: dict[Unit, int] = {Unit.YUAN: 1, Unit.WAN: YUAN_PER_WAN, Unit.YI: YUAN_PER_YI}
_EXPONENTS: dict[Unit, int] = {Unit.YUAN: 0, Unit.WAN: 4, Unit.YI: 8}
_LABELS: dict[Unit, str] = {Unit.YUAN: "元", Unit.WAN: "万元", Unit.YI: "亿元"}
_SCALE_WORDS: dict[str, Unit] = {"万": Unit.WAN, "亿": Unit.YI}

# Currency words as typed after the number; "元" alone means renminbi.
CURRENCY_WORDS: dict[str, str] = {
    "元": "CNY",
    "人民币": "CNY",
    "人民币元": "CNY",
    "美元": "USD",
    "美金": "USD",
    "欧元": "EUR",
    "港元": "HKD",
    "港币": "HKD",
    "日元": "JPY",
    "英镑": "GBP",
}


class AmountError(Refused):
    """Amount text or value that cannot be accepted; the message is user-facing."""


@dataclass(frozen=True)
class Amount:
    yuan: int
    currency: str = "CNY"
    original: int | None = None
    rate: Decimal | None = None


# Only full-width ASCII (U+FF01..U+FF5E) and the ideographic space are folded: NFKC would
# also turn things like circled digits into numbers, which nobody types on purpose.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# [0-9] rather than \d so that other scripts' digits are refused instead of silently read.
# Thousands separators must be well-formed so that a decimal comma ("1,5亿") is not read as 15.
_NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_AMOUNT_RE = re.compile(
    r"(?P<sign>[-+\u2212]?)\s*(?P<number>" + _NUMBER + r")\s*"
    r"(?P<scale>[万亿]?)\s*"
    r"(?P<currency>" + "|".join(sorted(CURRENCY_WORDS, key=len, reverse=True)) + r")?"
)
_RATE_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")


def _fold(text: str) -> str:
    """Fold full-width characters to ASCII and strip surrounding whitespace."""
    return text.translate(_FULLWIDTH).strip()


def _div_half_up(numerator: int, denominator: int) -> int:
    """Divide non-negative integers, rounding half-up."""
    return (2 * numerator + denominator) // (2 * denominator)


def _to_decimal(value: Decimal | int | str) -> Decimal:
    """Turn a plain number into a finite Decimal or raise AmountError."""
    if isinstance(value, bool):
        raise TypeError("bool is not an amount")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(_fold(value).replace(",", ""))
        except InvalidOperation:
            raise AmountError(_l("金额格式不正确：%(text)s", text=value)) from None
    else:
        # Floats are refused because their binary value is not the decimal the user typed.
        raise TypeError(f"amount must be Decimal, int or str, not {type(value).__name__}")
    if not number.is_finite():
        raise AmountError(_l("金额格式不正确：%(text)s", text=str(value)))
    return number


def yuan_from(value: Decimal | int | str, unit: Unit) -> int:
    """Convert a non-negative number in the given unit to whole yuan, rounding half-up."""
    number = _to_decimal(value)
    if number < 0:
        raise AmountError(_l("金额不能为负数"))
    if number == 0 or number.adjusted() < _MIN_ADJUSTED_EXPONENT:
        return 0
    if number.adjusted() > _MAX_ADJUSTED_EXPONENT:
        raise AmountError(_l("金额过大"))
    numerator, denominator = number.as_integer_ratio()
    return _div_half_up(numerator * Unit(unit).factor, denominator)


def to_unit(yuan: int, unit: Unit) -> Decimal:
    """Return the exact value of a yuan amount expressed in the given unit."""
    digits = tuple(int(d) for d in str(abs(yuan)))
    # Building from a tuple avoids context precision, so huge values stay exact.
    return Decimal((1 if yuan < 0 else 0, digits, -_EXPONENTS[Unit(unit)]))


def _format_scaled(yuan: int, unit: Unit, places: int, grouped: bool = False) -> str:
    """Format yuan in the given unit with fixed decimal places, rounding half-up."""
    return _format_power(yuan, _EXPONENTS[unit], places, grouped)


def _format_power(yuan: int, exponent: int, places: int, grouped: bool = False) -> str:
    """Format yuan in units of 10**exponent yuan with fixed decimal places, rounding half-up."""
    if places < 0:
        raise ValueError("places must be >= 0")
    magnitude = abs(yuan)
    if places >= exponent:
        scaled = magnitude * 10 ** (places - exponent)
    else:
        scaled = _div_half_up(magnitude, 10 ** (exponent - places))
    digits = str(scaled).rjust(places + 1, "0")
    whole, fraction = (digits[:-places], digits[-places:]) if places else (digits, "")
    if grouped:
        whole = f"{int(whole):,}"
    text = f"{whole}.{fraction}" if places else whole
    # A value that rounds to zero is shown without a sign: "-0.00" would only confuse.
    return f"-{text}" if yuan < 0 and scaled else text


def format_yi(yuan: int, places: int = 2) -> str:
    """Format yuan as 亿元 with fixed decimal places, no separators, rounding half-up."""
    return _format_scaled(yuan, Unit.YI, places)


def format_wan(yuan: int, places: int = 2) -> str:
    """Format yuan as 万元 with fixed decimal places, no separators, rounding half-up."""
    return _format_scaled(yuan, Unit.WAN, places)


def reading_unit(amount: int, places: int = 2) -> Unit:
    """The unit one amount reads best in: 亿 once it shows as 1.00亿 or more, 万 below."""
    # Decided on the rounded figure, so that 99,999,999 reads 1.00亿 and never 10,000.00万.
    in_wan = Decimal(_format_scaled(abs(amount), Unit.WAN, places))
    return Unit.YI if in_wan >= YUAN_PER_WAN else Unit.WAN


def format_amount(amount: int, unit: Unit | str, places: int = 2) -> str:
    """Format an amount in the given unit for people: thousands separators, fixed decimal places.

    `unit` "auto" picks 亿 or 万 by `reading_unit`. The number carries no unit label, so a
    foreign amount in whole units of its currency is formatted the same way.
    """
    scale = reading_unit(amount, places) if unit == "auto" else Unit(unit)
    return _format_scaled(amount, scale, places, grouped=True)


def format_million(yuan: int, places: int = 0) -> str:
    """Format yuan in millions with separators, rounding half-up: how an English reader is shown amounts."""
    return _format_power(yuan, 6, places, grouped=True)


def counted_in_yi(amount: int, places: int = 2) -> tuple[str, str]:
    """A figure kept in 亿 (a card's) and the unit beside it, in the reader's counting (see `written`).

    572.00 and 亿元 in Chinese; 57,200 and million yuan in English.
    """
    figure = format_amount(amount, Unit.YI, places) if counts_in_wan() else format_million(amount, max(places - 2, 0))
    return figure, yi_unit()


def yi_unit() -> str:
    """The unit beside a figure kept in 亿 (counted_in_yi): 亿元, or million yuan in English."""
    return _LABELS[Unit.YI] if counts_in_wan() else gettext("百万元")


def written(amount: int, unit: Unit | str = "auto", places: int = 2, currency: str | None = None) -> str:
    """An amount with its unit, as a person reads it in their language: the one way a figure is written out.

    Chinese counts in 万 and 亿 (120.00亿元, 800.00万美元); English in millions (12,000M yuan, 8.00M
    USD), to the same precision: 0.01亿 is a million, so a figure in 亿 to two places is exact in whole millions.
    `currency` is the currency's name (元 when None); a foreign amount is in whole units of its own currency.
    """
    scale = reading_unit(amount, places) if unit == "auto" else Unit(unit)
    if counts_in_wan():
        scaled = format_amount(amount, scale, places) + _LABELS[scale].removesuffix("元")
        return scaled + ("元" if currency is None else currency)
    million = format_million(amount, max(places - 2, 0) if scale is Unit.YI else places)
    named = gettext("元") if currency is None else currency
    return gettext("%(amount)s百万%(currency)s", amount=million, currency=named)


def money_filter(yuan: int | None, unit: str = "yi", places: int = 2) -> str:
    """Render yuan for templates with separators and its unit, or an em dash when unknown (see `written`).

    Columns and totals keep one unit ("yi", the default) so that figures line up; a single
    figure on a record's page passes "auto" and reads 3.52亿元 or 800.00万元.
    """
    return "—" if yuan is None else written(yuan, unit, places)


def _parse_rate(rate: Decimal | str | int) -> Decimal:
    """Turn a user-entered exchange rate into a positive Decimal."""
    if isinstance(rate, bool):
        raise TypeError("bool is not a rate")
    if isinstance(rate, str):
        text = _fold(rate)
        if text.startswith(("-", "\u2212")) and _RATE_RE.fullmatch(text[1:].strip()):
            raise AmountError(_l("汇率必须大于0"))
        if not _RATE_RE.fullmatch(text):
            raise AmountError(_l("汇率格式不正确：%(text)s", text=rate))
        value = Decimal(text)
    elif isinstance(rate, Decimal):
        if not rate.is_finite():
            raise AmountError(_l("汇率格式不正确：%(text)s", text=str(rate)))
        value = rate
    elif isinstance(rate, int):
        value = Decimal(rate)
    else:
        raise TypeError(f"rate must be Decimal or str, not {type(rate).__name__}")
    if value <= 0:
        raise AmountError(_l("汇率必须大于0"))
    if not _MIN_ADJUSTED_EXPONENT <= value.adjusted() <= _MAX_ADJUSTED_EXPONENT:
        raise AmountError(_l("汇率格式不正确：%(text)s", text=str(rate)))
    return value


def parse_amount(text: str, unit: Unit | None = None, rate: Decimal | str | None = None) -> Amount:
    """Parse a typed amount such as "8000万元", "1.5亿" or "1.2亿美元" into an Amount.

    `unit` is the unit the form field is labelled with; a unit written in the text must agree
    with it. `rate` (yuan per one unit of foreign currency) is required for foreign amounts and
    ignored for CNY.
    """
    folded = _fold(text)
    if not folded:
        raise AmountError(_l("金额不能为空"))
    match = _AMOUNT_RE.fullmatch(folded)
    if match is None:
        raise AmountError(_l("金额格式不正确：%(text)s", text=text))

    number = Decimal(match["number"].replace(",", ""))
    if match["sign"] in ("-", "\u2212") and number != 0:
        raise AmountError(_l("金额不能为负数"))

    written: Unit | None
    if match["scale"]:
        written = _SCALE_WORDS[match["scale"]]
    elif match["currency"]:
        # "5000元" or "500美元" states a unit of one, so it must not be scaled by the field's unit.
        written = Unit.YUAN
    else:
        written = None
    if written is not None and unit is not None and written != Unit(unit):
        raise AmountError(_l("金额单位与所选单位不一致：%(text)s", text=text))
    scale = written if written is not None else unit
    if scale is None:
        raise AmountError(_l("金额缺少单位（元、万元或亿元）：%(text)s", text=text))

    currency = CURRENCY_WORDS[match["currency"]] if match["currency"] else "CNY"
    whole_units = yuan_from(number, scale)
    if whole_units > MAX_YUAN:
        raise AmountError(_l("金额过大"))
    if currency == "CNY":
        return Amount(yuan=whole_units)

    if rate is None or (isinstance(rate, str) and not rate.strip()):
        raise AmountError(_l("外币金额需要填写汇率（1外币=?元）"))
    rate_value = _parse_rate(rate)
    # Yuan is derived from the stored original so that the record checks out: yuan == original × rate.
    yuan = _times_half_up(whole_units, rate_value)
    if yuan > MAX_YUAN:
        raise AmountError(_l("金额过大"))
    return Amount(yuan=yuan, currency=currency, original=whole_units, rate=rate_value)


def _times_half_up(whole_units: int, rate: Decimal) -> int:
    """Multiply an integer by a Decimal exactly and round half-up to an integer."""
    numerator, denominator = rate.as_integer_ratio()
    return _div_half_up(whole_units * numerator, denominator)
