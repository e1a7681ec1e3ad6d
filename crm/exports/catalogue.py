"""The lists that can be exported, how each is built from its page's filters, written, and recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..core.audit import record
from ..models import User
from ..models.enums import AuditResult
from .analysis_table import analysis_export
from .csvfile import write_csv
from .funds_ledger import funds_ledger
from .leads_list import leads_list
from .rankings import district_ranking_export, team_ranking_export, yi_ranking_export
from .sheet import Export
from .signing_list import signing_list
from .supervision_list import supervision_list
from .visit_log import visit_log
from .xlsx import write_xlsx

# name in the URL and on the command line: the list, built from its page's query and the viewer
EXPORTS: dict[str, Callable[[Any, User], Export]] = {
    "projects": signing_list,  # 签约项目清单
    "ranking": yi_ranking_export,  # 亿元以上项目榜
    "teams": team_ranking_export,  # 专班排名, with its score breakdown
    "districts": district_ranking_export,  # 市级拉练排名, with its score breakdown
    "visits": visit_log,  # 拜访记录
    "leads": leads_list,  # 在谈项目清单
    "funds": funds_ledger,  # 到资台账
    "supervision": supervision_list,  # 督办台账
    "analysis": analysis_export,  # 多维分析
}
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv"}  # the response adds "; charset=utf-8"


def build_export(name: str, args: Any, viewer: User) -> Export:
    """The named list for the query (a MultiDict of the page's filters) as the viewer may see it.

    Raises Refused when the filters cannot be applied.
    """
    export = EXPORTS[name](args, viewer)
    export.filters = {key: value for key, value in args.items() if value}
    return export


def write_export(export: Export, ext: str, path: str) -> int:
    """Write the list to a file: every table as a sheet of an .xlsx, or the first one as a .csv; return the data
    rows of the first table the file holds."""
    if ext == "xlsx":
        return write_xlsx(path, export.tables)
    return write_csv(path, export.tables[0])


def record_export(export: Export, ext: str, *, rows: int, user_id: int | None, address: str | None, via: str,
                  complete: bool = True, district_id: int | None = None, **more: str) -> None:
    """Note in the audit trail who exported which list, with which filters, and how many rows the file holds.

    `rows` are the data rows written (counted by the writer, not beforehand); a download cut off before its end
    is noted as failed, with the rows written until then.
    """
    detail = {"export": export.name, "format": ext, "filters": export.filters, "rows": rows, "via": via} | more
    record(action="export", user_id=user_id, entity=None, address=address,
           result=None if complete else AuditResult.FAILED, district_id=district_id,
           detail=json.dumps(detail, ensure_ascii=False, sort_keys=True))
