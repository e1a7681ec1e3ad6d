"""Opening an uploaded spreadsheet: refused cheaply in this process, parsed in a child process under limits.

`read_upload(data, filename)` checks the file where it arrived (its size, its first bytes, an xlsx's expansion and
how far its sheet reaches: crm/imports/reading.py, crm/imports/extent.py), then parses it in a child process with a
memory and time limit (crm/imports/isolated.py). It returns a `Table` or raises `ImportRefused`; nothing a file
holds can make the calling process allocate more than the limits allow or stop answering.
"""

from __future__ import annotations

from pathlib import Path

from ..web.i18n import gettext as _
from .extent import check_extent
from .isolated import parse_isolated
from .limits import ImportLimits, current_limits
from .reading import MAX_BYTES, ImportRefused, Table, checked_format

SPREADSHEET_NAMES = (".xlsx", ".xls", ".csv")


def read_upload(data: bytes, filename: str, *, sheet: str | None = None, limits: ImportLimits | None = None) -> Table:
    """Check and read an uploaded file; its kind is taken from its first bytes, never from its name."""
    limits = limits or current_limits()
    try:
        file_format = checked_format(data)
        if file_format == "xlsx":
            check_extent(data, sheet, limits)
        return parse_isolated(data, filename, file_format, sheet, limits)
    except ImportRefused as refused:
        raise named_as_it_is(refused, filename) from None


def read_path(path: str | Path, *, sheet: str | None = None) -> Table:
    """Read a file from disk; see read_upload."""
    path = Path(path)
    with path.open("rb") as stream:
        data = stream.read(MAX_BYTES + 1)
    return read_upload(data, path.name, sheet=sheet)



def named_as_it_is(refused: ImportRefused, filename: str) -> ImportRefused:
    """A file whose name says spreadsheet but whose content is something else is told so, not told to use a
    spreadsheet's suffix it already has."""
    suffix = Path(filename or "").suffix.lower()
    if refused.reason != "wrong_type" or suffix not in SPREADSHEET_NAMES or "另存为" in refused.message:
        return refused
    return ImportRefused(_("文件名是%(suffix)s，但内容不是表格（可能是改了扩展名的其他文件）。"
                           "请在Excel中打开原表格，另存为xlsx、xls或csv后再导入", suffix=suffix), "wrong_type")
