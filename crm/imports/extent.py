"""How far an xlsx's sheet really reaches, read from its XML before any parser allocates a cell.

A parser lays a sheet out as a grid from A1 to its last cell: a 2 KB file holding only A1 and XFD1048576 asks for
17 billion cells. `check_extent(data, sheet, limits)` streams the sheet's XML in chunks, keeping nothing but
counters, notes the last row and column of every cell that may hold a value (every `<c>` that is not empty-tagged),
and refuses the file as soon as they pass the limits. Each chunk is scanned with regular expressions (50,000 rows of
ten columns in well under a second); a chunk whose cells do not all carry a plain `r="B7"` reference (no reference,
a character reference, an odd spelling) sends the whole sheet through expat instead, which reads XML as a parser
does. The `<dimension>` a sheet declares is not trusted for the decision (it can lie either way); it only names a
figure in the message when reading stopped early.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from ..web.i18n import gettext as _
from .limits import ImportLimits
from .reading import ImportRefused

CHUNK = 4 << 20
CELL_REF = re.compile(r"([A-Z]{1,3})?(\d+)?$")
EMPTY_CELL = re.compile(rb"<c\s[^>]*/>")  # <c r="B2" s="1"/>: styled, holding nothing
REFERENCED_CELL = re.compile(rb"<c\s[^>]*?\br=[\"']([A-Z]{1,3})([0-9]{1,7})[\"'][^>]*(?<!/)>")
PREFIXED_CELL = re.compile(rb":c[\s>/]")  # <x:c …>: a spelling the quick scan leaves to expat
DIMENSION = re.compile(rb"<dimension\b[^>]*\bref=[\"'][A-Z]*[0-9]*:?[A-Z]*([0-9]*)[\"']")
HIDDEN = frozenset({"hidden", "veryHidden"})
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class Stop(Exception):
    """Reading a part has seen enough."""


class Careful(Exception):
    """A part the quick scan cannot vouch for: read it with expat."""


def local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def parse_part(archive: zipfile.ZipFile, name: str, start: object) -> None:
    """Stream one XML part through expat, calling `start(tag, attributes)`; a DTD is refused (no workbook has one)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start

    def doctype(*_args: object) -> None:
        raise ImportRefused(_("文件已损坏或不是Excel文件，无法读取"), "unreadable")

    parser.StartDoctypeDeclHandler = doctype
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except Stop:
        return
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise ImportRefused(_("文件已损坏或不是Excel文件，无法读取"), "unreadable") from None


def sheet_parts(archive: zipfile.ZipFile, sheet: str | None) -> list[str]:
    """The part holding the sheet a reader would open (the one named, else the first visible), or every sheet part
    when the workbook does not say plainly which."""
    sheets: list[tuple[str, str, str]] = []  # name, state, relationship id
    targets: dict[str, str] = {}

    def on_sheet(tag: str, attributes: dict[str, str]) -> None:
        if local(tag) == "sheet":
            sheets.append((attributes.get("name", ""), attributes.get("state", ""),
                           attributes.get(f"{REL_NS} id", "")))

    def on_relationship(tag: str, attributes: dict[str, str]) -> None:
        if local(tag) == "Relationship":
            targets[attributes.get("Id", "")] = attributes.get("Target", "")

    names = set(archive.namelist())
    parse_part(archive, "xl/workbook.xml", on_sheet)
    if "xl/_rels/workbook.xml.rels" in names:
        parse_part(archive, "xl/_rels/workbook.xml.rels", on_relationship)
    chosen = [entry for entry in sheets if (entry[0] == sheet if sheet is not None else entry[1] not in HIDDEN)]
    if chosen:
        target = targets.get(chosen[0][2], "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if part in names:
            return [part]
    return sorted(name for name in names if name.startswith("xl/worksheets/") and name.endswith(".xml"))


@dataclass
class Extent:
    """The last row and column holding a value, and the figure a sheet declares; counted while streaming."""

    limits: ImportLimits
    rows: int = 0
    columns: int = 0
    declared_rows: int = 0
    row: int = 0  # the row being read
    cell_row: int = 0  # the cell being read
    cell_column: int = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        name = local(tag)
        if name == "c":
            ref = CELL_REF.match(attributes.get("r", ""))
            letters, digits = (ref.group(1), ref.group(2)) if ref else (None, None)
            self.cell_column = column_number(letters) if letters else self.cell_column + 1
            self.cell_row = int(digits) if digits else self.row
        elif name in ("v", "is"):  # the cell holds a value: the grid reaches it
            if self.cell_row > self.rows or self.cell_column > self.columns:
                self.rows, self.columns = max(self.rows, self.cell_row), max(self.columns, self.cell_column)
                if self.rows > self.limits.max_rows or self.rows * self.columns > self.limits.max_cells:
                    raise Stop
        elif name == "row":
            digits = attributes.get("r", "")
            self.row = int(digits) if digits.isdigit() else self.row + 1
            self.cell_column = 0
        elif name == "dimension":
            ref = CELL_REF.match(attributes.get("ref", "").rpartition(":")[2])
            self.declared_rows = int(ref.group(2)) if ref and ref.group(2) else 0

    def over(self) -> bool:
        return self.rows > self.limits.max_rows or self.rows * self.columns > self.limits.max_cells


def scan_part(archive: zipfile.ZipFile, name: str, extent: Extent) -> None:
    """The quick scan: every cell's reference found by regular expressions, chunk by chunk, stopping at the limits."""
    carried = b""
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                text = carried + chunk
                end = text.rfind(b">") + 1  # a tag cut by the chunk's end is read with the next one
                text, carried = text[:end], text[end:]
                if not extent.declared_rows and (declared := DIMENSION.search(text)) and declared.group(1):
                    extent.declared_rows = int(declared.group(1))
                references = REFERENCED_CELL.findall(text)
                cells = text.count(b"<c ") + text.count(b"<c>") + text.count(b"<c\n") + text.count(b"<c\t")
                if len(references) != cells - len(EMPTY_CELL.findall(text)) or PREFIXED_CELL.search(text):
                    raise Careful
                if references:
                    letters = max(set(letters for letters, _digits in references), key=lambda ref: (len(ref), ref))
                    extent.rows = max(extent.rows, max(map(int, set(digits for _letters, digits in references))))
                    extent.columns = max(extent.columns, column_number(letters.decode()))
                if extent.over():
                    return
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        raise ImportRefused(_("文件已损坏或不是Excel文件，无法读取"), "unreadable") from None


def check_extent(data: bytes, sheet: str | None, limits: ImportLimits) -> None:
    """Refuse an xlsx whose sheet reaches past the row or cell limit; counts stop at the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused(_("文件已损坏，无法读取"), "unreadable") from None
    with archive:
        for part in sheet_parts(archive, sheet):
            extent = Extent(limits)
            try:
                scan_part(archive, part, extent)
            except Careful:
                extent = Extent(limits)
                parse_part(archive, part, extent.start)
            if extent.over():
                # reading stopped at the first row past the limit: the sheet's own figure says how far it goes
                rows = max(extent.rows, extent.declared_rows) if extent.rows > limits.max_rows else extent.rows
                limits.check(rows, extent.columns)
