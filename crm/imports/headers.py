"""Finding the header row below titles and notes, and mapping its headers to a kind's fields.

A `Layout` says where the header row is (its row number as the user sees it), which field each column fills
(`Column.field`, None when the column is not read) and the unit its amounts are in when the header states one
(总投资（亿元） → 亿元; 投资额（万美元） → 万元 in USD; else a 单位：万元 line above the header, else none).
Its `signature` identifies the shape of the file (the kind and the header texts in order), so that the mapping a
user confirmed is found again for the next file of that shape (see crm/imports/mapping.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from ..domain.money import CURRENCY_WORDS, Unit
from ..web.i18n import gettext as _
from .fields import FIELDS, Field, Type, field_named
from .reading import ImportRefused, Table
from .values import text_value

HEADER_SEARCH_ROWS = 30  # titles, notes and a 单位 line come first; a header lower than this is not looked for
MIN_HEADER_MATCHES = 2

_SCALES = (("亿", Unit.YI), ("万", Unit.WAN), ("", Unit.YUAN))
# 亿元人民币, 万美元, 元…: longest first, so that 万美元 is not read as 美元 nor 元.
UNIT_SUFFIXES: tuple[tuple[str, Unit, str], ...] = tuple(sorted(
    {(f"{scale}{word}{tail}", unit, code) for word, code in CURRENCY_WORDS.items() for scale, unit in _SCALES
     for tail in ("", "人民币" if code == "CNY" else "")}
    | {(f"人民币{scale}元", unit, "CNY") for scale, unit in _SCALES if scale}
    | {("亿", Unit.YI, "CNY"), ("万", Unit.WAN, "CNY")},
    key=lambda suffix: len(suffix[0]), reverse=True))
_UNIT_LINE = re.compile(r"(?:金额|投资额|投资)?单位[:：]?\s*(?P<unit>[^\s,，;；()（）]+)")  # 单位：万元（注明…）: 万元


def header_key(text: Any) -> str:
    """A header as compared: full-width folded, lower case, without spaces, brackets, colons or other marks."""
    return text_key(text_value(text) or "")


@lru_cache(maxsize=8192)
def text_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(char for char in folded if not (char.isspace() or unicodedata.category(char)[0] in "PSZ"))


def split_unit(key: str) -> tuple[str, Unit | None, str]:
    """A header key without its trailing unit, the unit, and the currency (总投资亿元 → 总投资, 亿, CNY)."""
    for suffix, unit, currency in UNIT_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)], unit, currency
    return key, None, "CNY"


def unit_of_text(text: str) -> tuple[Unit | None, str]:
    """The unit a text such as 万元 or 亿美元 names, and its currency."""
    base, unit, currency = split_unit("x" + header_key(text))
    return (unit, currency) if base == "x" else (None, "CNY")


@cache
def alias_index(kind: str) -> dict[str, Field]:
    """Every alias of a kind's fields, as header keys; the first field to claim an alias keeps it."""
    index: dict[str, Field] = {}
    for field in FIELDS[kind]:
        for alias in field.aliases:
            index.setdefault(header_key(alias), field)
    return index


def match_header(kind: str, text: Any) -> tuple[Field | None, Unit | None, str]:
    """The field a header means, and the unit and currency it states."""
    key = header_key(text)
    if not key:
        return None, None, "CNY"
    index = alias_index(kind)
    base, unit, currency = split_unit(key)
    if key in index:
        field = index[key]
        return field, unit if field.type is Type.MONEY else None, currency
    if base in index and index[base].type is Type.MONEY:
        return index[base], unit, currency
    if base in index and unit is None:
        return index[base], None, "CNY"
    return None, None, "CNY"


@dataclass(frozen=True)
class Column:
    """One column of the header row and what it is read as."""

    index: int  # 0-based, A = 0
    header: str  # as written
    field: str | None  # the field it fills, None when not read
    unit: Unit | None = None  # for amounts: the unit of bare numbers
    currency: str = "CNY"  # for amounts: the currency of bare numbers

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "header": self.header, "field": self.field,
                "unit": self.unit.value if self.unit else None, "currency": self.currency}


@dataclass(frozen=True)
class Layout:
    """Where a table's header is and what each of its columns means for a kind."""

    kind: str
    header_row: int  # 1-based, as the user sees it
    columns: tuple[Column, ...]
    signature: str
    remembered: bool = False  # the mapping was the one confirmed for the last file of this shape
    stated_unit: Unit | None = None  # a 单位：万元 line above the header
    stated_currency: str = "CNY"

    def column_for(self, field: str) -> Column | None:
        """The column that fills a field (the leftmost, if several claim it)."""
        return next((column for column in self.columns if column.field == field), None)

    def missing(self) -> list[Field]:
        """Required fields no column fills."""
        filled = {column.field for column in self.columns}
        return [field for field in FIELDS[self.kind] if field.required and field.name not in filled]

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "header_row": self.header_row, "signature": self.signature,
                "remembered": self.remembered, "columns": [column.as_dict() for column in self.columns]}


def row_headers(cells: Sequence[Any]) -> list[str]:
    """The header texts of a row, up to its last non-empty cell."""
    texts = [text_value(cell) or "" for cell in cells]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def signature(kind: str, headers: Sequence[str]) -> str:
    """The shape of a file: its kind and its header texts in order, as compared."""
    text = kind + "\x1e" + "\x1f".join(header_key(header) for header in headers)
    return hashlib.sha256(text.encode()).hexdigest()


def candidate_rows(table: Table) -> list[tuple[int, list[str]]]:
    """The rows where a header may be, among the first ones: (row number, header texts)."""
    return [(number, headers) for number, cells in enumerate(table.rows[:HEADER_SEARCH_ROWS], start=1)
            if len(headers := row_headers(cells)) >= MIN_HEADER_MATCHES]


