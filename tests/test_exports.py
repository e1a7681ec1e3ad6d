"""Exports: the files read back as a spreadsheet program reads them, with the page's filters, scope and audit."""

import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import select

from crm.domain.money import YUAN_PER_YI as YI
from crm.domain.periods import Period
from crm.extensions import db
from crm.models import AuditEvent, LeadStage, Ownership, ProjectStatus, Role, VisitKind
from crm.reports.figures import district_figures

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ("=1+2", "@SUM(A1)", "-2+3", "+1", "\t=3")
BUILT_IN_FORMATS = {0: "General", 1: "0", 2: "0.00"}
HEADERS = ["序号", "项目名称", "投资方（签约企业）", "来源地", "内/外资", "总投资（亿元）", "其中固定资产投资（亿元）",
           "产业类别", "项目类型", "协议类型", "签约时间", "落户地", "招商专班", "首席服务官", "当前进展", "备注"]


def download(client, url: str):
    """GET a file and read it whole; closing the response closes the file it was sent from."""
    with client.get(url) as response:
        response.data  # noqa: B018  (read before the file closes)
        return response


def sheet(data: bytes, index: int = 0) -> list[list]:
    """A sheet's cells as values, as a spreadsheet reader sees them."""
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(index).to_python()


def sheet_xml(data: bytes, index: int = 0) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(f"xl/worksheets/sheet{index + 1}.xml").decode()


def number_format(data: bytes, index: int, cell: str) -> str:
    """The number format of one cell, from the sheet's style index and the workbook's styles."""
    style = int(re.search(rf'<c r="{cell}" s="(\d+)"', sheet_xml(data, index))[1])
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode()
    xfs = re.findall(r"<xf [^>]*>", styles.split("<cellXfs")[1])
    format_id = int(re.search(r'numFmtId="(\d+)"', xfs[style])[1])
    codes = BUILT_IN_FORMATS | {int(i): code for i, code in re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]+)"',
                                                                      styles)}
    return codes.get(format_id, str(format_id))


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel and WPS then read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def export_events() -> list[dict]:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id))
    return [json.loads(event.detail) | {"user_id": event.user_id} for event in events]


@pytest.fixture
def signed(make_project, make_team, make_enterprise, make_user):
    """Projects of 2026 (one of each hostile name, one of 2.675亿元, one of 30亿元) and one of 2025."""
    team = make_team(name="上海专班")
    chief = make_user(Role.LEADER, display_name="王伟", title="副区长")
    foreign = make_enterprise(name="苏州外资有限公司", province="江苏", city="苏州", ownership=Ownership.FOREIGN)
    projects = [make_project(name=name, team=team, signed_on=date(2026, 3, 1 + i)) for i, name in enumerate(HOSTILE)]
    projects.append(make_project(name="电池项目", team=team, enterprise=foreign, signed_on=date(2026, 4, 1),
                                 total_investment_yuan=267_500_000, fixed_asset_investment_yuan=100_000_000,
                                 chief_officer=chief, status=ProjectStatus.STARTED, started_on=date(2026, 5, 6),
                                 remarks="=HYPERLINK(\"x\")"))
    projects.append(make_project(name="大项目", signed_on=date(2026, 6, 1), total_investment_yuan=30 * YI))
    projects.append(make_project(name="去年项目", signed_on=date(2025, 6, 1)))
    return projects


