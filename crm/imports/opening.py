"""Opening an uploaded spreadsheet: refused cheaply in this process, parsed in a child process under limits.

`read_upload(data, filename)` checks the file where it arrived (its size, its first bytes, an xlsx's expansion and
how far its sheet reaches: crm/imports/reading.py, crm/imports/extent.py), then parses it in a child process with a
memory and time limit (crm/imports/isolated.py). It returns a `Table` or raises `ImportRefused`; nothing a file
holds can make the calling process allocate more than the limits allow or stop answering.
"""

from __future__ import annotations

from pathlib import Path

from .extent import check_extent
from .isolated import parse_isolated
from .limits import ImportLimits, current_limits
from .reading import MAX_BYTES, Table, checked_format


def read_upload(data: bytes, filename: str, *, sheet: str | None = None, limits: ImportLimits | None = None) -> Table:
    """Check and read an uploaded file; its kind is taken from its first bytes, never from its name."""
    limits = limits or current_limits()
    file_format = checked_format(data)
    if file_format == "xlsx":
        check_extent(data, sheet, limits)
    return parse_isolated(data, filename, file_format, sheet, limits)


def read_path(path: str | Path, *, sheet: str | None = None) -> Table:
    """Read a file from disk; see read_upload."""
    path = Path(path)
    with path.open("rb") as stream:
        data = stream.read(MAX_BYTES + 1)
    return read_upload(data, path.name, sheet=sheet)