def candidate_signatures(table: Table, kind: str) -> list[str]:
    """The signatures the file would have with each candidate row as its header: what to look up in memory."""
    return [signature(kind, headers) for _number, headers in candidate_rows(table)]


def stated_unit(table: Table, header_row: int) -> tuple[Unit | None, str]:
    """A 单位：万元 line above the header (or at the header row's end), for headers that state no unit."""
    for cells in table.rows[:header_row]:
        for cell in cells:
            text = text_value(cell)
            if text and (match := _UNIT_LINE.search(unicodedata.normalize("NFKC", text))):
                unit, currency = unit_of_text(match["unit"])
                if unit is not None:
                    return unit, currency
    return None, "CNY"


def mapped_columns(kind: str, headers: Sequence[str], default: tuple[Unit | None, str],
                   above: Sequence[Any] = ()) -> tuple[Column, ...]:
    """Each header's field by its aliases; a field claimed twice is read from its leftmost column only.

    An amount's unit is its header's, else that of the cell above it (投资额（亿元） spanning 总投资 and 固投 in a
    two-row header), else the table's 单位 line.
    """
    columns: list[Column] = []
    claimed: set[str] = set()
    for index, header in enumerate(headers):
        if not header.strip():
            continue
        field, unit, currency = match_header(kind, header)
        name = field.name if field is not None and field.name not in claimed else None
        if name is not None and field is not None and field.type is not Type.IGNORE:
            claimed.add(name)
        if field is not None and field.type is Type.MONEY and unit is None and index < len(above):
            _base, unit, currency = split_unit(header_key(above[index]))
        if field is not None and field.type is Type.MONEY and unit is None:
            unit, currency = default
        columns.append(Column(index, header.strip(), name, unit, currency))
    return tuple(columns)


def detect_layout(table: Table, kind: str, remembered: Mapping[str, Sequence[Mapping[str, Any]]] = {}) -> Layout:
    """Find the header row and map its columns: a remembered shape first, else the row naming most fields.

    `remembered` maps signatures to the columns confirmed for that shape (as `Column.as_dict()` gives them).
    """
    if kind not in FIELDS:
        raise ImportRefused(_("未知的导入类型：%(kind)s", kind=kind), "kind")
    best: tuple[int, int, list[str]] | None = None
    for number, headers in candidate_rows(table):
        shape = signature(kind, headers)
        if shape in remembered:
            columns = tuple(Column(int(c["index"]), str(c["header"]), c.get("field"),
                                   Unit(c["unit"]) if c.get("unit") else None, c.get("currency") or "CNY")
                            for c in remembered[shape])
            return Layout(kind, number, columns, shape, True, *stated_unit(table, number))
        fields = {field.name for header in headers if (field := match_header(kind, header)[0]) is not None}
        required = any(field.required for field in FIELDS[kind] if field.name in fields)
        score = len(fields)
        if required and score >= MIN_HEADER_MATCHES and (best is None or score > best[1]):
            best = (number, score, headers)
    if best is None:
        message = _("找不到表头行：前%(n)s行中没有一行能对应到所需的列（如项目名称、投资方）", n=HEADER_SEARCH_ROWS)
        raise ImportRefused(message, "no_header")
    number, _score, headers = best
    stated = stated_unit(table, number)
    above = table.rows[number - 2] if number >= 2 else []
    columns = mapped_columns(kind, headers, stated, above)
    return Layout(kind, number, columns, signature(kind, headers), False, *stated)


def parse_unit(text: str) -> tuple[Unit, str]:
    """A unit as typed in a mapping: 亿元, 万元, 元, 万美元, or yi / wan / yuan."""
    if text in ("yi", "wan", "yuan"):
        return Unit(text), "CNY"
    unit, currency = unit_of_text(text)
    if unit is None:
        raise ImportRefused(_("无法识别的金额单位：%(unit)s", unit=text), "mapping")
    return unit, currency


def change_mapping(layout: Layout, changes: Mapping[int | str, str | None]) -> Layout:
    """The layout with some columns mapped otherwise, as the user chose.

    Keys are column indexes or header texts (compared as header keys); values are a field name or its label
    (项目名称), optionally followed by a unit for amounts (``total_investment:万元``), or None / "" to not read
    the column. A field chosen for one column is taken off any other column that had it.
    """
    columns = {column.index: column for column in layout.columns}
    for key, target in changes.items():
        index = key if isinstance(key, int) else next(
            (c.index for c in layout.columns if header_key(c.header) == header_key(key)), None)
        if index is None or index not in columns:
            raise ImportRefused(_("表头中没有这一列：%(header)s", header=str(key)), "mapping")
        column = columns[index]
        if not target:
            columns[index] = replace(column, field=None)
            continue
        name, _sep, unit_text = target.partition(":")
        try:
            field = field_named(layout.kind, name.strip())
        except KeyError:
            raise ImportRefused(_("没有这个字段：%(field)s", field=name), "mapping") from None
        unit, currency = column.unit, column.currency
        if unit_text.strip():
            unit, currency = parse_unit(unit_text.strip())
        elif field.type is Type.MONEY and column.field != field.name:
            _base, unit, currency = split_unit(header_key(column.header))
            if unit is None:
                unit, currency = layout.stated_unit, layout.stated_currency
        for other in columns.values():
            if other.field == field.name and field.type is not Type.IGNORE:
                columns[other.index] = replace(other, field=None)
        columns[index] = replace(column, field=field.name, unit=unit if field.type is Type.MONEY else None,
                                 currency=currency if field.type is Type.MONEY else "CNY")
    return replace(layout, columns=tuple(columns[i] for i in sorted(columns)), remembered=False)
