"""Spreadsheet imports: messy files read right, every row's fate previewed, then all rows written or none."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from sqlalchemy import func, select

from crm.domain.credit_code import make_credit_code
from crm.domain.money import Unit
from crm.domain.periods import LOCAL
from crm.exports.signing_list import columns as signing_list_columns
from crm.extensions import db
from crm.imports.commit import commit_import
from crm.imports.headers import change_mapping, match_header
from crm.imports.mapping import propose_layout, remember_mapping
from crm.imports.opening import read_path, read_upload
from crm.imports.outcomes import Fate, ImportOptions
from crm.imports.preview import preview_import
from crm.imports.reading import MAX_BYTES, ImportRefused
from crm.imports.values import CellError, parse_date, parse_money, text_value
from crm.models import (
    AuditEvent,
    Contact,
    District,
    Enterprise,
    ImportMapping,
    Lead,
    LeadStage,
    Project,
    ProjectStatus,
    Role,
    Team,
    User,
    Visit,
)

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
ROOT = Path(__file__).resolve().parent.parent
@dataclass(frozen=True)
class DateCell:
    value: date


@dataclass(frozen=True)
class Formula:
    text: str
    value: Any  # the result Excel stored with the formula


def write_xlsx(path: Path, rows: list[list[Any]], *, merge_title: int = 0) -> Path:
    """A workbook from rows: None leaves a cell empty; DateCell is a date-formatted cell; Formula keeps its value."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("Sheet1")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        if r == 0 and merge_title:
            sheet.merge_range(0, 0, 0, merge_title - 1, row[0])
            continue
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, DateCell):
                sheet.write_datetime(r, c, datetime.combine(value.value, datetime.min.time()), day)
            elif isinstance(value, Formula):
                sheet.write_formula(r, c, value.text, None, value.value)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    workbook.close()
    return path


def district_signing_list(path: Path) -> Path:
    """A signing list as a district office keeps it: title, notes, units in several forms, totals, blank rows."""
    header = ["序号", "项目名称", "签约企业", "来源地", "总投资（亿元）", "其中：固定资产投资(亿元)", "产业",
              "签约时间", "招商专班", "项目类型", "协议类型", "备注"]
    return write_xlsx(path, [
        ["张湾区2024年一季度招商引资签约项目清单"],
        ["填报单位：区招商服务中心", None, None, None, None, None, None, None, None, None, "单位：亿元"],
        header,
        ["一、先进制造业"],
        [1, " 新能源电池项目 ", "宁德时新能源科技股份有限公司", "福建宁德", 12.5, 10, "新能源",
         DateCell(date(2024, 3, 5)), "上海专班", "新建", "正式合同", None],
        [2, "汽车轮毂项目", "浙江恒轮汽配有限公司", "浙江杭州", "8000万元", "5000万", "汽车零部件", "2024.3.5",
         "杭州专班", "扩建", "框架协议", "  二期  "],
        [3, "电子元件项目", "香港华科电子有限公司", "香港", "1.2亿美元", None, "电子信息", "2024年3月6日", "深圳专班",
         "新建", "正式合同", None],
        [4, "智能装备项目", "苏州精工装备有限公司", "江苏苏州", Formula("=2+1.5", 3.5), Formula("=2", 2), "装备制造",
         45356, "上海专班", "技改", "意向协议", None],
        [None, "小计", None, None, Formula("=SUM(E5:E8)", 16.85)],
        [None],
        ["二、现代服务业"],
        [5, "冷链物流中心", "深圳顺达冷链物流有限公司", "广东深圳", "6,500万元", None, "现代物流", "2024/3/18",
         "深圳专班", "新建", "正式合同", None],
        [None, None, None, None, None, None, None, None, None, None, None, None],
        ["合计", "5个项目", None, None, Formula("=E9+0.65", 17.5)],
        ["注：1.总投资以签订协议为准；2.外资项目按签约日汇率折算。"],
    ], merge_title=12)


def first_admin(make_user):
    return make_user(Role.ADMIN, username="office")


