"""Tables written as an .xlsx workbook in constant memory: each row goes to disk as soon as the next one starts.

Text is always written as a string cell (never through xlsxwriter's guessing `write`), so a name such as "=1+2"
stays text. The sheet is laid out to be read and printed: a merged title row, a frozen and filterable header
row, text wrapped in columns fitted to the Chinese text and, in a list wider than the paper, narrowed until it
prints across A4 landscape at a readable size; the rows run over as many pages as they need, each page with the
title and header rows and its number.

The columns' widths are planned before the first row (each row's height, which Excel fits on opening but
LibreOffice and WPS take from the file, is written with the row); a column whose text is narrower than planned is
narrowed to it at the end, which wraps no text more.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ..domain.money import YUAN_PER_YI
from .sheet import DATE, INT, KINDS, LONG, NUMBER, PERCENT, POINTS, TEXT, YI, Column, Table, display_width

# Amounts are stored to the yuan (as 亿元, shown with two decimals): sums in the spreadsheet and a re-import agree.
NUMBER_FORMATS = {INT: "0", YI: "0.00", POINTS: "0.00", PERCENT: "0.0%", DATE: "yyyy-mm-dd", NUMBER: "General"}
USUAL_NUMBER_WIDTHS = {DATE: 11, INT: 6}  # else 10: a number column's width before its header is counted
NARROWEST_NUMBER_WIDTHS = {DATE: 10, INT: 4, YI: 7, POINTS: 6, PERCENT: 6}  # else 8: what a number column shows
MIN_WIDTH = 6
MIN_TEXT_WIDTH = 6  # three Chinese characters a line
TITLE_HEIGHT = 30
LINE_HEIGHT = 16  # points: a line of 11 pt text, in the CJK fonts of the tallest lines (Noto Sans CJK)
MAX_ROW_HEIGHT = 409  # points: Excel's tallest row
# Arial, not xlsxwriter's Calibri: a column's width is counted in digits of the default font, and LibreOffice,
# lacking Calibri on most Linux desktops, counts them in the wider DejaVu Sans (a sheet a third wider on paper, its
# type a quarter smaller), where Arial has the same-sized Liberation Sans. Chinese text comes from the system's
# CJK font either way.
FONT = {"font_name": "Arial", "font_size": 11}
# Widths are in digits of Arial 11 (8 px; Excel adds 5 px a column). A4 landscape within the margins is 282 mm
# (799 pt); a sheet 170 units wide (about 1,440 px, 1,080 pt) is printed there at about 74 %: 11 pt type at 8 pt.
# A wider list has its columns narrowed to fit, a wrapped text taking more lines.
PAGE_WIDTH = 170
COLUMN_PADDING = 5 / 8


class Formats:
    """The workbook's cell formats, made once. Data cells carry only what their kind needs (the grid is printed)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.title = workbook.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        self.header = workbook.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                                           "border": 1, "bg_color": "#DDEBF7"})
        self.cell = {kind: workbook.add_format(self.look(kind)) for kind in KINDS}
        self.total = {kind: workbook.add_format(self.look(kind) | {"bold": True}) for kind in KINDS}

    @staticmethod
    def look(kind: str) -> dict[str, Any]:
        if kind in (TEXT, LONG):  # a text wraps in its column (a row grows to its longest text)
            return {"text_wrap": True, "valign": "top"}
        return {"num_format": NUMBER_FORMATS[kind], "align": "center" if kind in (INT, DATE) else "right",
                "valign": "top"}


