"""月报/季报 as a Word document: `flask report`, the page and its download for the district's leadership, office and
the city, the wall (a district's report holds its own projects only), bad periods refused, and LibreOffice opening
the file (a word processor reads what we write)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from docx.document import Document as WordDocument

from crm.extensions import db
from crm.models import District, Role, Supervision
from crm.report_document.pictures import cjk_font
from tests.plugins.app import unavailable
from tests.plugins.office import pdf_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def districts(make_user, make_team, make_enterprise, make_project, home_district):
    """Two districts, each with a team and a 亿元以上 project signed in May 2026; the home district's is red (its
    start 60 days late) with an open 督办; people of every role in the home district, and the city."""
    other = District(name="茅箭区", code="MJ")
    db.session.add(other)
    db.session.commit()
    ours = make_team(name="上海专班")
    theirs = make_team(name="深圳专班", district_id=other.id)
    red = make_project(team=ours, code="ZW-2026-001", name="本区电池项目", signed_on=date(2026, 5, 12),
                       total_investment_yuan=520_000_000, planned_start_on=date(2026, 3, 1))
    make_project(team=ours, code="ZW-2026-002", name="本区小项目", signed_on=date(2026, 5, 20),
                 total_investment_yuan=30_000_000)
    make_project(team=theirs, code="MJ-2026-001", name="邻区材料项目", signed_on=date(2026, 5, 3),
                 total_investment_yuan=310_000_000,
                 enterprise=make_enterprise(district_id=other.id, name="邻区企业有限公司"))
    leader = make_user(Role.LEADER, display_name="王区长")
    db.session.add(Supervision(project=red, what="协调施工许可", receiver_unit="区住建局",
                               deadline=date(2026, 5, 20), issuer=leader,
                               issued_at=datetime(2026, 5, 10, 2, tzinfo=UTC)))
    db.session.commit()
    return {"leader": leader, "admin": make_user(Role.ADMIN), "city": make_user(Role.CITY),
            "lead": make_user(Role.LEAD, team=ours), "member": make_user(Role.MEMBER, team=ours),
            "security": make_user(Role.SECURITY), "auditor": make_user(Role.AUDITOR),
            "other_leader": make_user(Role.LEADER, district_id=other.id)}


def text_of(document: WordDocument) -> str:
    """Every paragraph's and every table cell's text, one per line."""
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def table_with(document: WordDocument, heading: str) -> list[list[str]]:
    """The rows of the table whose header row holds this heading."""
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if heading in rows[0]:
            return rows
    raise AssertionError(f"no table headed {heading}")


def test_the_command_writes_a_month_with_its_figures_and_charts(app, runner, districts, tmp_path: Path):
    out = tmp_path / "zw.docx"
    result = runner.invoke(args=["report", "monthly", "--year", "2026", "--month", "5", "--district", "张湾区",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output and " s" in result.output
    document = Document(str(out))
    text = text_of(document)
    assert "张湾区招商引资工作月报（2026年5月）" in text and "第 5 期" in text
    assert "截至5月31日，全区招商引资签约项目2个，其中亿元以上项目1个，总投资5.50亿元" in text
    assert "本区电池项目" in text and "邻区材料项目" not in text  # --district reads that district only
    figures = {row[0]: row[1:] for row in table_with(document, "同比")[1:]}
    assert figures["签约项目"][0] == "2" and figures["亿元以上项目"][0] == "1" and figures["签约总投资"][0] == "5.50"
    yi_rows = table_with(document, "项目名称")
    assert yi_rows[1][1:3] == ["ZW-2026-001", "本区电池项目"] and yi_rows[-1][-1] == "5.20"
    assert "协调施工许可" in text and "区住建局" in text  # the open, overdue 督办 of the red project
    assert len(document.inline_shapes) >= 1


def test_the_command_without_a_district_writes_the_citys_report(app, runner, districts, tmp_path: Path):
    out = tmp_path / "city.docx"
    result = runner.invoke(args=["report", "quarterly", "--year", "2026", "--quarter", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = Document(str(out))
    text = text_of(document)
    assert "季报（2026年第2季度）" in text and "全市招商引资签约项目3个" in text
    assert {"张湾区", "茅箭区"} <= {row[1] for row in table_with(document, "得分")[1:]}  # the district ranking
    assert "协调施工许可" not in text  # the city reads no district's orders: their counts only
    assert len(document.inline_shapes) >= 1


@pytest.mark.parametrize("args", [
    ["monthly", "--year", "2026", "--month", "13"],
    ["monthly", "--year", "twenty", "--month", "5"],
    ["quarterly", "--year", "2026", "--quarter", "5"],
    ["period", "--start", "2026-06-01", "--end", "2026-05-01"],
    ["period", "--start", "2026-02-30", "--end", "2026-05-01"],
    ["monthly", "--year", "2026", "--month", "5", "--district", "无此区"],
])
def test_the_command_refuses_a_bad_period(app, runner, districts, tmp_path: Path, args: list[str]):
    out = tmp_path / "bad.docx"
    result = runner.invoke(args=["report", *args, "-o", str(out)])
    assert result.exit_code != 0 and not out.exists()
    assert "Error" in result.output


def test_the_command_wants_a_docx_file_name(app, runner, districts, tmp_path: Path):
    result = runner.invoke(args=["report", "monthly", "--month", "5", "-o", str(tmp_path / "report.pdf")])
    assert result.exit_code != 0 and ".docx" in result.output


@pytest.mark.parametrize("role", ["leader", "admin", "city"])
def test_leadership_office_and_city_get_the_page_and_the_document(client, sign_in_as, districts, role: str):
    sign_in_as(districts[role])
    page = client.get("/reports/monthly?year=2026&month=5")
    assert page.status_code == 200
    assert "招商引资工作月报（2026年5月）" in page.text and "/reports/report.docx?year=2026&amp;month=5" in page.text
    response = client.get("/reports/report.docx?year=2026&month=5")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert "attachment" in response.headers["Content-Disposition"]
    text = text_of(Document(io.BytesIO(response.data)))
    assert "本区电池项目" in text
    assert ("邻区材料项目" in text) is (role == "city")  # the wall: a district's report holds its own projects


@pytest.mark.parametrize("role", ["lead", "member", "security", "auditor"])
def test_others_are_refused(client, sign_in_as, districts, role: str):
    sign_in_as(districts[role])
    assert client.get("/reports/monthly?year=2026&month=5").status_code == 403
    assert client.get("/reports/report.docx?year=2026&month=5").status_code == 403


def test_another_districts_leader_reads_only_their_own(client, sign_in_as, districts):
    sign_in_as(districts["other_leader"])
    response = client.get("/reports/report.docx?year=2026&month=5")
    text = text_of(Document(io.BytesIO(response.data)))
    assert "茅箭区招商引资工作月报" in text and "邻区材料项目" in text
    assert "本区电池项目" not in text and "协调施工许可" not in text


@pytest.mark.parametrize("query", ["year=2026&month=13", "year=abc&month=5", "start=2026-06-01&end=2026-05-01",
                                   "start=2026-06-01", "year=2026&quarter=2&month=5", "start=x&end=y",
                                   "year=99999&month=1"])
def test_a_bad_period_is_refused_with_a_reason(client, sign_in_as, districts, query: str):
    sign_in_as(districts["leader"])
    for path in ("/reports/monthly", "/reports/report.docx"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422, (path, query)
        assert "data-refusal" in response.text and response.mimetype == "text/html"


def test_the_page_defaults_to_last_month_and_offers_a_quarter_and_a_range(client, sign_in_as, districts):
    sign_in_as(districts["leader"])
    assert "招商引资工作月报" in client.get("/reports/monthly").text
    quarter = client.get("/reports/monthly?year=2026&quarter=2")
    assert "季报（2026年第2季度）" in quarter.text and "report.docx?year=2026&amp;quarter=2" in quarter.text
    ranged = client.get("/reports/monthly?start=2026-05-01&end=2026-05-15")
    assert "专报（2026-05-01至2026-05-15）" in ranged.text
    document = Document(io.BytesIO(client.get("/reports/report.docx?start=2026-05-01&end=2026-05-15").data))
    assert "截至5月15日，全区招商引资签约项目1个" in text_of(document)


def test_the_download_is_in_the_audit_trail(client, sign_in_as, districts):
    from sqlalchemy import select

    from crm.models import AuditEvent
    sign_in_as(districts["leader"])
    client.get("/reports/report.docx?year=2026&month=5")
    details = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "export")).all()
    assert any('"export": "report"' in (detail or "") and "2026-05-01" in detail for detail in details)


def test_the_navigation_links_the_page_for_those_who_may(client, sign_in_as, districts):
    sign_in_as(districts["leader"])
    assert 'href="/reports/monthly"' in client.get("/").text
    sign_in_as(districts["member"])
    assert 'href="/reports/monthly"' not in client.get("/").text


def test_the_charts_have_a_chinese_font():
    """Skipped on a laptop without fonts-noto-cjk, failed in CI (scripts/test_services.sh installs it)."""
    if cjk_font() is None:
        unavailable("no CJK font (fonts-noto-cjk): the report's charts would show boxes for Chinese")


def test_libreoffice_opens_the_document(app, runner, districts, tmp_path: Path, to_pdf):
    """A word processor reads our file: converted by LibreOffice, its PDF says the title and the figures."""
    out = tmp_path / "zw.docx"
    assert runner.invoke(args=["report", "monthly", "--year", "2026", "--month", "5", "--district", "张湾区",
                               "-o", str(out)]).exit_code == 0
    (pdf,) = to_pdf(out)
    with pdfplumber.open(pdf) as opened:
        text = "\n".join(pdf_text(page) for page in opened.pages).replace(" ", "")
    assert "张湾区招商引资工作月报（2026年5月）" in text
    assert "签约项目2个，其中亿元以上项目1个，总投资5.50亿元" in text.replace("\n", "")
    assert "本区电池项目" in text


def test_a_long_list_shows_its_first_rows_and_counts_the_rest(app):
    """A province's month signs thousands: the document lists the first rows of each list and counts the rest."""
    from crm.report_document.sections import LISTED, listed

    rows = [(str(number), f"P-{number}") for number in range(1, LISTED + 8)]
    with app.test_request_context():
        shown, notes = listed(rows, "红色项目", ("序号", "项目编号"), (1.0, 2.0))
        whole, none = listed(rows[:LISTED], "红色项目", ("序号", "项目编号"), (1.0, 2.0))
    assert [row[1] for row in shown.rows] == [f"P-{number}" for number in range(1, LISTED + 1)]
    assert notes == ["另有7个未列出，见系统中的完整列表。"]
    assert len(whole.rows) == LISTED and none == []
