"""Hostile and oversized spreadsheets: refused before they are parsed, or parsed where they cannot hurt a worker.

The files are made here, part by part: a two-cell xlsx reaching XFD1048576 (17 billion cells laid out from A1),
sheets one row past the limit, a sheet whose declared dimension lies. A refusal is a 413 with a Chinese message
saying what the file holds and the limit; the worker that answered it answers the next request.
"""

from __future__ import annotations

import io
import json
import resource
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.imports.opening import read_upload
from crm.imports.preview_summary import KEPT_PER_FATE
from crm.models import ImportJob
from tests.test_hostile_uploads import message_of
from tests.test_import_pages import SIGNING_HEADER, job_id_from, mapping_choices, upload, wait_for

pytestmark = pytest.mark.usefixtures("jobs_end")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(ref: str, value: Any) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def workbook(sheets: list[tuple[str, str, str]]) -> bytes:
    """An xlsx of (name, state, sheetData XML with its <dimension>) sheets, written part by part."""
    buffer = io.BytesIO()
    entries = "".join(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"' + (f' state="{state}"' * bool(state)) + "/>"
                      for n, (name, state, _xml) in enumerate(sheets, start=1))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.'
                      'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for n in range(1, len(sheets) + 1))
            + "</Types>"))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/'
                                        'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>{entries}'
                                            "</sheets></workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">' + "".join(
            f'<Relationship Id="rId{n}" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)) + "</Relationships>")
        for n, (_name, _state, xml) in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", f'<worksheet xmlns="{MAIN}">{xml}</worksheet>')
    return buffer.getvalue()


def sheet_xml(cells: Iterable[tuple[int, list[tuple[str, Any]]]], dimension: str | None = None) -> str:
    """<dimension> and <sheetData> from (row number, [(reference, value)]) rows."""
    rows = "".join(f'<row r="{number}">' + "".join(cell_xml(ref, value) for ref, value in row) + "</row>"
                   for number, row in cells)
    return (f'<dimension ref="{dimension}"/>' if dimension else "") + f"<sheetData>{rows}</sheetData>"


def sparse_xlsx(dimension: str | None = "A1:XFD1048576") -> bytes:
    """Two cells, A1 and XFD1048576: under 2 KB, and 17 billion cells once laid out from A1."""
    return workbook([("Sheet1", "", sheet_xml([(1, [("A1", "项目名称")]), (1_048_576, [("XFD1048576", "x")])],
                                               dimension))])


def signing_rows(count: int) -> list[list[Any]]:
    """A signing list of `count` rows in all, its header among them."""
    return [SIGNING_HEADER] + [[n, f"限额测试项目{n}", f"限额测试企业{n}有限公司", "江苏苏州", 1.5, "新材料",
                                "2024-03-05", "上海专班", "新建", "正式合同"] for n in range(1, count)]


def signing_xlsx(rows: list[list[Any]]) -> bytes:
    return workbook([("签约项目", "", sheet_xml(
        (r, [(f"{column_letters(c)}{r}", value) for c, value in enumerate(row, start=1)])
        for r, row in enumerate(rows, start=1)))])


def signing_csv(rows: list[list[Any]]) -> bytes:
    return "\n".join(",".join(str(value) for value in row) for row in rows).encode() + b"\n"


def count_jobs() -> int:
    return db.session.scalar(select(func.count()).select_from(ImportJob))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def assert_still_serving(client) -> None:
    assert client.get("/imports/").status_code == 200


def test_a_two_cell_sheet_reaching_xfd1048576_is_refused_before_parsing(app, client, office):
    data = sparse_xlsx()
    assert len(data) < 2048
    before = peak_rss_mb()
    response = upload(client, data, "稀疏.xlsx")
    assert response.status_code == 413
    assert "表格有 1,048,576 行，超过每次导入的上限 50,000 行，请拆分后再导入" in message_of(response)
    assert peak_rss_mb() - before < 50  # nothing was laid out in this process
    assert count_jobs() == 0 and not (Path(app.config["UPLOAD_FOLDER"]) / "imports").exists()
    assert_still_serving(client)


def test_a_lying_dimension_is_not_believed_either_way(app, client, office):
    lying_big = workbook([("Sheet1", "", sheet_xml([(1, [("A1", "项目名称"), ("B1", "签约企业")])],
                                                   "A1:XFD1048576"))])
    assert upload(client, lying_big, "说大.xlsx").status_code == 302  # two real cells: read
    lying_small = sparse_xlsx(dimension="A1:B2")
    response = upload(client, lying_small, "说小.xlsx")
    assert response.status_code == 413 and "1,048,576 行" in message_of(response)


@pytest.mark.parametrize("cell", ['<c r="&#88;FD1048576"><v>1</v></c>', "<c r = 'XFD1048576'><v>1</v></c>",
                                  '<c s="0"\n   r="XFD1048576"><f>1+1</f><v>2</v></c>'],
                         ids=["character-reference", "spaced", "attributes-reordered"])
def test_a_far_cell_spelled_unusually_is_measured_all_the_same(app, client, office, cell):
    book = workbook([("Sheet1", "", '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
                                    f'<row r="1048576">{cell}</row></sheetData>')])
    response = upload(client, book, "稀疏.xlsx")
    assert response.status_code == 413 and "1,048,576 行" in message_of(response)