def write_xlsx(path: str, tables: Sequence[Table]) -> int:
    """Write the tables, one sheet each, to an .xlsx file; return the data rows of the first."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_numbers": False, "strings_to_urls": False,
                                          "default_format_properties": FONT})
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
    """Write one table: title, header, rows (each as tall as its text), rows under them; then the widths (narrowed
    to the text where it is narrower than planned), freeze, filter and print setup."""
    columns = table.columns
    last_column = len(columns) - 1
    planned = plan_widths(columns)
    least = [min(width, fitted_width(column.header, column.kind, 0, column.max_width))  # the narrowest each ends
             for column, width in zip(columns, planned, strict=True)]
    sheet.set_row(0, TITLE_HEIGHT)
    sheet.merge_range(0, 0, 0, last_column, table.title, formats.title)
    sheet.set_row(1, LINE_HEIGHT * max(lines(column.header, width) for column, width in zip(columns, least,
                                                                                            strict=True)) + 4)
    for index, column in enumerate(columns):
        sheet.write_string(1, index, column.header, formats.header)
    widths = [0] * len(columns)
    writers = list(enumerate(cell_writer(sheet, index, column.kind, formats.cell[column.kind], widths)
                             for index, column in enumerate(columns)))
    row = 1
    for values in table.rows():
        row += 1
        set_height(sheet, row, values, planned)
        for index, write in writers:
            write(row, values[index])
    data_rows = row - 1
    for values in table.footer():
        row += 1
        if len(values) == 1 and isinstance(values[0], str) and last_column:  # a note, across the row
            sheet.set_row(row, min(LINE_HEIGHT * lines(values[0], sum(least)), MAX_ROW_HEIGHT))
            sheet.merge_range(row, 0, row, last_column, values[0], formats.total[TEXT])
            continue
        set_height(sheet, row, values, planned)
        for index, column in enumerate(columns):
            value = values[index] if index < len(values) else None
            write_footer_cell(sheet, row, index, column.kind, value, formats)
            if isinstance(value, str) and column.kind in (TEXT, LONG):
                widths[index] = max(widths[index], display_width(value))
    for index, column in enumerate(columns):
        width = fitted_width(column.header, column.kind, widths[index], column.max_width)
        sheet.set_column(index, index, min(width, planned[index]))
    sheet.freeze_panes(2, table.frozen_columns)
    sheet.autofilter(1, 0, max(1 + data_rows, 1), last_column)
    set_up_printing(sheet, table.title)
    return data_rows


def fitted_width(header: str, kind: str, widest: int, max_width: int) -> int:
    """A column's width: its widest text (or a number's usual width), capped; a header of up to five Chinese
    characters on one line, a longer one on two."""
    content = widest if kind in (TEXT, LONG) else USUAL_NUMBER_WIDTHS.get(kind, 10)
    header_width = display_width(header)
    header_need = header_width if header_width <= 10 else -(-header_width // 2) + 1
    return max(MIN_WIDTH, min(max(content, header_need) + 2, max(max_width, header_need + 2)))


def narrowest(header: str, kind: str) -> int:
    """The narrowest a column gets: three Chinese characters a line of text, a number (9999.99, 224.7%) on one line,
    and the header on four lines at most (a line of whole Chinese characters, and the cell's margins)."""
    content = MIN_TEXT_WIDTH if kind in (TEXT, LONG) else NARROWEST_NUMBER_WIDTHS.get(kind, 8) + 1
    header_line = -(-display_width(header) // 4)
    return max(MIN_WIDTH, content, header_line + header_line % 2 + 1)


def plan_widths(columns: Sequence[Column]) -> list[int]:
    """The columns' widths for their widest text (max_width), in a sheet wider than PAGE_WIDTH narrowed by one
    share of that width, none below its narrowest: a column of long text keeps more, its rows as few lines as the
    others'."""
    widths = [fitted_width(column.header, column.kind, column.max_width, column.max_width) for column in columns]
    floors = [min(width, narrowest(column.header, column.kind)) for column, width in zip(columns, widths, strict=True)]
    room = PAGE_WIDTH - COLUMN_PADDING * len(columns)
    for percent in range(100, 0, -1):
        planned = [max(floor, width * percent // 100) for width, floor in zip(widths, floors, strict=True)]
        if sum(planned) <= room:
            return planned
    return floors


def lines(text: str, width: int) -> int:
    """The lines a text wraps to in a column of the width (two digits' width a Chinese character, as display_width
    counts it, where 11 pt takes 1.8; the cell's margins take one)."""
    per_line = max(2, width - 1)
    return sum(max(1, -(-display_width(part) // per_line)) for part in text.split("\n"))


def set_height(sheet: Worksheet, row: int, values: Sequence[Any], widths: list[int]) -> None:
    """Make a row as tall as its most wrapped text (a row of one line keeps the default)."""
    most = 1
    for value, width in zip(values, widths, strict=False):  # a row under the data may be shorter
        if isinstance(value, str) and (2 * len(value) > width - 1 or "\n" in value):  # else one line
            most = max(most, lines(value, width))
    if most > 1:
        sheet.set_row(row, min(LINE_HEIGHT * most, MAX_ROW_HEIGHT))


def set_up_printing(sheet: Worksheet, title: str) -> None:
    """A4 landscape, every column on one page's width and the rows on as many pages as they take, the title and
    header rows on every page, the grid, and the list's name and page N / M in the footer."""
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # 0: as many pages down as the rows need
    sheet.repeat_rows(0, 1)
    sheet.hide_gridlines(0)  # show the grid on paper too
    sheet.center_horizontally()
    sheet.set_margins(left=0.3, right=0.3, top=0.6, bottom=0.6)  # inches: 7.6 mm at the sides, 15 mm above, below
    sheet.set_footer(f"&L{title.replace('&', '&&')[:100]}&R&P / &N")  # & starts a footer's control code