def test_signing_list_xlsx_reads_back_as_the_districts_list(client, login, admin, signed):
    login(admin)
    response = download(client, "/exports/projects.xlsx?year=2026")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert unquote(disposition.split("UTF-8''")[1]) == "张湾区2026年招商引资签约项目清单.xlsx"
    data = response.data
    rows = sheet(data)
    assert rows[0][0] == "张湾区2026年招商引资签约项目清单"
    assert rows[1] == HEADERS
    body = rows[2:9]
    assert [row[0] for row in body] == [1, 2, 3, 4, 5, 6, 7]  # 序号, newest signing first
    assert [row[1] for row in body] == ["大项目", "电池项目", *reversed(HOSTILE)]  # formulas come back as text
    battery = body[1]
    # Stored to the yuan, shown with two decimals ("0.00" below): 2.675亿元 reads 2.68 and sums exactly.
    assert battery[2:7] == ["苏州外资有限公司", "江苏苏州", "外资", 2.675, 1.0]
    assert battery[10] == date(2026, 4, 1)
    assert battery[12:16] == ["上海专班", "王伟（副区长）", "已开工（2026-05-06）", '=HYPERLINK("x")']
    assert rows[9][:2] == ["合计", "7个项目"] and rows[9][5] == pytest.approx(30 + 2.675 + 5 * 1.5)
    buckets = {row[1]: row[5] for row in rows[10:]}
    assert buckets == {"亿元以上项目7个": pytest.approx(40.175), "10亿元以上项目1个": 30.0,
                       "30亿元以上项目1个": 30.0, "50亿元以上项目0个": 0.0, "100亿元以上项目0个": 0.0}
    assert all(row[0] == "其中" for row in rows[10:])
    assert number_format(data, 0, "F4") == "0.00" and number_format(data, 0, "G4") == "0.00"
    xml = sheet_xml(data)
    assert "<f>" not in xml and "<f " not in xml  # not one formula cell
    assert '<autoFilter ref="A2:P9"/>' in xml
    assert re.search(r'<pane [^>]*ySplit="2"[^>]*state="frozen"', xml)
    assert re.search(r'<pageSetup [^>]*paperSize="9"[^>]*fitToHeight="0"[^>]*orientation="landscape"', xml)
    assert '<pageSetUpPr fitToPage="1"/>' in xml
    widths = [float(w) for w in re.findall(r'<col [^>]*width="([\d.]+)"', xml)]
    assert widths[1] >= 12 and widths[2] >= len("苏州外资有限公司") * 2  # Chinese text takes two cells a character
    assert export_events() == [{"export": "projects", "format": "xlsx", "filters": {"year": "2026"}, "rows": 7,
                                "via": "web", "user_id": admin.id}]


def test_signing_list_csv_is_utf8_with_bom_and_no_formulas(client, login, admin, signed):
    login(admin)
    response = download(client, "/exports/projects.csv?year=2026")
    assert response.status_code == 200 and response.content_type == "text/csv; charset=utf-8"
    assert "张湾区2026年招商引资签约项目清单.csv" in unquote(response.headers["Content-Disposition"])
    rows = csv_rows(response.data)
    assert rows[0] == ["张湾区2026年招商引资签约项目清单"] and rows[1] == HEADERS
    names = [row[1] for row in rows[2:9]]
    assert names[:2] == ["大项目", "电池项目"]
    assert names[2:] == ["'" + name for name in reversed(HOSTILE)]  # shown as text, never run
    # Exact to the yuan, never fewer than two decimals: a CSV brought back in loses nothing.
    assert rows[3][5:7] == ["2.675", "1.00"] and rows[3][10] == "2026-04-01" and rows[3][15] == "'=HYPERLINK(\"x\")"
    assert rows[9][:2] == ["合计", "7个项目"] and rows[9][5] == "40.175"
    assert [row[1] for row in rows[10:]][:2] == ["亿元以上项目7个", "10亿元以上项目1个"]
    assert export_events()[0]["rows"] == 7 and export_events()[0]["format"] == "csv"


def test_english_titles_keep_their_words_apart(compiled_catalogue, client, login, admin, signed):
    login(admin)
    assert client.post("/account/language", data={"locale": "en"}).status_code == 302
    year = csv_rows(download(client, "/exports/projects.csv?year=2026").data)[0][0]
    custom = csv_rows(download(client, "/exports/projects.csv?start=2026-03-01&end=2026-06-30").data)[0][0]
    assert year == "张湾区 2026 Investment projects signed"
    assert custom == "张湾区 Investment projects signed (2026-03-01 to 2026-06-30)"
    refused = download(client, "/exports/projects.csv?year=1900")
    assert refused.status_code == 400
    assert "Invalid filters: Signing year: Number must be between 2000 and 2100." in refused.text


def test_signing_list_takes_the_project_pages_filters(client, login, admin, signed):
    login(admin)
    rows = csv_rows(download(client, "/exports/projects.csv?year=2026&size=10").data)
    assert [row[1] for row in rows[2:-6]] == ["大项目"]
    rows = csv_rows(download(client, "/exports/projects.csv?q=电池").data)
    assert [row[1] for row in rows[2:-6]] == ["电池项目"]
    rows = csv_rows(download(client, "/exports/projects.csv").data)  # no period: every year, as the page
    assert len(rows[2:-6]) == 8 and rows[0] == ["张湾区招商引资签约项目清单"]
    page = client.get("/projects/?year=2026&size=10").text
    assert 'href="/exports/projects.xlsx?year=2026&amp;size=10"' in page


