"""A table written as CSV, in chunks: UTF-8 with a byte-order mark, so Excel and WPS on Chinese Windows read it.

The rows are those of the .xlsx file's first sheet, title row first. Amounts are written in 亿元 with two
decimals, dates as YYYY-MM-DD, rates as 85.3%. Text that a spreadsheet program would run as a formula gets a
leading apostrophe (sheet.formula_safe).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from .sheet import DATE, LONG, PERCENT, POINTS, TEXT, YI, Table, Tally, formula_safe, yi_text

BOM = "\ufeff"
CHUNK = 64 * 1024  # characters gathered before a piece is handed on


def as_text(value: Any) -> str:
    if value is None:
        return ""
    return formula_safe(value if isinstance(value, str) else str(value))


def as_yi(yuan: int | None) -> str:
    return "" if yuan is None else yi_text(yuan)


def as_percent(value: Any) -> str:
    return "" if value is None else f"{value}%"


def as_date(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def as_number(value: Any) -> str:
    return "" if value is None else str(value)


FORMATTERS: dict[str, Callable[[Any], str]] = {TEXT: as_text, LONG: as_text, YI: as_yi, PERCENT: as_percent,
                                               DATE: as_date, POINTS: as_number}


def footer_value(kind: str, value: Any) -> str:
    """A cell of the rows under the data: text as text, numbers in the column's unit."""
    if isinstance(value, str):
        return formula_safe(value)
    return FORMATTERS.get(kind, as_number)(value)


def csv_chunks(table: Table) -> Iterator[bytes]:
    """The table as CSV bytes, a piece at a time, the byte-order mark first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow([formula_safe(table.title)])
    writer.writerow([formula_safe(column.header) for column in table.columns])
    formatters = [FORMATTERS.get(column.kind, as_number) for column in table.columns]
    for values in table.rows():
        writer.writerow([format_(value) for format_, value in zip(formatters, values, strict=False)])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    for values in table.footer():
        writer.writerow([footer_value(column.kind, value)
                         for column, value in zip(table.columns, values, strict=False)])
    yield buffer.getvalue().encode()


def write_csv(path: str, table: Table) -> int:
    """Write the table to a CSV file; return the data rows written."""
    tally = Tally()
    with open(path, "wb") as file:
        for chunk in csv_chunks(tally.counted(table)):
            file.write(chunk)
    return tally.rows
