"""The preview: every data row's fate before anything is written, and what the import would create besides.

`preview_import(table, layout, options)` reads every row below the header and returns a `Preview` whose `rows`
hold one `RowOutcome` per row, numbered as the user sees them:

- NEW: will be imported;
- DUPLICATE: matches a record on file (`duplicate_of`, `duplicate_label`); updated or skipped as the options say;
- ERROR: cannot be imported, `reasons` say why (the import is then refused as a whole);
- SKIPPED: blank, 合计/小计/总计 or size-bucket row, note or section row (`reasons` say which).

`Preview.new_teams`, `new_enterprises` (to be confirmed before the import may run) and `new_industries` (for
information) list what the rows name that is not on file. Nothing is written, so a preview may be thrown away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from ..enterprises.services import InvalidCreditCode, clean_credit_code
from ..web.i18n import gettext as _
from ..web.i18n import join_names, labelled
from .fields import FIELDS, Field, Type
from .headers import Column, Layout, header_key
from .kinds import RULES, Rules
from .lookups import Lookups, NewEnterprise, split_origin
from .outcomes import Fate, ImportOptions, RowOutcome
from .parsed import RowReading
from .reading import ImportRefused, Table
from .values import (
    CellError,
    is_note_start,
    is_placeholder,
    parse_count,
    parse_date,
    parse_decimal,
    parse_flag,
    parse_money,
    parse_rate,
    summary_label,
    text_value,
)

Progress = Callable[[int, int], None]  # (rows done, rows in all)
PROGRESS_EVERY = 1000


@dataclass
class Preview:
    """What an import would do, row by row, and what it would create besides."""

    table: Table = field(repr=False)
    layout: Layout
    options: ImportOptions
    rows: list[RowOutcome]
    lookups: Lookups = field(repr=False)

    @property
    def kind(self) -> str:
        return self.layout.kind

    @property
    def errors(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.fate is Fate.ERROR]

    @property
    def ok(self) -> bool:
        """Whether the import may run: no row in error (new teams and enterprises still need confirming)."""
        return not self.errors

    @property
    def new_teams(self) -> list[str]:
        return list(self.lookups.new_teams.values())

    @property
    def new_enterprises(self) -> list[NewEnterprise]:
        return list(self.lookups.new_enterprises.values())

    @property
    def new_industries(self) -> list[str]:
        return sorted(self.lookups.new_industries.values())

    @cached_property
    def readings(self) -> RowReading:
        """What each row was read as: `readings.of(row)` (crm/imports/parsed.py)."""
        return RowReading(self.table, self.layout, self.lookups)

    @property
    def needs_confirmation(self) -> bool:
        """New teams or enterprises are named and the user has not confirmed creating them."""
        return bool(self.new_teams or self.new_enterprises) and not self.options.confirm_new

    def counts(self) -> dict[str, int]:
        """Rows per fate, and how many rows the import would insert, update and leave."""
        counts = {fate.value: 0 for fate in Fate}
        for row in self.rows:
            counts[row.fate.value] += 1
        update = self.options.duplicates == "update"
        counts |= {"rows": len(self.rows), "insert": counts["new"],
                   "update": counts["duplicate"] if update else 0, "unchanged": 0 if update else counts["duplicate"]}
        return counts

    def as_dict(self) -> dict[str, Any]:
        """Everything the preview says, as JSON can hold it."""
        return {"kind": self.kind, "file": self.table.file_name, "sheet": self.table.sheet,
                "layout": self.layout.as_dict(), "duplicates": self.options.duplicates, "counts": self.counts(),
                "ok": self.ok, "needs_confirmation": self.needs_confirmation, "new_teams": self.new_teams,
                "new_enterprises": [new.as_dict() for new in self.new_enterprises],
                "new_industries": self.new_industries,
                "rows": [row.as_dict() | {"read": self.readings.of(row)} for row in self.rows]}


def choice_index(field: Field) -> dict[str, Any]:
    return {header_key(word): value for word, value in field.choices.items()}


def read_choice(field: Field, index: dict[str, Any], cell: Any) -> tuple[Any, str | None]:
    """A choice's value, and the cell's text when a lenient field matched it by its start or not at all."""
    text = text_value(cell)
    if text is None:
        return None, None
    key = header_key(text)
    if key in index:
        return index[key], None
    if field.lenient:
        start = max((word for word in index if key.startswith(word)), key=len, default=None)
        return (index[start] if start else None), text
    raise CellError(_("无法识别：%(text)s（可填：%(choices)s）", text=text,
                      choices=join_names(str(member.label) for member in dict.fromkeys(field.choices.values()))))


class RowReader:
    """Reads a row's cells into field values, column by column, as the layout says."""

    def __init__(self, layout: Layout, options: ImportOptions) -> None:
        fields = {field.name: field for field in FIELDS[layout.kind]}
        self.rates = options.rates
        self.rate_column = layout.column_for("rate")
        self.columns = [(column.index, fields[column.field], self.reader(fields[column.field], column))
                        for column in layout.columns
                        if column.field is not None and fields[column.field].type not in (Type.IGNORE, Type.RATE)]

    def read(self, cells: list[Any], outcome: RowOutcome) -> dict[str, Any]:
        values: dict[str, Any] = {}
        rate = None
        if self.rate_column is not None:
            try:
                rate = parse_rate(cell_at(cells, self.rate_column.index))
            except CellError as error:
                outcome.error(labelled(_("汇率"), error))
        width = len(cells)
        for index, spec, read in self.columns:
            try:
                value = read(cells[index] if index < width else "", rate)
            except CellError as error:
                outcome.error(labelled(spec.label, error))
                continue
            if spec.type is Type.CHOICE:
                value, text = value
                if text is not None:
                    values[spec.name + "_text"] = text
            if value is not None:
                values[spec.name] = value
        return values

    def reader(self, field: Field, column: Column) -> Callable[[Any, Decimal | None], Any]:
        """The function reading one column's cells (given the row's 汇率)."""
        kind = field.type
        if kind is Type.MONEY:
            unit, currency, rates = column.unit, column.currency, self.rates
            return lambda cell, rate: parse_money(cell, unit=unit, currency=currency, rate=rate, rates=rates)
        plain = {Type.DATE: parse_date, Type.COUNT: parse_count, Type.DECIMAL: parse_decimal, Type.FLAG: parse_flag}
        if kind in plain:
            parse = plain[kind]
            return lambda cell, rate: parse(cell)
        if kind is Type.CHOICE:
            index, seen = choice_index(field), {}

            def choice(cell: Any, rate: Decimal | None) -> tuple[Any, str | None]:
                key = cell if isinstance(cell, str) else text_value(cell) or ""
                if key not in seen:  # a column holds few distinct values: each is read once
                    seen[key] = read_choice(field, index, cell)
                return seen[key]
            return choice
        return lambda cell, rate: read_text(field, cell)