def run_preview(path: Path, kind: str = "projects", **options: Any):
    table = read_path(path)
    return preview_import(table, propose_layout(table, kind), ImportOptions(**options))


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Reading cells ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    ("2024-03-05", date(2024, 3, 5)), ("2024.3.5", date(2024, 3, 5)), ("2024/3/5", date(2024, 3, 5)),
    ("2024年3月5日", date(2024, 3, 5)), (" 2024-03-05 00:00:00 ", date(2024, 3, 5)), ("20240305", date(2024, 3, 5)),
    ("２０２４年３月５日", date(2024, 3, 5)), (45356, date(2024, 3, 5)), (45356.75, date(2024, 3, 5)),
    ("45356", date(2024, 3, 5)), (datetime(2024, 3, 5, 9, 30), date(2024, 3, 5)), (date(2024, 3, 5), date(2024, 3, 5)),
    ("", None), ("—", None),
])
def test_dates_in_every_common_form(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize(("cell", "message"), [
    ("2024.13.5", "日期不存在"), ("2024年2月30日", "日期不存在"), ("2024年3月", "精确到日"),
    ("下周一", "日期格式不正确"), (2024, "日期格式不正确"), (True, "日期格式不正确"),
])
def test_dates_that_are_not_dates_say_why(cell, message):
    with pytest.raises(CellError, match=message):
        parse_date(cell)


@pytest.mark.parametrize(("cell", "unit", "currency", "yuan", "original"), [
    (1.5, Unit.YI, "CNY", 150_000_000, None),
    (12.3456789, Unit.YI, "CNY", 1_234_567_890, None),
    ("8000万元", Unit.YI, "CNY", 80_000_000, None),  # the cell's unit wins over the header's
    ("1.5亿", Unit.WAN, "CNY", 150_000_000, None),
    ("５０００万", None, "CNY", 50_000_000, None),
    (" 6,500万元 ", None, "CNY", 65_000_000, None),
    ("¥2亿元", None, "CNY", 200_000_000, None),
    ("5000元", Unit.YI, "CNY", 5_000, None),
    (8600, Unit.WAN, "CNY", 86_000_000, None),
    ("1.2亿美元", None, "CNY", 852_000_000, 120_000_000),
    (1200, Unit.WAN, "USD", 85_200_000, 12_000_000),  # 投资额（万美元）
])
def test_amounts_with_units_from_the_cell_or_the_header(cell, unit, currency, yuan, original):
    amount = parse_money(cell, unit=unit, currency=currency, rates={"USD": Decimal("7.1")})
    assert amount.yuan == yuan and amount.original == original


@pytest.mark.parametrize(("cell", "unit", "message"), [
    (1.5, None, "缺少单位"), ("1.2亿美元", Unit.YI, "汇率"), ("-5", Unit.YI, "负数"), ("约5亿", None, "格式不正确"),
    (True, Unit.YI, "格式不正确"),
])
def test_amounts_refused_say_why(cell, unit, message):
    with pytest.raises(CellError, match=message):
        parse_money(cell, unit=unit)


def test_a_row_rate_converts_foreign_money():
    amount = parse_money("1000万欧元", unit=None, rate=Decimal("7.8"))
    assert (amount.yuan, amount.currency, amount.original) == (78_000_000, "EUR", 10_000_000)
    assert amount.rate == Decimal("7.8")


def test_text_is_trimmed_and_placeholders_are_blank():
    assert text_value("\u3000 宁德时代 \t") == "宁德时代"
    assert text_value("—") is None and text_value(" / ") is None and text_value("   ") is None
    assert text_value(13800138000.0) == "13800138000"


@pytest.mark.parametrize(("header", "field", "unit", "currency"), [
    ("项目名称", "name", None, "CNY"), ("名称", "name", None, "CNY"), ("签约企业", "investor", None, "CNY"),
    ("投资方", "investor", None, "CNY"), ("投资主体", "investor", None, "CNY"),
    ("投资方（签约企业）", "investor", None, "CNY"), ("投资方(签约企业)", "investor", None, "CNY"),
    ("总投资（亿元）", "total_investment", Unit.YI, "CNY"), ("总 投 资(亿元)", "total_investment", Unit.YI, "CNY"),
    ("投资额(万元)", "total_investment", Unit.WAN, "CNY"), ("协议投资:万元", "total_investment", Unit.WAN, "CNY"),
    ("协议投资：万元", "total_investment", Unit.WAN, "CNY"), ("投资额（万美元）", "total_investment", Unit.WAN, "USD"),
    ("其中固定资产投资（亿元）", "fixed_asset_investment", Unit.YI, "CNY"), ("内/外资", "ownership", None, "CNY"),
    ("签约时间", "signed_on", None, "CNY"), ("招商专班", "team", None, "CNY"),
    ("首席服务官", "chief_officer", None, "CNY"), ("当前进展", "status", None, "CNY"),
    ("统一社会信用代码", "credit_code", None, "CNY"),
])
def test_headers_by_their_many_names(header, field, unit, currency):
    found, found_unit, found_currency = match_header("projects", header)
    assert (found.name, found_unit, found_currency) == (field, unit, currency)


def test_every_column_of_the_exported_signing_list_is_recognised():
    headers = [column.header for column in signing_list_columns()]
    assert "其中固定资产投资（亿元）" in headers and len(headers) == 16
    fields = [match_header("projects", header)[0] for header in headers]
    assert all(fields), [h for h, f in zip(headers, fields, strict=True) if f is None]
    assert len({f.name for f in fields}) == len(headers)


# Refusals -------------------------------------------------------------------------------------------------------

def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "reason", "message"), [
    (b"", "empty", "空"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00", "wrong_type", "文件名是.xlsx，但内容不是表格"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "wrong_type", "文件名是.xlsx，但内容不是表格"),
    (zip_bytes({"word/document.xml": b"<w/>"}), "wrong_type", "文件名是.xlsx，但内容不是表格"),
    (zip_bytes({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\0" * (4 << 20)}), "bomb", "压缩炸弹"),
    (b"PK\x03\x04 broken", "unreadable", "损坏"),
    ("<html><table><tr><td>项目名称</td></tr></table></html>".encode(), "wrong_type", "另存为xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "unreadable", "损坏"),
    (b"\xff\xfe\xfa\x80\x81" * 20, "encoding", "UTF-8或GB18030"),
])
def test_files_refused_with_a_clear_message(data, reason, message):
    with pytest.raises(ImportRefused) as refused:
        read_upload(data, "upload.xlsx")
    assert refused.value.reason == reason and message in refused.value.message


def test_a_file_not_named_as_a_spreadsheet_is_told_which_kinds_are():
    with pytest.raises(ImportRefused, match="只能导入xlsx、xls或csv文件"):
        read_upload(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00", "scan.pdf")


def test_files_over_twenty_megabytes_are_refused():
    with pytest.raises(ImportRefused, match="20MB") as refused:
        read_upload(b"a,b\n" * (MAX_BYTES // 4 + 1), "big.csv")
    assert refused.value.reason == "too_large"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_bom_or_gb18030(encoding):
    text = "企业名称,统一社会信用代码,行业\r\n十堰东风汽配有限公司,,汽车零部件\r\n“恒信”科技有限公司,,新材料\r\n"
    table = read_upload(text.encode(encoding), "企业.csv")
    assert table.format == "csv" and table.rows[1][0] == "十堰东风汽配有限公司"
    assert table.rows[2][0] == "“恒信”科技有限公司"


def test_a_real_xls_file_is_read_with_its_dates_units_and_merged_title(app, make_user, make_team):
    for name in ("武汉专班", "杭州专班", "深圳专班"):
        make_team(name=name)
    preview = run_preview(FIXTURES / "signing_2023.xls", confirm_new=True)
    assert preview.table.format == "xls" and preview.layout.header_row == 3
    assert [(r.row, r.fate) for r in preview.rows] == [(4, Fate.NEW), (5, Fate.NEW), (6, Fate.NEW),
                                                       (7, Fate.SKIPPED), (8, Fate.SKIPPED), (9, Fate.SKIPPED)]
    values = [r.values for r in preview.rows[:3]]
    assert [v["total_investment"].yuan for v in values] == [520_000_000, 120_000_000, 86_000_000]  # 单位：万元 line
    assert [v["signed_on"] for v in values] == [date(2023, 2, 10), date(2023, 4, 18), date(2023, 6, 23)]
    assert values[1]["investor"] == "浙江恒轮汽配有限公司"


def test_a_unit_note_with_its_exception_sets_the_unit_and_an_unknown_agreement_is_refused(tmp_path, make_team):
    """单位：万元（注明“亿元”的除外）: bare numbers are 万元, a cell that says 亿元 keeps it; an agreement type the
    import does not know is refused with the words it knows, never read as 正式合同."""
    make_team(name="上海专班")
    path = write_xlsx(tmp_path / "清单.xlsx", [
        ["2026年签约项目清单"], ["单位：万元（注明“亿元”的除外）"],
        ["序号", "项目名称", "投资方", "总投资", "协议类型", "签约时间", "专班"],
        [1, "甲项目", "上海甲科技有限公司", 50000, "正式合同", "2026-03-01", "上海专班"],
        [2, "乙项目", "上海乙科技有限公司", "3亿元", "框架协议", "2026-03-02", "上海专班"],
        [3, "丙项目", "上海丙科技有限公司", 8000, "补充协议", "2026-03-03", "上海专班"]])
    preview = run_preview(path, confirm_new=True)
    assert preview.layout.stated_unit is Unit.WAN
    assert [r.fate for r in preview.rows] == [Fate.NEW, Fate.NEW, Fate.ERROR]
    assert [r.values["total_investment"].yuan for r in preview.rows[:2]] == [500_000_000, 300_000_000]
    assert "无法识别：补充协议（可填：意向协议、框架协议、正式合同）" in preview.rows[2].reasons[0]


# Previews and imports ----------------------------------------------------------------------------------------------

def test_a_district_signing_list_imports_after_a_preview_with_every_row_accounted_for(
        app, make_user, make_team, tmp_path):
    admin = first_admin(make_user)
    make_team(name="上海专班")
    make_team(name="驻杭州招商专班")
    path = district_signing_list(tmp_path / "一季度签约.xlsx")
    preview = run_preview(path, confirm_new=True, rates={"USD": Decimal("7.1")})
    assert preview.layout.header_row == 3
    assert [r.row for r in preview.rows] == list(range(4, 16))  # every row below the header
    fates = {r.row: r.fate for r in preview.rows}
    assert [n for n, fate in fates.items() if fate is Fate.NEW] == [5, 6, 7, 8, 12]
    reasons = {r.row: r.reasons[0] for r in preview.rows if r.fate is Fate.SKIPPED}
    assert reasons[4].startswith("分组标题行") and reasons[9].startswith("合计行") and reasons[10] == "空行"
    assert reasons[11].startswith("分组标题行") and reasons[13] == "空行" and reasons[14].startswith("合计行")
    assert reasons[15].startswith("说明行") and len(reasons) == 7
    assert preview.new_teams == ["深圳专班"] and len(preview.new_enterprises) == 5
    assert preview.ok and not preview.needs_confirmation

    result = commit_import(preview, actor=admin)
    db.session.commit()
    assert (result.inserted, result.skipped, result.enterprises_created) == (5, 7, 5)
    projects = {p.name: p for p in db.session.scalars(select(Project))}
    assert set(projects) == {"冷链物流中心", "智能装备项目", "新能源电池项目", "汽车轮毂项目", "电子元件项目"}
    names = ("新能源电池项目", "汽车轮毂项目", "电子元件项目", "智能装备项目", "冷链物流中心")
    battery, wheels, chips, machines, cold = (projects[name] for name in names)
    assert (battery.total_investment_yuan, battery.fixed_asset_investment_yuan) == (1_250_000_000, 1_000_000_000)
    assert (wheels.total_investment_yuan, wheels.fixed_asset_investment_yuan) == (80_000_000, 50_000_000)
    assert (chips.total_investment_yuan, chips.currency, chips.original_amount, chips.fx_rate) == (
        852_000_000, "USD", 120_000_000, Decimal("7.1"))
    assert machines.total_investment_yuan == 350_000_000 and machines.fixed_asset_investment_yuan == 200_000_000
    assert cold.total_investment_yuan == 65_000_000
    assert [p.signed_on for p in (battery, wheels, chips, machines, cold)] == [
        date(2024, 3, 5), date(2024, 3, 5), date(2024, 3, 6), date(2024, 3, 5), date(2024, 3, 18)]
    assert wheels.team.name == "驻杭州招商专班" and wheels.remarks == "二期" and battery.name == "新能源电池项目"
    assert cold.team.name == "深圳专班" and cold.team.base_city == "待定"
    assert battery.enterprise.province == "福建" and battery.enterprise.city == "宁德"
    assert all(p.verified and p.verified_by_id == admin.id and p.status is ProjectStatus.SIGNED
               for p in projects.values())
    assert sorted(p.code for p in projects.values()) == [f"ZW-2024-00{n}" for n in range(1, 6)]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import"))
    detail = json.loads(event.detail)
    assert event.user_id == admin.id and event.entity == "projects"
    assert detail["file"] == "一季度签约.xlsx" and detail["inserted"] == 5 and detail["rows"] == 12


def test_errors_carry_the_row_number_as_seen_and_nothing_is_written(app, runner, make_user, make_team, tmp_path):
    admin = first_admin(make_user)
    make_team(name="上海专班")
    path = write_xlsx(tmp_path / "bad.xlsx", [
        ["签约项目表"],
        ["项目名称", "投资方", "总投资（万元）", "签约日期", "专班"],
        ["甲项目", "甲公司", 5000, "2024-01-05", "上海专班"],
        ["乙项目", "乙公司", "五千万", "2024-13-01", "上海专班"],
        ["丙项目", None, 3000, "2024-02-01", "新专班"],
        ["丁项目", "丁公司", 3000, "2024-02-01", "上海专班"],
    ], merge_title=5)
    result = runner.invoke(args=["import", "projects", str(path), "--confirm-new"])
    assert result.exit_code == 1
    assert "第4行  错误  总投资：金额格式不正确：五千万；签约时间：日期不存在：2024-13-01" in result.output
    assert "第5行  错误  “投资方（签约企业）”为空" in result.output
    assert "有2行有错误，未导入任何数据" in result.output
    assert count(Project) == count(Enterprise) == 0 and count(Team) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import")) is None
    dry = runner.invoke(args=["import", "projects", str(path), "--dry-run", "--json"])
    assert dry.exit_code == 1 and json.loads(dry.output.split("\nError:")[0])["counts"]["error"] == 2
    with pytest.raises(ImportRefused, match="有2行有错误"):
        commit_import(run_preview(path, confirm_new=True), actor=admin)


def test_new_teams_and_enterprises_must_be_confirmed(app, runner, make_user, make_team, tmp_path):
    admin = first_admin(make_user)
    make_team(name="上海专班")
    path = write_xlsx(tmp_path / "new.xlsx", [
        ["项目名称", "投资方", "总投资（亿元）", "签约时间", "招商专班"],
        ["甲项目", "新来科技有限公司", 2, "2024-01-05", "雄安专班"],
    ])
    preview = run_preview(path)
    assert preview.ok and preview.needs_confirmation
    assert preview.new_teams == ["雄安专班"] and [e.name for e in preview.new_enterprises] == ["新来科技有限公司"]
    with pytest.raises(ImportRefused) as refused:
        commit_import(preview, actor=admin)
    assert refused.value.reason == "confirm"
    result = runner.invoke(args=["import", "projects", str(path)])
    assert result.exit_code == 1 and "新专班：雄安专班" in result.output and "--confirm-new" in result.output
    assert count(Project) == 0 and count(Team) == 1
    result = runner.invoke(args=["import", "projects", str(path), "--confirm-new", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["written"] and report["result"]["teams_created"] == ["雄安专班"]
    assert count(Project) == 1 and count(Team) == 2


def test_duplicates_are_matched_and_updated_or_skipped(app, runner, make_user, make_team, make_enterprise,
                                                       make_project, tmp_path):
    first_admin(make_user)
    team = make_team(name="上海专班")
    investor = make_enterprise(name="某某科技（上海）有限公司")
    existing = make_project(name="新材料 项目", signed_on=date(2024, 5, 6), team=team, enterprise=investor,
                            total_investment_yuan=100_000_000, code="ZW-2024-007")
    path = write_xlsx(tmp_path / "dup.xlsx", [
        ["项目名称", "投资方", "总投资（亿元）", "签约时间", "招商专班"],
        ["新材料项目", "上海某某科技有限公司", 3, "2024-05-06", "上海专班"],  # same name and date, spelled otherwise
        ["新材料项目", "上海某某科技有限公司", 1, "2024-06-01", "上海专班"],  # another signing date: a new project
    ])
    preview = run_preview(path)
    assert [r.fate for r in preview.rows] == [Fate.DUPLICATE, Fate.NEW]
    assert preview.rows[0].duplicate_of == existing.id and "ZW-2024-007" in preview.rows[0].duplicate_label
    assert preview.new_enterprises == []  # the investor matched by its normalised name

    assert runner.invoke(args=["import", "projects", str(path)]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Project, existing.id).total_investment_yuan == 100_000_000
    assert db.session.scalar(select(Project.code).where(Project.id != existing.id)) == "ZW-2024-008"

    result = runner.invoke(args=["import", "projects", str(path), "--update-duplicates"])
    assert result.exit_code == 0, result.output
    assert "重复  新材料项目：已有 ZW-2024-007" in result.output and "（更新）" in result.output
    db.session.expire_all()
    assert db.session.get(Project, existing.id).total_investment_yuan == 300_000_000
    assert count(Project) == 2  # the second run found both rows on file
    change = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "update",
                                                        AuditEvent.entity_id == existing.id))
    assert change.changes["total_investment_yuan"] == [100_000_000, 300_000_000]


def test_a_two_row_header_takes_the_unit_from_the_merged_cell_above(app, make_team, tmp_path):
    make_team(name="上海专班")
    path = tmp_path / "two-rows.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for column, header in ((0, "项目名称"), (1, "签约企业"), (4, "签约时间"), (5, "专班")):
        sheet.merge_range(0, column, 1, column, header)  # spans both header rows
    sheet.merge_range(0, 2, 0, 3, "投资额（万元）")
    sheet.write_row(1, 2, ["总投资", "其中固定资产投资"])
    sheet.write_row(2, 0, ["甲项目", "甲公司", 5000, 3000, "2024-01-05", "上海专班"])
    workbook.close()
    preview = run_preview(path, confirm_new=True)
    assert preview.layout.header_row == 2 and [r.fate for r in preview.rows] == [Fate.NEW]
    values = preview.rows[0].values
    assert (values["total_investment"].yuan, values["fixed_asset_investment"].yuan) == (50_000_000, 30_000_000)


def test_a_team_named_otherwise_can_be_pointed_at_a_team_on_file(app, make_user, make_team, tmp_path):
    admin = first_admin(make_user)
    team = make_team(name="上海专班")
    path = write_xlsx(tmp_path / "alias.xlsx", [["项目名称", "投资方", "总投资（亿元）", "签约时间", "招商专班"],
                                                ["甲项目", "甲公司", 2, "2024-01-05", "沪办"]])
    assert run_preview(path, confirm_new=True).new_teams == ["沪办"]
    preview = run_preview(path, confirm_new=True, team_choices={"沪办": team.id})
    assert preview.new_teams == []
    commit_import(preview, actor=admin)
    db.session.commit()
    assert db.session.scalar(select(Project.team_id)) == team.id and count(Team) == 1


def test_a_row_repeated_in_the_file_is_an_error(app, make_team, tmp_path):
    make_team(name="上海专班")
    path = write_xlsx(tmp_path / "twice.xlsx", [
        ["项目名称", "投资方", "总投资（亿元）", "签约时间", "招商专班"],
        ["甲项目", "甲公司", 2, "2024-01-05", "上海专班"],
        ["甲 项目", "甲公司", 2, "2024-01-05", "上海专班"],
    ])
    preview = run_preview(path, confirm_new=True)
    assert preview.rows[1].fate is Fate.ERROR and preview.rows[1].reasons == ["与第2行是同一条记录"]


def test_a_remembered_mapping_is_used_for_the_next_file_of_that_shape(app, runner, make_user, make_team, tmp_path):
    admin = first_admin(make_user)
    make_team(name="上海专班")
    rows = [["签约台账"], ["项目", "甲方单位", "金额", "签订", "责任专班", "经办人"],
            ["甲项目", "甲公司", 500, "2024-01-05", "上海专班", "张三"]]
    first = write_xlsx(tmp_path / "一月.xlsx", rows)
    table = read_path(first)
    layout = propose_layout(table, "projects")
    assert layout.remembered is False and {c.field for c in layout.columns} >= {"name", "team"}
    assert layout.column_for("investor") is None and layout.column_for("total_investment") is None
    layout = change_mapping(layout, {"甲方单位": "investor", "金额": "总投资:万元", "签订": "signed_on"})
    remember_mapping(layout, admin)
    db.session.commit()

    next_month = ["乙项目", "乙公司", 800, "2024-02-05", "上海专班", "李四"]
    second = write_xlsx(tmp_path / "二月.xlsx", [rows[0], rows[1], next_month])
    again = propose_layout(read_path(second), "projects")
    assert again.remembered is True and again.header_row == 2
    assert (again.column_for("investor").header, again.column_for("total_investment").unit) == ("甲方单位", Unit.WAN)
    result = runner.invoke(args=["import", "projects", str(second), "--confirm-new"])
    assert result.exit_code == 0, result.output
    assert "沿用上次确认的列对应" in result.output
    assert db.session.scalar(select(Project.total_investment_yuan)) == 8_000_000

    other = write_xlsx(tmp_path / "其他.xlsx", [["项目", "甲方单位", "金额", "签订", "责任专班"]])  # another shape
    assert propose_layout(read_path(other), "projects").remembered is False


def test_the_command_line_remembers_a_mapping_given_with_map(app, runner, make_user, make_team, tmp_path):
    first_admin(make_user)
    make_team(name="上海专班")
    header = ["名目", "合作单位", "协议金额", "签约时间", "招商专班"]
    first = write_xlsx(tmp_path / "a.xlsx", [header, ["甲项目", "甲公司", 2, "2024-01-05", "上海专班"]])
    args = ["import", "projects", str(first), "--confirm-new", "--map", "名目=name", "--map", "合作单位=investor",
            "--map", "协议金额=total_investment:亿元"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(ImportMapping)) == 1
    second = write_xlsx(tmp_path / "b.xlsx", [header, ["乙项目", "乙公司", 3, "2024-02-05", "上海专班"]])
    result = runner.invoke(args=["import", "projects", str(second), "--confirm-new"])
    assert result.exit_code == 0, result.output
    assert sorted(db.session.scalars(select(Project.total_investment_yuan))) == [200_000_000, 300_000_000]


def test_progress_is_reported_while_checking_and_writing(app, make_user, make_team, tmp_path):
    admin = first_admin(make_user)
    make_team(name="上海专班")
    rows = [["项目名称", "投资方", "总投资（万元）", "签约时间", "招商专班"]]
    rows += [[f"项目{n}", f"企业{n % 7}有限公司", 100 + n, "2024-01-05", "上海专班"] for n in range(2500)]
    table = read_path(write_xlsx(tmp_path / "many.xlsx", rows))
    checked: list[tuple[int, int]] = []
    preview = preview_import(table, propose_layout(table, "projects"), ImportOptions(confirm_new=True),
                             progress=lambda done, total: checked.append((done, total)))
    written: list[tuple[int, int]] = []
    commit_import(preview, actor=admin, progress=lambda done, total: written.append((done, total)))
    db.session.commit()
    assert checked == [(1000, 2500), (2000, 2500), (2500, 2500)]
    assert written == [(1000, 2500), (2000, 2500), (2500, 2500)]
    assert count(Project) == 2500 and count(Enterprise) == 7


def test_only_an_admin_may_import(app, make_user, make_team, tmp_path):
    team = make_team(name="上海专班")
    lead = make_user(Role.LEAD, team=team)
    path = write_xlsx(tmp_path / "x.xlsx", [["项目名称", "投资方", "总投资（亿元）", "签约时间", "招商专班"],
                                            ["甲项目", "甲公司", 2, "2024-01-05", "上海专班"]])
    with pytest.raises(ImportRefused, match="只有管理员"):
        commit_import(run_preview(path, confirm_new=True), actor=lead)
    assert count(Project) == 0


def test_codes_follow_the_signing_year_unless_the_file_gives_one(app, make_user, make_team, make_project, tmp_path):
    admin = first_admin(make_user)
    team = make_team(name="上海专班")
    make_project(code="ZW-2023-041", team=team, signed_on=date(2023, 9, 1))
    path = write_xlsx(tmp_path / "codes.xlsx", [
        ["项目编号", "项目名称", "投资方", "总投资（亿元）", "签约时间", "招商专班", "当前进展"],
        [None, "甲项目", "甲公司", 2, "2023-10-05", "上海专班", "已开工（2023-12-01）"],
        ["XM-2024-A", "乙项目", "乙公司", 2, "2024-01-05", "上海专班", "已签约，超时限未开工"],
        [None, "丙项目", "丙公司", 2, "2024-02-05", "上海专班", "正在办理用地手续"],
    ])
    commit_import(run_preview(path, confirm_new=True), actor=admin)
    db.session.commit()
    projects = {p.name: p for p in db.session.scalars(select(Project))}
    assert projects["甲项目"].code == "ZW-2023-042" and projects["乙项目"].code == "XM-2024-A"
    assert projects["丙项目"].code == "ZW-2024-001"
    assert (projects["甲项目"].status, projects["甲项目"].started_on) == (ProjectStatus.STARTED, date(2023, 12, 1))
    assert projects["乙项目"].status is ProjectStatus.SIGNED
    assert projects["丙项目"].remarks == "当前进展：正在办理用地手续"


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_round_trip_of_the_signing_list(app, runner, make_user, make_team, make_enterprise, make_project,
                                       tmp_path, suffix, home_district):
    """The signing list from `flask export projects`, imported into an empty database, gives the same projects."""
    home_id = home_district.id  # the district the list is exported from and imported into
    chief = make_user(Role.LEADER, display_name="周正", title="区委副书记")
    teams = [make_team(name=name) for name in ("上海专班", "深圳专班")]
    investors = [make_enterprise(name=name, province=p, city=c) for name, p, c in (
        ("宁德新能源科技有限公司", "福建", "宁德"), ("深圳华芯电子有限公司", "广东", "深圳"))]
    amounts = [1_234_567_891, 80_000_000, 5_000_001, 123_456_789_012]
    for n, amount in enumerate(amounts):
        make_project(name=f"往返项目{n}", team=teams[n % 2], enterprise=investors[n % 2], total_investment_yuan=amount,
                     fixed_asset_investment_yuan=amount // 3, signed_on=date(2024, 1 + n, 10 + n),
                     verified=n != 1, remarks="二期" if n == 2 else None, industry="新能源",
                     status=ProjectStatus.STARTED if n == 0 else ProjectStatus.SIGNED,
                     started_on=date(2024, 2, 1) if n == 0 else None, chief_officer=chief if n == 0 else None)
    original = project_facts()
    path = tmp_path / f"签约项目清单.{suffix}"
    # the whole list, 待认定 rows too: its totals are then a 合计 line per standing, which the import skips
    exported = runner.invoke(args=["export", "projects", "--filter", "verified=all", "-o", str(path)])
    assert exported.exit_code == 0, exported.output
    db.session.remove()
    db.drop_all()
    db.create_all()
    db.session.add(District(id=home_id, name="张湾区", code="ZW"))  # the same district, emptied
    db.session.add(chief_again := User(district_id=home_id, username="zhou", display_name="周正",
                                       role=Role.LEADER, password_hash="x"))
    first_admin(make_user)
    imported = runner.invoke(args=["import", "projects", str(path), "--confirm-new", "--json"])
    assert imported.exit_code == 0, imported.output
    report = json.loads(imported.output)
    assert report["counts"]["new"] == 4 and report["counts"]["skipped"] == report["counts"]["rows"] - 4
    assert project_facts() == original
    assert db.session.scalar(select(Project.chief_officer_id).where(Project.name == "往返项目0")) == chief_again.id
    assert db.session.scalar(select(func.count()).where(Project.verified.is_(False))) == 0


def project_facts() -> list[tuple[Any, ...]]:
    return sorted(db.session.execute(
        select(Project.name, Enterprise.name, Project.total_investment_yuan, Project.fixed_asset_investment_yuan,
               Project.signed_on, Team.name, Project.status, Project.started_on, Project.industry, Project.remarks)
        .join(Project.enterprise).join(Project.team)).all())


# What each row was read as ----------------------------------------------------------------------------------------

def dry_run_rows(runner, kind: str, path: Path, *args: str) -> dict[int, dict[str, Any]]:
    """The rows of `flask import KIND FILE --dry-run --json`, by row number (the report before any Error: line)."""
    result = runner.invoke(args=["import", kind, str(path), "--dry-run", "--json", *args])
    return {row["row"]: row for row in json.loads(result.output.split("\nError:")[0])["rows"]}


def test_the_dry_run_says_what_each_amount_date_team_and_investor_was_read_as(
        app, runner, make_team, make_enterprise, tmp_path):
    hangzhou = make_team(name="驻杭州招商专班")
    known = make_enterprise(name="浙江恒轮汽配有限公司")
    code = make_credit_code(random.Random(3))
    path = write_xlsx(tmp_path / "签约.xlsx", [
        ["项目名称", "投资方", "统一社会信用代码", "总投资", "其中固定资产投资（亿元）", "预计年税收（元）", "汇率",
         "签约时间", "招商专班"],
        ["汽车轮毂项目", "恒轮汽配（浙江）有限公司", None, "8000万元", 0.5, 3_500_000, None, "2024.3.5", "杭州专班"],
        ["电子元件项目", "香港华科电子有限公司", code, "1000万美元", None, None, 7.1, "2024年3月6日", "深圳专班"],
        ["智能装备项目", "苏州精工装备有限公司", None, "1.5亿", None, None, None, 45358, "驻杭州招商专班"],
        ["冷链物流中心", "深圳顺达冷链物流有限公司", None, "200万欧元", None, None, None, DateCell(date(2024, 3, 18)),
         "深圳专班"],
        ["坏日期项目", "某某公司", None, "3000万元", None, None, None, "2024-13-01", "深圳专班"],
        ["合计", None, None, "1.5亿"],
    ])
    rows = dry_run_rows(runner, "projects", path, "--rate", "EUR=7.8")
    assert {"row", "fate", "label", "reasons", "warnings", "duplicate_of", "duplicate_label"} <= rows[2].keys()

    wheels = rows[2]["read"]
    assert wheels["total_investment"] == {"yuan": 80_000_000, "yi": "0.80", "unit": "万元", "unit_from": "cell",
                                          "text": "8000万元"}
    assert wheels["fixed_asset_investment"] == {"yuan": 50_000_000, "yi": "0.50", "unit": "亿元",
                                                "unit_from": "column", "text": "0.5"}
    assert wheels["expected_annual_tax"] == {"yuan": 3_500_000, "yi": "0.04", "unit": "元", "unit_from": "column",
                                             "text": "3500000"}
    assert wheels["signed_on"] == "2024-03-05" and wheels["cell_text"] == {"signed_on": "2024.3.5"}
    assert wheels["team"] == {"name": "驻杭州招商专班", "id": hangzhou.id, "new": False, "text": "杭州专班"}
    assert wheels["enterprise"] == {"name": "浙江恒轮汽配有限公司", "credit_code": known.credit_code, "id": known.id,
                                    "new": False, "text": "恒轮汽配（浙江）有限公司"}
    assert "currency" not in wheels

    chips = rows[3]["read"]
    dollars = {"code": "USD", "original": 10_000_000, "rate": "7.1", "rate_from": "column"}
    assert chips["total_investment"] == {"yuan": 71_000_000, "yi": "0.71", "unit": "万美元", "unit_from": "cell",
                                         "text": "1000万美元", "currency": dollars}
    assert chips["currency"] == {"field": "total_investment"} | dollars
    assert chips["signed_on"] == "2024-03-06" and chips["cell_text"] == {"signed_on": "2024年3月6日"}
    assert chips["team"] == {"name": "深圳专班", "id": None, "new": True}
    assert chips["enterprise"] == {"name": "香港华科电子有限公司", "credit_code": code, "id": None, "new": True}

    machines = rows[4]["read"]
    assert machines["total_investment"] == {"yuan": 150_000_000, "yi": "1.50", "unit": "亿元", "unit_from": "cell",
                                            "text": "1.5亿"}
    assert machines["signed_on"] == "2024-03-07" and machines["cell_text"] == {"signed_on": "45358"}  # Excel serial
    assert machines["team"] == {"name": "驻杭州招商专班", "id": hangzhou.id, "new": False}

    cold = rows[5]["read"]
    assert cold["currency"] == {"field": "total_investment", "code": "EUR", "original": 2_000_000, "rate": "7.8",
                                "rate_from": "given"}
    assert cold["total_investment"]["yuan"] == 15_600_000 and cold["total_investment"]["unit"] == "万欧元"
    assert cold["signed_on"] == "2024-03-18" and "cell_text" not in cold  # a date cell says what it is

    broken = rows[6]
    assert broken["fate"] == "error" and broken["read"]["total_investment"]["yi"] == "0.30"  # what could be read
    assert "signed_on" not in broken["read"] and "team" not in broken["read"]
    assert rows[7]["fate"] == "skipped" and rows[7]["read"] == {}


def test_leads_visits_and_enterprises_say_what_they_were_read_as(app, runner, make_team, make_enterprise, tmp_path):
    shanghai = make_team(name="上海专班")
    known = make_enterprise(name="上海储能科技有限公司")
    leads = tmp_path / "线索.csv"
    leads.write_text("项目名称,企业名称,专班,拟投资额（万元）,阶段,预计签约时间,登记日期\n"
                     "储能电站,储能科技（上海）有限公司,上海专班,30000,洽谈,2024/6/30,20240402\n", encoding="utf-8")
    lead = dry_run_rows(runner, "leads", leads)[2]["read"]
    assert lead["intended_investment"] == {"yuan": 300_000_000, "yi": "3.00", "unit": "万元", "unit_from": "column",
                                           "text": "30000"}
    assert (lead["expected_sign_on"], lead["created_on"]) == ("2024-06-30", "2024-04-02")
    assert lead["cell_text"] == {"expected_sign_on": "2024/6/30", "created_on": "20240402"}
    assert lead["team"] == {"name": "上海专班", "id": shanghai.id, "new": False}
    assert lead["enterprise"]["id"] == known.id and lead["enterprise"]["name"] == "上海储能科技有限公司"

    visits = tmp_path / "拜访.csv"
    visits.write_text("拜访日期,拜访企业,专班,跟进日期\n2024年5月8日,上海储能科技有限公司,沪专班,2024-05-20\n",
                      encoding="utf-8")
    visit = dry_run_rows(runner, "visits", visits)[2]["read"]
    assert (visit["visited_on"], visit["follow_up_on"]) == ("2024-05-08", "2024-05-20")
    assert visit["cell_text"] == {"visited_on": "2024年5月8日"}
    assert visit["team"] == {"name": "沪专班", "id": None, "new": True}
    assert visit["enterprise"] == {"name": "上海储能科技有限公司", "credit_code": known.credit_code, "id": known.id,
                                   "new": False}

    companies = tmp_path / "企业.csv"
    companies.write_text(f"企业名称,统一社会信用代码,所属行业\n上海储能科技股份公司,{known.credit_code},储能\n"
                         "远景能源有限公司,,新能源\n", encoding="utf-8")
    by_row = dry_run_rows(runner, "enterprises", companies)
    assert by_row[2]["read"] == {"enterprise": {"name": "上海储能科技有限公司", "credit_code": known.credit_code,
                                                "id": known.id, "new": False, "text": "上海储能科技股份公司"}}
    assert by_row[3]["read"] == {"enterprise": {"name": "远景能源有限公司", "credit_code": None, "id": None,
                                                "new": True}}


# The other kinds ------------------------------------------------------------------------------------------------

def test_enterprises_with_contacts_matched_by_credit_code(app, runner, make_user, make_enterprise, tmp_path):
    first_admin(make_user)
    known = make_enterprise(name="东风汽配有限公司")
    code = known.credit_code
    text = ("企业名称,统一社会信用代码,所属行业,来源地,企业性质,是否世界500强,联系人,职务,联系电话\r\n"
            f"十堰东风汽配股份有限公司,{code},汽车零部件,湖北十堰,国企,否,王经理,总经理,13800000000\r\n"
            ",,,,,,,,\r\n"
            "远景能源有限公司,,新能源,江苏无锡,民营,是,李工,,13900000000\r\n")
    path = tmp_path / "企业.csv"
    path.write_bytes(text.encode("gb18030"))
    result = runner.invoke(args=["import", "enterprises", str(path), "--update-duplicates", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [row["fate"] for row in report["rows"]] == ["duplicate", "skipped", "new"]
    db.session.expire_all()
    assert db.session.get(Enterprise, known.id).industry == "汽车零部件"
    new = db.session.scalar(select(Enterprise).where(Enterprise.name == "远景能源有限公司"))
    assert new.fortune500 and new.province == "江苏" and new.city == "无锡"
    assert sorted(db.session.scalars(select(Contact.name))) == ["李工", "王经理"]


def test_leads_come_in_at_their_stage_with_a_stage_log(app, make_user, make_team, make_enterprise, tmp_path):
    admin = first_admin(make_user)
    team = make_team(name="上海专班")
    owner = make_user(Role.MEMBER, team=team, display_name="陈一")
    path = write_xlsx(tmp_path / "leads.xlsx", [
        ["在谈项目台账"],
        ["序号", "项目名称", "企业名称", "专班", "拟投资额（万元）", "阶段", "负责人", "登记日期", "放弃原因"],
        [1, "储能电站", "上海储能科技有限公司", "上海专班", 30000, "洽谈", "陈一", DateCell(date(2024, 4, 2)), None],
        [2, "光伏支架", "上海支架有限公司", "上海专班", "2亿", "已放弃", "无此人", "2024-04-03", "选址外省"],
        [3, "签过的", "上海支架有限公司", "上海专班", "1亿", "已签约", None, None, None],
    ], merge_title=9)
    preview = run_preview(path, "leads", confirm_new=True)
    assert [r.fate for r in preview.rows] == [Fate.NEW, Fate.NEW, Fate.ERROR]
    assert preview.rows[1].warnings == ["系统中没有“无此人”，未设置"]
    assert "作为签约项目导入" in preview.rows[2].reasons[0]
    preview.rows.pop()  # the page would ask for the row to be fixed; here the rest is written
    commit_import(preview, actor=admin)
    db.session.commit()
    leads = {lead.title: lead for lead in db.session.scalars(select(Lead))}
    storage = leads["储能电站"]
    assert storage.stage is LeadStage.NEGOTIATING and storage.owner_id == owner.id
    assert storage.intended_investment_yuan == 300_000_000 and storage.created_at == datetime(2024, 4, 2, tzinfo=LOCAL)
    assert [(c.from_stage, c.to_stage) for c in storage.stage_log] == [(None, LeadStage.NEGOTIATING)]
    assert leads["光伏支架"].stage is LeadStage.DROPPED and leads["光伏支架"].drop_reason == "选址外省"


def test_visits_are_matched_by_team_enterprise_and_day(app, make_user, make_team, make_enterprise, make_visit,
                                                       tmp_path):
    admin = first_admin(make_user)
    team = make_team(name="深圳专班")
    company = make_enterprise(name="深圳华芯电子有限公司")
    make_visit(team=team, enterprise=company, visited_on=date(2024, 5, 8))
    path = write_xlsx(tmp_path / "visits.xlsx", [
        ["拜访日期", "拜访企业", "专班", "拜访方式", "洽谈内容", "下一步"],
        [DateCell(date(2024, 5, 8)), "华芯电子（深圳）有限公司", "深圳专班", "走访", "谈二期", None],
        ["2024.5.9", "深圳华芯电子有限公司", "深圳专班", "视频", "线上沟通", "寄送资料"],
        ["2024.5.10", "深圳华芯电子有限公司", "深圳专班", "喝茶", None, None],
    ])
    preview = run_preview(path, "visits")
    assert [r.fate for r in preview.rows] == [Fate.DUPLICATE, Fate.NEW, Fate.ERROR]
    assert "无法识别：喝茶" in preview.rows[2].reasons[0]
    preview.rows.pop()
    commit_import(preview, actor=admin)
    db.session.commit()
    assert count(Visit) == 2
    added = db.session.scalar(select(Visit).where(Visit.visited_on == date(2024, 5, 9)))
    assert added.kind.value == "remote" and added.summary == "线上沟通" and added.created_by_id == admin.id


@pytest.mark.slow  # a benchmark
def test_the_benchmark_script_runs_in_its_small_form(tmp_path):
    result = subprocess.run([sys.executable, "scripts/bench_imports.py", "--rows", "300", "--no-postgresql"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr  # 1: the ratio missed, which 300 rows says nothing of
    assert "SQLite" in result.stdout and " 300 " in result.stdout, result.stdout