@pytest.mark.parametrize("query", ["quarter=1&month=2", "year=abc", "start=2026-05-01", "size=7", "team=999"])
def test_bad_filters_are_refused_with_a_chinese_message(client, login, admin, query):
    login(admin)
    response = download(client, f"/exports/projects.xlsx?{query}")
    assert response.status_code == 400
    assert "筛选条件有误" in response.text
    response = client.get(f"/exports/ranking.csv?{query}", headers={"Accept": "application/json"})
    assert response.status_code == 400 and "筛选条件有误" in response.json["message"]
    assert export_events() == []


@pytest.mark.parametrize("path", ["/exports/nothing.xlsx", "/exports/projects.pdf", "/exports/projects"])
def test_unknown_exports_are_not_found(client, login, admin, path):
    login(admin)
    assert client.get(path).status_code == 404


def test_yi_ranking_export_lists_counted_projects_largest_first(client, login, make_user, signed, make_project):
    make_project(name="未认定项目", signed_on=date(2026, 2, 1), total_investment_yuan=50 * YI, verified=False)
    login(make_user(Role.MEMBER))
    response = download(client, "/exports/ranking.xlsx?year=2026")
    rows = sheet(response.data)
    assert rows[0][0] == "张湾区2026年亿元以上项目榜"
    assert rows[1][:3] == ["排名", "项目名称", "总投资（亿元）"]
    assert [(row[0], row[1], row[2]) for row in rows[2:4]] == [(1, "大项目", 30.0), (2, "电池项目", 2.675)]
    assert len(rows[2:-6]) == 7 and rows[-6][:3] == ["合计", "7个项目", pytest.approx(40.175)]
    assert rows[-5][1] == "亿元以上项目7个"
    assert "<f>" not in sheet_xml(response.data)
    rows = csv_rows(download(client, "/exports/ranking.csv?year=2026&size=10").data)
    assert [row[1] for row in rows[2:-6]] == ["大项目"]
    rows = csv_rows(download(client, "/exports/ranking.csv?year=2025").data)
    assert [row[1] for row in rows[2:-6]] == ["去年项目"]


def test_team_ranking_export_has_the_ranking_and_each_scores_parts(client, login, admin, signed, make_team):
    make_team(name="北京专班")
    login(admin)
    data = download(client, "/exports/teams.xlsx?year=2026").data
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert workbook.sheet_names == ["专班排名", "得分明细"]
    rows = sheet(data)
    assert rows[0][0] == "张湾区2026年专班排名"
    header = rows[1]
    assert header[:3] == ["排名", "专班", "得分"] and "签约投资额（亿元）" in header
    assert not any(str(title).endswith("得分") for title in header[3:])  # as the page: each part is on 得分明细
    teams = {row[1]: dict(zip(header, row, strict=True)) for row in rows[2:] if isinstance(row[0], float)}
    assert teams["上海专班"]["排名"] == 1 and teams["上海专班"]["签约项目数"] == 6
    assert teams["上海专班"]["签约投资额（亿元）"] == pytest.approx(10.175)
    assert teams["北京专班"]["得分"] == 0
    assert any(row[1] == "全区合计" for row in rows)
    parts = sheet(data, 1)
    shanghai = [row for row in parts[2:] if row[1] == "上海专班"]
    assert [row[2] for row in shanghai][-2:] == ["超时限未开工扣分", "得分"]
    assert sum(row[6] for row in shanghai[:-2]) == pytest.approx(shanghai[-1][6])
    assert not any("<f>" in sheet_xml(data, i) for i in (0, 1))
    rows = csv_rows(download(client, "/exports/teams.csv?year=2026").data)
    assert rows[1] == header and export_events()[-1]["rows"] == 4  # 上海, 北京 and the two teams of other projects


