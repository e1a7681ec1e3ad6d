"""How much one import may hold and what reading it may cost, from the settings (crm/config.py).

A sheet over `IMPORT_MAX_ROWS` rows or `IMPORT_MAX_CELLS` cells (rows × columns from A1 to the last cell holding a
value) is refused before any parser allocates; the parser itself runs in a child process limited to
`IMPORT_PARSE_MEMORY` bytes of address space and `IMPORT_PARSE_SECONDS` seconds (crm/imports/isolated.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, has_app_context

from ..config import Config
from ..web.i18n import gettext as _
from .reading import ImportRefused


@dataclass(frozen=True)
class ImportLimits:
    """The limits one reading of a file runs under."""

    max_rows: int = Config.IMPORT_MAX_ROWS
    max_cells: int = Config.IMPORT_MAX_CELLS
    memory_bytes: int = Config.IMPORT_PARSE_MEMORY
    seconds: float = Config.IMPORT_PARSE_SECONDS

    def check(self, rows: int, columns: int) -> None:
        """Refuse a sheet of this many rows and columns (from A1) when it is over a limit."""
        shown_rows, shown_columns, cells = f"{rows:,}", f"{columns:,}", f"{rows * columns:,}"
        row_limit, cell_limit = f"{self.max_rows:,}", f"{self.max_cells:,}"
        if rows > self.max_rows:
            raise ImportRefused(_("表格有 %(rows)s 行，超过每次导入的上限 %(limit)s 行，请拆分后再导入",
                                  rows=shown_rows, limit=row_limit), "too_many_rows")
        if rows * columns > self.max_cells:
            raise ImportRefused(_("表格有 %(rows)s 行 × %(columns)s 列，共 %(cells)s 个单元格，超过每次导入的上限 "
                                  "%(limit)s 个单元格，请删去不用的列或拆分后再导入",
                                  rows=shown_rows, columns=shown_columns, cells=cells, limit=cell_limit),
                                "too_many_cells")

    def as_tuple(self) -> tuple[int, int, int, float]:
        return self.max_rows, self.max_cells, self.memory_bytes, self.seconds


def current_limits() -> ImportLimits:
    """The limits of the running app, or the defaults outside one."""
    if not has_app_context():
        return ImportLimits()
    config = current_app.config
    return ImportLimits(int(config["IMPORT_MAX_ROWS"]), int(config["IMPORT_MAX_CELLS"]),
                        int(config["IMPORT_PARSE_MEMORY"]), float(config["IMPORT_PARSE_SECONDS"]))
