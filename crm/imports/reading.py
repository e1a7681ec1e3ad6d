"""Reading a spreadsheet: xlsx, xls or csv, recognised by content, with its refusals checked first.

`checked_format(data)` refuses what no parser should see (empty, over 20 MB, not a workbook by its first bytes, a
zip bomb) and names the format; `parse(data, filename, format, sheet, limits)` reads it into a `Table`: every row of
the first visible worksheet from A1 on (so that `table.rows[i]` is the row the user sees as number i + 1), cells as
calamine gives them (str, float, int, bool, date, datetime, time, timedelta; '' when empty), formulas as their stored
values (never evaluated), and merged ranges filled with their first cell's value. A csv gives str cells only. Both
stop at the row and cell limits. Uploads are read through crm/imports/opening.py, which parses in a child process.

Every refusal is an `ImportRefused` with a Chinese message for the user and a short `reason` for code:
"empty", "too_large", "wrong_type", "bomb", "unreadable", "encoding", "no_sheet", "too_many_rows", "too_many_cells",
"memory", "timeout".
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from ..domain.refused import Refused
from ..web.i18n import gettext as _

if TYPE_CHECKING:
    from .limits import ImportLimits

MAX_BYTES = 20 * 1024 * 1024  # what an upload may weigh
MAX_EXPANDED = 200 * 1024 * 1024  # what an xlsx may expand to, all its parts together
MAX_RATIO = 100  # expansion of one part of an xlsx; real sheets stay well under 30
RATIO_FLOOR = 1024 * 1024  # parts smaller than this cannot hurt, whatever their ratio
MAX_PARTS = 10_000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # xls (BIFF in an OLE2 compound file)
CSV_DELIMITERS = ",\t;"
FORMULA_STARTS = frozenset("=+-@＝＋－＠")

Cell = Any  # str | float | int | bool | date | datetime | time | timedelta


class ImportRefused(Refused):
    """A file, mapping or import the rules refuse as a whole; `message` is for the user, `reason` for code."""

    def __init__(self, message: str, reason: str = "refused") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Table:
    """The rows of one worksheet, from A1, as read."""

    file_name: str
    format: str  # "xlsx", "xls" or "csv"
    sheet: str
    rows: list[list[Cell]] = field(repr=False)

    def cell(self, row_number: int, index: int) -> Cell:
        """The cell in a 1-based row and 0-based column, '' past the end of the row."""
        row = self.rows[row_number - 1]
        return row[index] if index < len(row) else ""


def checked_format(data: bytes) -> str:
    """The format of an upload ("xlsx", "xls" or "csv"), taken from its first bytes, never from its name; refuse
    what no parser should see."""
    if not data:
        raise ImportRefused(_("文件是空的"), "empty")
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("文件超过20MB，请拆分后再导入"), "too_large")
    if data.startswith(ZIP_MAGIC):
        check_archive(data)
        return "xlsx"
    if data.startswith(OLE_MAGIC):
        return "xls"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        # Some systems save a web page or an XML spreadsheet under an .xls name.
        raise ImportRefused(_("这是网页或XML格式的表格，请在Excel中另存为xlsx后再导入"), "wrong_type")
    return "csv"


def parse(data: bytes, filename: str, file_format: str, sheet: str | None, limits: ImportLimits) -> Table:
    """Read a checked file of a known format, refusing a sheet past the limits before it is laid out."""
    if file_format == "csv":
        return read_csv(data, filename, limits)
    return read_workbook(data, filename, file_format, sheet, limits)


def check_archive(data: bytes) -> None:
    """Refuse a zip that is not a workbook or that expands too far, before any parser sees it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused(_("文件已损坏，无法读取"), "unreadable") from None
    if "xl/workbook.xml" not in {part.filename for part in parts}:
        raise ImportRefused(_("只能导入xlsx、xls或csv文件"), "wrong_type")
    bomb = ImportRefused(_("文件解压后过大，可能是压缩炸弹，已拒绝"), "bomb")
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_EXPANDED:
        raise bomb
    # The sizes a zip declares can lie: count what each part really expands to, stopping at the limits.
    expanded = 0
    with archive:
        for part in parts:
            size = 0
            try:
                with archive.open(part) as stream:
                    while chunk := stream.read(1 << 20):
                        size += len(chunk)
                        if expanded + size > MAX_EXPANDED or (
                                size > RATIO_FLOOR and size > MAX_RATIO * max(part.compress_size, 1)):
                            raise bomb
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
                raise ImportRefused(_("文件已损坏，无法读取"), "unreadable") from None
            expanded += size