def test_visit_export_holds_only_the_members_team(client, login, make_user, make_team, make_visit, make_enterprise):
    mine, other = make_team(name="上海专班"), make_team(name="深圳专班")
    member = make_user(Role.MEMBER, team=mine)
    make_visit(team=mine, enterprise=make_enterprise(name="@上海企业"), visited_on=date(2026, 3, 3),
               participants=[member], created_by=member, summary="-谈得很好")
    make_visit(team=mine, visited_on=date(2025, 3, 3), kind=VisitKind.TALKS)
    make_visit(team=other, visited_on=date(2026, 3, 4))
    login(member)
    rows = sheet(download(client, "/exports/visits.xlsx").data)
    assert rows[0][0] == "张湾区上海专班拜访记录"
    assert [row[4] for row in rows[2:-1]] == ["上海专班", "上海专班"]
    first = rows[2]
    assert first[1:4] == [date(2026, 3, 3), "@上海企业", "走访"] and first[6] == "用户1" and first[9] == "-谈得很好"
    assert rows[-1][:2] == ["合计", "2次拜访"]
    rows = csv_rows(download(client, "/exports/visits.csv?start=2026-01-01&end=2026-12-31").data)
    assert rows[0] == ["张湾区上海专班拜访记录（2026-01-01至2026-12-31）"]
    assert [row[2] for row in rows[2:-1]] == ["'@上海企业"]
    assert csv_rows(download(client, "/exports/visits.csv?kind=talks").data)[2][1] == "2025-03-03"
    assert download(client, f"/exports/visits.csv?team_id={other.id}").status_code == 400  # not a team they may pick
    assert [event["rows"] for event in export_events()] == [2, 1, 1]
    assert 'href="/exports/visits.xlsx' in client.get("/visits/").text


def test_visit_export_for_a_leader_holds_every_team(client, login, make_user, make_team, make_visit):
    shanghai, shenzhen = make_team(name="上海专班"), make_team(name="深圳专班")
    make_visit(team=shanghai)
    make_visit(team=shenzhen)
    login(make_user(Role.LEADER))
    rows = csv_rows(download(client, "/exports/visits.csv").data)
    assert sorted(row[4] for row in rows[2:-1]) == ["上海专班", "深圳专班"]
    rows = csv_rows(download(client, f"/exports/visits.csv?team_id={shenzhen.id}").data)
    assert [row[4] for row in rows[2:-1]] == ["深圳专班"]


def test_lead_export_is_scoped_and_filtered_as_the_lead_list(client, login, make_user, make_team, make_lead):
    mine, other = make_team(name="上海专班"), make_team(name="深圳专班")
    member = make_user(Role.MEMBER, team=mine)
    make_lead(team=mine, title="=cmd|' /C calc'!A0", intended_investment_yuan=150_000_000, owner=member)
    make_lead(team=mine, title="洽谈中项目", stage=LeadStage.NEGOTIATING, intended_investment_yuan=None)
    make_lead(team=other, title="别人的项目")
    login(member)
    response = download(client, f"/exports/leads.xlsx?team={other.id}")  # a member's list ignores a team
    rows = sheet(response.data)
    assert rows[0][0] == "张湾区上海专班在谈项目清单"
    assert sorted(row[1] for row in rows[2:-1]) == ["=cmd|' /C calc'!A0", "洽谈中项目"]
    assert rows[-1][:2] == ["合计", "2个项目"] and rows[-1][5] == 1.5
    assert "<f>" not in sheet_xml(response.data)
    rows = csv_rows(download(client, "/exports/leads.csv?stage=negotiating").data)
    assert [row[1] for row in rows[2:-1]] == ["洽谈中项目"] and rows[2][6] == "洽谈"
    assert download(client, "/exports/leads.csv?stage=nonsense").status_code == 400
    assert 'href="/exports/leads.csv' in client.get("/leads/list").text


