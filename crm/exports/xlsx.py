"""Tables written as an .xlsx workbook in constant memory: each row goes to disk as soon as the next one starts.

Text is always written as a string cell (never through xlsxwriter's guessing `write`), so a name such as "=1+2"
stays text. The sheet is laid out to be read and printed: a merged title row, a frozen and filterable header
row, column widths fitted to the Chinese text, A4 landscape fitted to the page width.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ..domain.money import YUAN_PER_YI
from .sheet import DATE, INT, KINDS, LONG, NUMBER, PERCENT, POINTS, TEXT, YI, Table, display_width

# Amounts are stored to the yuan (as 亿元, shown with two decimals): sums in the spreadsheet and a re-import agree.
NUMBER_FORMATS = {INT: "0", YI: "0.00", POINTS: "0.00", PERCENT: "0.0%", DATE: "yyyy-mm-dd", NUMBER: "General"}
MIN_WIDTH = 6
TITLE_HEIGHT = 30
HEADER_HEIGHT = 34  # two lines: long headers wrap


class Formats:
    """The workbook's cell formats, made once. Data cells carry only what their kind needs (the grid is printed)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.title = workbook.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        self.header = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                                           "border": 1, "bg_color": "#DDEBF7"})
        self.cell = {kind: workbook.add_format(self.look(kind)) if self.look(kind) else None for kind in KINDS}
        self.total = {kind: workbook.add_format(self.look(kind) | {"bold": True}) for kind in KINDS}

    @staticmethod
    def look(kind: str) -> dict[str, Any]:
        if kind == LONG:
            return {"text_wrap": True, "valign": "top"}
        if kind == TEXT:
            return {}
        return {"num_format": NUMBER_FORMATS[kind], "align": "center" if kind in (INT, DATE) else "right"}


def write_xlsx(path: str, tables: Sequence[Table]) -> int:
    """Write the tables, one sheet each, to an .xlsx file; return the data rows of the first."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_numbers": False, "strings_to_urls": False})
    formats = Formats(workbook)
    try:
        counts = [write_sheet(workbook.add_worksheet(table.sheet[:31]), table, formats) for table in tables]
    except BaseException:
        discard(workbook)
        raise
    workbook.close()
    return counts[0] if counts else 0


def discard(workbook: xlsxwriter.Workbook) -> None:
    """Close and delete the rows a failed workbook kept on disk (constant_memory's temporary file per sheet)."""
    for sheet in workbook.worksheets():
        handle, name = getattr(sheet, "row_data_fh", None), getattr(sheet, "row_data_filename", None)
        if handle is not None:
            handle.close()
        if name:
            os.unlink(name)


def cell_writer(sheet: Worksheet, column: int, kind: str, fmt: Any, widths: list[int]) -> Callable[[int, Any], Any]:
    """A function writing one column's value in a row (nothing for no value); text columns note the widest."""
    if kind in (TEXT, LONG):
        string = sheet.write_string

        def text(row: int, value: Any) -> None:
            if value:
                value = str(value)
                string(row, column, value, fmt)
                if 2 * len(value) > widths[column]:  # no text is wider than two cells a character
                    widths[column] = max(widths[column], display_width(value))
        return text

    number = sheet.write_number
    if kind == YI:
        return lambda row, yuan: None if yuan is None else number(row, column, yuan / YUAN_PER_YI, fmt)
    if kind == PERCENT:
        return lambda row, value: None if value is None else number(row, column, float(value) / 100, fmt)
    if kind == DATE:
        written = sheet.write_datetime
        return lambda row, value: None if value is None else written(row, column, value, fmt)
    return lambda row, value: None if value is None else number(
        row, column, value if isinstance(value, int) else float(value), fmt)


def write_footer_cell(sheet: Worksheet, row: int, column: int, kind: str, value: Any, formats: Formats) -> None:
    """A cell of the rows under the data: text where text is given, else the column's number format."""
    if value is None:
        return
    if isinstance(value, str):
        sheet.write_string(row, column, value, formats.total[TEXT])
    elif kind == YI:
        sheet.write_number(row, column, value / YUAN_PER_YI, formats.total[YI])
    elif kind == PERCENT:
        sheet.write_number(row, column, float(value) / 100, formats.total[PERCENT])
    elif isinstance(value, date):
        sheet.write_datetime(row, column, value, formats.total[DATE])
    else:
        number = value if isinstance(value, int) else float(value)
        sheet.write_number(row, column, number, formats.total[kind if kind in NUMBER_FORMATS else NUMBER])


def write_sheet(sheet: Worksheet, table: Table, formats: Formats) -> int:
    """Write one table: title, header, rows, rows under them; then widths, freeze, filter and print setup."""
    columns = table.columns
    last_column = len(columns) - 1
    sheet.set_row(0, TITLE_HEIGHT)
    sheet.merge_range(0, 0, 0, last_column, table.title, formats.title)
    sheet.set_row(1, HEADER_HEIGHT)
    for index, column in enumerate(columns):
        sheet.write_string(1, index, column.header, formats.header)
    widths = [0] * len(columns)
    writers = list(enumerate(cell_writer(sheet, index, column.kind, formats.cell[column.kind], widths)
                             for index, column in enumerate(columns)))
    row = 1
    for values in table.rows():
        row += 1
        for index, write in writers:
            write(row, values[index])
    data_rows = row - 1
    for values in table.footer():
        row += 1
        for index, column in enumerate(columns):
            value = values[index] if index < len(values) else None
            write_footer_cell(sheet, row, index, column.kind, value, formats)
            if isinstance(value, str) and column.kind in (TEXT, LONG):
                widths[index] = max(widths[index], display_width(value))
    for index, column in enumerate(columns):
        sheet.set_column(index, index, fitted_width(column.header, column.kind, widths[index], column.max_width))
    sheet.freeze_panes(2, table.frozen_columns)
    sheet.autofilter(1, 0, max(1 + data_rows, 1), last_column)
    set_up_printing(sheet)
    return data_rows


def fitted_width(header: str, kind: str, widest: int, max_width: int) -> int:
    """A column's width: its widest text (or a number's usual width), capped; a header of up to five Chinese
    characters on one line, a longer one on two."""
    if kind in (TEXT, LONG):
        content = widest
    elif kind == DATE:
        content = 11
    elif kind == INT:
        content = 6
    else:
        content = 10
    header_width = display_width(header)
    header_need = header_width if header_width <= 10 else -(-header_width // 2) + 1
    return max(MIN_WIDTH, min(max(content, header_need) + 2, max(max_width, header_need + 2)))


def set_up_printing(sheet: Worksheet) -> None:
    """A4 landscape, every column on one page's width, the grid and the header row on every page, page numbers."""
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.hide_gridlines(0)  # show the grid on paper too
    sheet.repeat_rows(1)
    sheet.center_horizontally()
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")