def read_workbook(data: bytes, filename: str, kind: str, sheet: str | None, limits: ImportLimits) -> Table:
    """The first visible worksheet (or the one named) of an xlsx or xls, from A1, merged ranges filled."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises its own errors and plain ones for a file it cannot parse
        raise ImportRefused(_("文件已损坏或不是Excel文件，无法读取"), "unreadable") from None
    with book:
        names = [meta.name for meta in book.sheets_metadata if meta.visible == SheetVisibleEnum.Visible]
        if sheet is not None:
            if sheet not in book.sheet_names:
                raise ImportRefused(_("找不到工作表“%(name)s”", name=sheet), "no_sheet")
            names = [sheet]
        if not names:
            raise ImportRefused(_("文件中没有可见的工作表"), "no_sheet")
        try:
            worksheet = book.get_sheet_by_name(names[0])
        except Exception:
            raise ImportRefused(_("文件已损坏或不是Excel文件，无法读取"), "unreadable") from None
        if worksheet.end is not None:  # the grid from A1 to the last cell, before it is laid out
            limits.check(worksheet.end[0] + 1, worksheet.end[1] + 1)
        try:
            rows = worksheet.to_python(skip_empty_area=False)
            merged = worksheet.merged_cell_ranges or []
        except Exception:
            raise ImportRefused(_("文件已损坏或不是Excel文件，无法读取"), "unreadable") from None
    fill_merged(rows, merged)
    return Table(filename, kind, names[0], rows)


def fill_merged(rows: list[list[Cell]], ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Give every cell of a merged range its first cell's value, as the user sees it on screen."""
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                row[c] = value


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (which includes GBK and GB2312)."""
    if b"\x00" in data[:4096]:
        raise ImportRefused(_("只能导入xlsx、xls或csv文件"), "wrong_type")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(_("无法识别csv文件的编码，请保存为UTF-8或GB18030"), "encoding")


def read_csv(data: bytes, filename: str, limits: ImportLimits) -> Table:
    """A csv's rows as text; the delimiter (comma, tab or semicolon) is the one its first lines use most. Reading
    stops at the first row past the limits."""
    text = decode_text(data)
    if any(char in text for char in "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x7f"):
        raise ImportRefused(_("只能导入xlsx、xls或csv文件"), "wrong_type")
    sample = text[:16384]
    delimiter = max(CSV_DELIMITERS, key=sample.count)  # ties go to the comma
    rows: list[list[Cell]] = []
    width = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([unquoted(cell) for cell in row])
            width = max(width, len(row))
            if len(rows) > limits.max_rows:  # say how many lines the file has, not where reading stopped
                limits.check(max(len(rows), text.count("\n") + (not text.endswith("\n"))), width)
            if len(rows) * width > limits.max_cells:
                limits.check(len(rows), width)
    except csv.Error:
        raise ImportRefused(_("csv文件格式不正确，无法读取"), "unreadable") from None
    return Table(filename, "csv", "", rows)


def unquoted(cell: str) -> str:
    """A cell without the apostrophe a csv writer puts before text that would otherwise run as a formula."""
    if cell.startswith("'") and cell[1:2] in FORMULA_STARTS:
        return cell[1:]
    return cell
