"""What an export is made of: a titled table of typed columns, its rows streamed, and rows under them.

The same table is written as .xlsx (crm/exports/xlsx.py) or .csv (crm/exports/csvfile.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..domain.money import YUAN_PER_YI
from ..web.i18n import gettext as _

# How a column's values are written. Amounts arrive as integer yuan and are shown in 亿元 with two decimals.
TEXT = "text"  # a short text
LONG = "long"  # a text that may run long: wrapped in a capped column
INT = "int"  # a count, or a row number
YI = "yi"  # integer yuan, shown in 亿元, 0.00
DATE = "date"  # a datetime.date
PERCENT = "percent"  # a Decimal per cent (85.3 is 85.3%), or None
POINTS = "points"  # a Decimal score, 0.00
NUMBER = "number"  # any number as it is (int, float or Decimal)

KINDS = frozenset({TEXT, LONG, INT, YI, DATE, PERCENT, POINTS, NUMBER})

# Spreadsheet programs run a cell whose text starts with one of these as a formula (OWASP "CSV injection");
# the full-width forms are included because some programs fold them when a file is opened.
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")


@dataclass(frozen=True)
class Column:
    """One column: its header (with the unit, where it has one), how its values are written, its widest width."""

    header: str
    kind: str = TEXT
    max_width: int = 30  # in character cells: a Chinese character takes two

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


def district_column(districts: Any) -> list[Column]:
    """The 区县 column of a list holding every district's records (the city's: the DistrictNames of its work), put
    after the team; none for one district's list, whose every row would say the same."""
    return [Column(_("区县"), TEXT, 12)] if districts is not None else []


@dataclass
class Table:
    """A sheet: a title row, the header row, the data rows (read when written) and rows under them (totals)."""

    sheet: str
    title: str
    columns: Sequence[Column]
    rows: Callable[[], Iterable[Sequence[Any]]]
    footer: Callable[[], list[Sequence[Any]]] = list
    frozen_columns: int = 0  # columns kept in view when scrolling right, besides the frozen header


@dataclass
class Export:
    """A list ready to write: its tables (a CSV holds the first one only), file name, and what the audit notes."""

    name: str
    filename: str  # without the suffix
    tables: list[Table]
    rows: int  # data rows of the first table
    filters: dict[str, str] = field(default_factory=dict)


@dataclass
class Tally:
    """The data rows a writer has taken from a table so far: what the file holds, for the audit trail."""

    rows: int = 0

    def counted(self, table: Table) -> Table:
        """The table, its rows counted as the writer takes them."""
        source = table.rows

        def rows() -> Iterable[Sequence[Any]]:
            for row in source():
                self.rows += 1
                yield row
        return replace(table, rows=rows)


def display_width(text: str) -> int:
    """The width of a text in character cells: CJK characters take two, ASCII one.

    UTF-8 spends three bytes on a CJK character and one on ASCII, so (bytes + characters) / 2 counts 2 and 1.
    """
    return (len(text.encode()) + len(text)) // 2


def formula_safe(text: str) -> str:
    """Text a spreadsheet program shows as written: a leading apostrophe where it could start a formula."""
    first = text[:1]
    if first in FORMULA_STARTS or (first == " " and text.lstrip(" ")[:1] in FORMULA_STARTS):
        return "'" + text
    return text


def yi_text(yuan: int) -> str:
    """Yuan as 亿元 text, exact to the yuan and with at least two decimals: 3.50, 2.675, 1.23456789."""
    sign = "-" if yuan < 0 else ""
    whole, rest = divmod(abs(yuan), YUAN_PER_YI)
    decimals = f"{rest:08d}".rstrip("0").ljust(2, "0")
    return f"{sign}{whole}.{decimals}"


def yi_decimal(amount: int | Decimal) -> Decimal:
    """An amount in yuan (possibly fractional, like a prorated target) as 亿元, exact to two decimals."""
    return (Decimal(amount) / YUAN_PER_YI).quantize(Decimal("0.01"), ROUND_HALF_UP)