def read_text(field: Field, cell: Any) -> Any:
    """A text cell, checked for length, and read as a credit code, a place or a UUID where the field is one."""
    text = text_value(cell)
    if text is None:
        return None
    if field.max_length is not None and len(text) > field.max_length:
        raise CellError(_("超过%(n)s字", n=field.max_length))
    kind = field.type
    if kind is Type.CREDIT_CODE:
        try:
            return clean_credit_code(text)  # the enterprise rules' check
        except InvalidCreditCode:
            raise CellError(_("统一社会信用代码不正确：%(text)s", text=text)) from None
    if kind is Type.ORIGIN:
        return split_origin(text)
    if kind is Type.UUID:
        return uuid_text(text)
    return text


def uuid_text(text: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        raise CellError(_("记录编号须为UUID：%(text)s", text=text)) from None


def cell_at(cells: list[Any], index: int) -> Any:
    return cells[index] if index < len(cells) else ""


def skip_reason(cells: list[Any]) -> str | None:
    """Why a row is not data: blank, a totals or bucket row, a note or a section heading."""
    texts: list[str] = []
    numbers = False
    for cell in cells:
        if cell.__class__ is str:
            if (text := cell.strip()) and not is_placeholder(text):
                texts.append(text)
        elif cell is not None and cell != "":
            numbers = True
    if not texts and not numbers:
        return _("空行")
    if texts and (label := summary_label(texts[:1])) is not None:
        return _("合计行：%(label)s", label=label[:20])
    if not numbers and len(set(texts)) == 1:
        text = texts[0]
        return _("说明行：%(text)s", text=text[:30]) if is_note_start(text) else _("分组标题行：%(text)s",
                                                                               text=text[:30])
    return None


def preview_import(table: Table, layout: Layout, options: ImportOptions | None = None, *,
                   progress: Progress | None = None) -> Preview:
    """Read and check every row below the header; look up what the rows name; nothing is written."""
    options = options or ImportOptions()
    missing = layout.missing()
    if missing:
        raise ImportRefused(_("缺少必需的列：%(fields)s", fields=join_names(str(f.label) for f in missing)), "mapping")
    rules: Rules = RULES[layout.kind]
    reader = RowReader(layout, options)
    required = [field for field in FIELDS[layout.kind] if field.required]
    outcomes: list[RowOutcome] = []
    total = max(len(table.rows) - layout.header_row, 0)
    for offset, cells in enumerate(table.rows[layout.header_row:], start=1):
        number = layout.header_row + offset
        if (reason := skip_reason(cells)) is not None:
            outcomes.append(RowOutcome(number, Fate.SKIPPED, reasons=[reason]))
        else:
            outcome = RowOutcome(number, Fate.NEW)
            outcome.values = reader.read(cells, outcome)
            for field in required:
                if field.name not in outcome.values and not any(str(field.label) in r for r in outcome.reasons):
                    outcome.error(_("“%(field)s”为空", field=field.label))
            outcome.label = str(outcome.values.get(rules.label_field, ""))
            outcomes.append(outcome)
        if progress is not None and (offset % PROGRESS_EVERY == 0 or offset == total):
            progress(offset, total)
    lookups = Lookups(options.team_choices)
    rules.prefetch(lookups, [row for row in outcomes if row.fate is not Fate.SKIPPED])
    rules.resolve(lookups, outcomes)
    return Preview(table, layout, options, outcomes, lookups)


__all__ = ["Fate", "ImportOptions", "Preview", "Progress", "RowOutcome", "preview_import", "skip_reason"]