def test_cli_writes_the_file_its_suffix_names_and_records_it(app, runner, signed, tmp_path):
    target = tmp_path / "list.xlsx"
    result = runner.invoke(args=["export", "projects", "--year", "2026", "-o", str(target)])
    assert result.exit_code == 0, result.output
    rows = sheet(target.read_bytes())
    assert rows[0][0] == "张湾区2026年招商引资签约项目清单" and len(rows[2:-6]) == 7
    target = tmp_path / "teams.csv"
    result = runner.invoke(args=["export", "teams", "--year", "2026", "--quarter", "1", "-o", str(target), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"] == 3  # every active team
    assert csv_rows(target.read_bytes())[0] == ["张湾区2026年第1季度专班排名"]
    target = tmp_path / "big.csv"
    result = runner.invoke(args=["export", "projects", "--filter", "size=10", "--team", "上海专班", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert [row[1] for row in csv_rows(target.read_bytes())[2:-6]] == []
    events = export_events()
    assert [(event["export"], event["via"], event["user_id"]) for event in events] == [
        ("projects", "cli", None), ("teams", "cli", None), ("projects", "cli", None)]


@pytest.mark.parametrize("args", [["leads", "--year", "2026"], ["projects", "--quarter", "1", "--month", "2"],
                                  ["teams", "--team", "上海专班"], ["projects", "--filter", "size=7"],
                                  ["projects", "--filter", "nothing"]])
def test_cli_refuses_what_it_cannot_do(runner, signed, tmp_path, args):
    result = runner.invoke(args=["export", *args, "-o", str(tmp_path / "out.xlsx")])
    assert result.exit_code != 0
    assert not (tmp_path / "out.xlsx").exists()


def test_cli_refuses_an_unknown_suffix(runner, tmp_path):
    result = runner.invoke(args=["export", "projects", "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 2 and ".xlsx or .csv" in result.output


def test_ranking_page_links_to_its_exports(client, login, admin, signed):
    login(admin)
    assert 'href="/exports/ranking.csv?year=2026"' in client.get("/rankings/projects?year=2026").text
    assert 'href="/exports/teams.xlsx?year=2026"' in client.get("/rankings/teams?year=2026").text


def test_export_links_keep_the_pages_query_but_not_their_own_arguments(client, login, admin, signed):
    login(admin)
    page = client.get("/projects/?year=2026&name=x&ext=y")
    assert page.status_code == 200
    assert 'href="/exports/projects.csv?year=2026"' in page.text


@pytest.mark.slow
def test_export_benchmark_runs_in_its_quick_form():
    """The benchmark's figures are for 100,000 projects, by hand; here it runs small, to show it still works."""
    result = subprocess.run([sys.executable, "scripts/bench_exports.py", "--quick"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr  # 1: a target missed, which a small database says nothing of
    verdicts = re.findall(r"^(xlsx|csv): +ours.*(PASS|FAIL)$", result.stdout, re.M)
    assert len(verdicts) == 4, result.stdout
    assert re.search(r"^xlsx +ours +rows +2000 ", result.stdout, re.M), result.stdout


# One rule per figure: the signing list stands beside the brief ----------------------------------------------------

def listed_rows(data: bytes) -> pd.DataFrame:
    """The data rows of a signing list .xlsx as pandas reads them (the footer's 合计/其中 rows left out)."""
    frame = pd.read_excel(io.BytesIO(data), header=1, engine="calamine")
    return frame[pd.to_numeric(frame["序号"], errors="coerce").notna()]


def footer_rows(rows: list[list]) -> dict[str, list]:
    """The footer's rows by their first two cells (合计, 合计（待认定）, 其中 + bucket)."""
    return {f"{row[0]}{row[1]}" if row[0] == "其中" else str(row[0]): row for row in rows
            if str(row[0]).startswith(("合计", "其中"))}


@pytest.fixture
def standings(make_project, make_team):
    """2026's signings: three verified, two awaiting verification, one voided; one verified of 2025."""
    team = make_team(name="上海专班")
    for n, yuan in enumerate((350_000_000, 1_200_000_000, 80_000_000)):
        make_project(name=f"已认定{n}", team=team, total_investment_yuan=yuan, signed_on=date(2026, 2, 1 + n))
    for n, yuan in enumerate((500_000_000, 33_000_000)):
        make_project(name=f"待认定{n}", team=team, total_investment_yuan=yuan, signed_on=date(2026, 3, 1 + n),
                     verified=False)
    make_project(name="作废", team=team, total_investment_yuan=900_000_000, signed_on=date(2026, 4, 1),
                 voided=True, void_reason="重复登记")
    make_project(name="去年", team=team, signed_on=date(2025, 4, 1))


def test_the_signing_list_gives_the_figures_of_the_year_by_default(client, login, admin, standings):
    figures = district_figures(Period.year(2026))
    assert (figures.signed_projects, figures.signed_investment_yuan) == (3, 1_630_000_000)
    login(admin)
    data = download(client, "/exports/projects.xlsx?year=2026").data
    frame = listed_rows(data)
    assert len(frame) == figures.signed_projects
    assert round(frame["总投资（亿元）"].sum() * YI) == figures.signed_investment_yuan
    assert not frame["备注"].astype(str).str.contains("待认定").any()
    footer = footer_rows(sheet(data))
    assert list(footer)[0] == "合计" and footer["合计"][1] == "3个项目"
    assert footer["合计"][5] == pytest.approx(figures.signed_investment_yuan / YI)
    assert "合计（待认定）" not in footer
    rows = csv_rows(download(client, "/exports/projects.csv?year=2026").data)
    body = [row for row in rows[2:] if row[0].isdigit()]
    assert len(body) == 3 and sum(round(float(row[5]) * YI) for row in body) == figures.signed_investment_yuan
    assert next(row for row in rows if row[0] == "合计")[5] == "16.30"
    assert export_events()[0]["rows"] == 3


def test_pending_rows_come_with_a_total_of_their_own(client, login, admin, standings):
    login(admin)
    data = download(client, "/exports/projects.xlsx?year=2026&verified=all").data
    frame = listed_rows(data)
    assert len(frame) == 5 and frame["备注"].astype(str).str.contains("待认定").sum() == 2
    footer = footer_rows(sheet(data))
    assert "合计" not in footer  # no line adds the pending signings to the counted ones
    assert footer["合计（已认定）"][1] == "3个项目" and footer["合计（已认定）"][5] == pytest.approx(16.3)
    assert footer["合计（待认定）"][1] == "2个项目" and footer["合计（待认定）"][5] == pytest.approx(5.33)
    assert footer["其中亿元以上项目2个"][5] == pytest.approx(15.5)  # of the counted ones
    rows = csv_rows(download(client, "/exports/projects.csv?year=2026&verified=all&voided=y").data)
    labels = [row[0] for row in rows if row[0].startswith("合计")]
    assert labels == ["合计（已认定）", "合计（待认定）", "合计（已作废）"]
    assert next(row for row in rows if row[0] == "合计（已作废）")[5] == "9.00"
    assert export_events()[-1]["rows"] == 6
    page = client.get("/projects/?year=2026&verified=all").text
    assert 'href="/exports/projects.xlsx?year=2026&amp;verified=all"' in page


def test_the_web_export_takes_1_to_n_months_as_the_command_line_does(client, login, admin, runner, make_project,
                                                                      tmp_path):
    for name, day in (("一月项目", date(2026, 1, 9)), ("三月项目", date(2026, 3, 9)), ("五月项目", date(2026, 5, 31)),
                      ("六月项目", date(2026, 6, 1)), ("去年五月", date(2025, 5, 9))):
        make_project(name=name, signed_on=day)
    target = tmp_path / "ytd.xlsx"
    result = runner.invoke(args=["export", "projects", "--year", "2026", "--month", "5", "--ytd", "-o", str(target)])
    assert result.exit_code == 0, result.output
    login(admin)
    web = sheet(download(client, "/exports/projects.xlsx?year=2026&month=5&ytd=y").data)
    cli = sheet(target.read_bytes())
    assert web == cli
    assert web[0][0] == "张湾区2026年1—5月累计招商引资签约项目清单"
    assert [row[1] for row in web[2:5]] == ["五月项目", "三月项目", "一月项目"] and web[5][:2] == ["合计", "3个项目"]
    month = sheet(download(client, "/exports/projects.xlsx?year=2026&month=5").data)
    assert [row[1] for row in month[2:-6]] == ["五月项目"]


def test_the_city_narrows_the_signing_list_and_the_ranking_to_one_district(client, login, make_user, make_district,
                                                                           make_team, make_enterprise, make_project):
    other = make_district(name="茅箭区", code="MJ")
    make_project(name="张湾项目", total_investment_yuan=3 * YI)
    theirs = make_team(name="茅箭专班", district_id=other.id)
    make_project(name="茅箭项目", team=theirs, enterprise=make_enterprise(district_id=other.id),
                 total_investment_yuan=2 * YI)
    login(make_user(Role.CITY))
    everyone = csv_rows(download(client, "/exports/projects.csv?year=2026").data)
    assert sorted(row[1] for row in everyone[2:-6]) == ["张湾项目", "茅箭项目"]
    one = csv_rows(download(client, f"/exports/projects.csv?year=2026&district={other.id}").data)
    assert [row[1] for row in one[2:-6]] == ["茅箭项目"] and one[0] == ["茅箭区2026年招商引资签约项目清单"]
    assert one[-6][:2] == ["合计", "1个项目"] and one[-6][5] == "2.00"
    ranking = csv_rows(download(client, f"/exports/ranking.csv?year=2026&district={other.id}").data)
    assert [row[1] for row in ranking[2:-6]] == ["茅箭项目"] and ranking[-6][:3] == ["合计", "1个项目", "2.00"]
    assert download(client, "/exports/projects.csv?district=999999").status_code == 400


def test_a_districts_export_ignores_another_district_named(client, login, admin, make_district, make_project):
    other = make_district(name="茅箭区", code="MJ")
    make_project(name="张湾项目")
    login(admin)
    rows = csv_rows(download(client, f"/exports/projects.csv?district={other.id}").data)
    assert [row[1] for row in rows[2:-6]] == ["张湾项目"] and rows[0] == ["张湾区招商引资签约项目清单"]