def test_a_sheet_too_wide_is_refused_by_its_cells(app, client, office):
    wide = workbook([("Sheet1", "", sheet_xml([(r, [(f"A{r}", "x")]) for r in range(1, 200)]
                                              + [(200, [("A200", "x"), ("XFD200", "y")])]))])
    response = upload(client, wide, "宽表.xlsx")
    assert response.status_code == 413
    assert ("表格有 200 行 × 16,384 列，共 3,276,800 个单元格，超过每次导入的上限 2,000,000 个单元格，"
            "请删去不用的列或拆分后再导入") in message_of(response)
    wide_csv = ("x" + "," * 100_000 + "\n").encode() * 21
    response = upload(client, wide_csv, "宽表.csv")
    assert response.status_code == 413 and "个单元格" in message_of(response)


def test_only_the_sheet_to_be_read_is_measured(app, client, office):
    book = workbook([("隐藏的大表", "hidden", sheet_xml([(1, [("A1", "x")]), (1_048_576, [("XFD1048576", "x")])])),
                     ("签约项目", "", sheet_xml([(1, [("A1", "项目名称"), ("B1", "签约企业")])]))])
    assert upload(client, book, "两张表.xlsx").status_code == 302
    response = upload(client, book, "两张表.xlsx", sheet="隐藏的大表")
    assert response.status_code == 413 and "1,048,576 行" in message_of(response)


@pytest.mark.parametrize("make", [signing_xlsx, signing_csv], ids=["xlsx", "csv"])
def test_one_row_past_the_limit_is_refused(app, client, office, make):
    response = upload(client, make(signing_rows(50_001)), "签约项目.xlsx")
    assert response.status_code == 413
    assert "表格有 50,001 行，超过每次导入的上限 50,000 行，请拆分后再导入" in message_of(response)
    assert count_jobs() == 0
    assert_still_serving(client)


def test_the_limits_are_settings(app, client, office):
    app.config["IMPORT_MAX_ROWS"] = 10
    response = upload(client, signing_csv(signing_rows(11)), "签约项目.csv")
    assert response.status_code == 413 and "上限 10 行" in message_of(response)
    assert upload(client, signing_csv(signing_rows(10)), "签约项目.csv").status_code == 302


def test_a_parser_past_its_memory_limit_dies_alone(app, client, office):
    """With the extent check out of the way, the parser itself meets the sparse sheet, in its child process."""
    app.config |= {"IMPORT_MAX_ROWS": 10**9, "IMPORT_MAX_CELLS": 10**12}
    response = upload(client, sparse_xlsx(), "稀疏.xlsx")
    assert response.status_code == 413
    assert ("读取文件时超出了 1,024 MB 的内存上限（表格过大或结构异常），已停止读取；请检查文件或拆分后再导入"
            in message_of(response))
    assert count_jobs() == 0
    assert_still_serving(client)


def test_a_parser_past_its_time_is_killed(app, client, office):
    app.config["IMPORT_PARSE_SECONDS"] = 0.01  # less than a child process takes to start
    response = upload(client, signing_csv(signing_rows(3)), "签约项目.csv")
    assert response.status_code == 413
    assert "读取文件超过 0.01 秒，已停止；请检查文件或拆分后再导入" in message_of(response)
    app.config["IMPORT_PARSE_SECONDS"] = 60
    assert upload(client, signing_csv(signing_rows(3)), "签约项目.csv").status_code == 302


def test_cells_come_back_from_the_child_as_read(app):
    book = workbook([("Sheet1", "", sheet_xml([(1, [("A1", "名称"), ("B1", 1.5)]), (3, [("C3", "末")])]))])
    table = read_upload(book, "x.xlsx")
    assert table.rows == [["名称", 1.5, ""], ["", "", ""], ["", "", "末"]] and table.sheet == "Sheet1"


def test_a_sheet_at_the_limit_is_previewed_and_its_job_stays_small(app, client, office):
    rows = signing_rows(50_000)
    for n in range(1, 1201, 2):  # 600 rows in error: more than are kept
        rows[n][4] = "很多"
    job_id = job_id_from(upload(client, signing_xlsx(rows), "五万行.xlsx"))
    response = client.post(f"/imports/jobs/{job_id}/mapping", data=mapping_choices(client, job_id))
    assert response.status_code == 302
    assert wait_for(client, job_id, timeout=240)[-1]["status"] == "previewed"
    job = db.session.get(ImportJob, job_id)
    assert job.summary["counts"]["rows"] == 49_999 and job.summary["counts"]["error"] == 600
    assert job.summary["left_out"] == {"new": 49_399 - KEPT_PER_FATE, "error": 600 - KEPT_PER_FATE}
    stored = len(json.dumps(job.rows)) + len(json.dumps(job.summary))  # as the JSON columns hold them
    assert len(job.rows) == 2 * KEPT_PER_FATE and stored < 1_000_000, stored  # every row kept: over 30 MB
    page = client.get(f"/imports/jobs/{job_id}").text
    assert "错误另有100行未列出" in page and "新增另有48,899行未列出" in page
