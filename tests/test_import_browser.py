"""A real Chromium, sized as a phone: an admin brings a messy signing list in, from upload to result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import Project, Role, Team
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, fits_width, sign_in
from tests.test_import_pages import JOB_TIMEOUT, signing_row, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN),
              pytest.mark.usefixtures("jobs_end")]  # no import job outlives its test's app

ROWS = 12_000  # enough that the import is still running when its page first shows
WAIT_MS = JOB_TIMEOUT * 1000


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def messy_signing_list() -> bytes:
    """A title, a unit line, a header naming the investor unusually, sections, a subtotal, blanks and a note."""
    header = ["序号", "项目名称", "合作伙伴", "来源地", "总投资", "产业", "签约时间", "招商专班", "项目类型",
              "协议类型"]
    rows: list[list[Any]] = [
        ["填报单位：区招商服务中心", None, None, None, None, None, None, None, None, "单位：亿元"],
        header,
        ["一、先进制造业"],
        [1, " 新能源电池项目 ", "宁德时新能源科技股份有限公司", "福建宁德", 12.5, "新能源", date(2024, 3, 5),
         "上海专班", "新建", "正式合同"],
        [2, "汽车轮毂项目", "浙江恒轮汽配有限公司", "浙江杭州", "8000万元", "汽车零部件", "2024.3.5", "苏州专班",
         "扩建", "框架协议"],
        [None, "小计", None, None, 13.3],
        [None],
        ["二、其他项目"],
        *[signing_row(n) for n in range(3, ROWS + 1)],
        ["合计", f"{ROWS}个项目"],
        ["注：总投资以签订协议为准。"],
    ]
    return xlsx_bytes(rows, title="张湾区2024年签约项目清单")


def test_an_admin_imports_a_messy_signing_list_on_a_phone(phone: Any, console_errors: list[str],
                                                          account: Callable[..., str], make_team) -> None:
    from playwright.sync_api import expect

    make_team(name="上海专班", base_city="上海")
    db.session.commit()
    polls: list[str] = []
    phone.on("response", lambda response: polls.append(response.url) if response.url.endswith("/progress") else None)
    phone.goto("/imports/")
    sign_in(phone, account(Role.ADMIN))
    expect(phone.get_by_role("heading", level=1)).to_have_text("导入表格")
    assert fits_width(phone), "the upload page scrolls sideways on a phone"
    phone.get_by_label("导入内容").select_option(label="签约项目")
    phone.get_by_label("表格文件").set_input_files(
        {"name": "2024年签约项目（汇总）.xlsx", "buffer": messy_signing_list(), "mimeType": "application/octet-stream"})
    phone.get_by_role("button", name="上传并识别表头").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("确认每一列的内容")
    expect(phone.locator(".missing-fields")).to_contain_text("投资方（签约企业）")
    expect(phone.get_by_text("表头在第3行")).to_be_visible()
    assert fits_width(phone), "the mapping page scrolls sideways on a phone"
    phone.get_by_label("合作伙伴").select_option(label="投资方（签约企业） *")
    phone.get_by_role("button", name="确认并检查每一行").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("预览：导入前检查每一行", timeout=WAIT_MS)
    counts = phone.locator(".fate-counts")
    expect(counts.locator("div.fate-new dd")).to_have_text(str(ROWS))
    expect(counts.locator("div.fate-error dd")).to_have_text("0")
    expect(phone.locator(".new-teams")).to_contain_text("苏州专班")
    expect(phone.locator(".preview-rows tbody tr")).to_have_count(200)
    read_as = phone.locator(".preview-rows tbody tr", has_text="汽车轮毂项目").locator(".read-as")
    expect(read_as).to_contain_text("总投资：8000万元 → 0.80亿元（80,000,000元）")
    expect(read_as).to_contain_text("签约时间：2024.3.5 → 2024-03-05")
    battery = phone.locator(".preview-rows tbody tr", has_text="新能源电池项目").locator(".read-as")
    expect(battery).to_contain_text("总投资：12.5（单位按列：亿元） → 12.50亿元（1,250,000,000元）")
    expect(battery).to_contain_text("招商专班：上海专班（已有）")
    assert fits_width(phone), "the preview scrolls sideways on a phone"
    phone.get_by_label("确认新建上面列出的专班和企业").check()
    phone.get_by_role("button", name="全部导入").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("正在导入")
    section = phone.locator(".import-progress")
    expect(section.locator("progress")).to_be_visible()
    progress_url = section.get_attribute("data-progress-url")
    assert fits_width(phone), "the progress page scrolls sideways on a phone"
    expect(phone.get_by_role("heading", level=1)).to_have_text("导入完成", timeout=WAIT_MS)
    assert polls, "the page never asked how the import was going"
    final = phone.request.get(progress_url).json()
    assert final["status"] == "done" and final["finished"] and final["done"] == final["total"] > 0
    result = phone.locator(".result-counts")
    expect(result.locator("div.fate-new dd")).to_have_text(str(ROWS))
    expect(phone.get_by_text("新建的专班：苏州专班")).to_be_visible()
    expect(phone.get_by_role("link", name="查看签约项目")).to_have_attribute("href", "/projects/")
    assert fits_width(phone), "the result page scrolls sideways on a phone"
    assert console_errors == []
    assert db.session.scalar(select(func.count()).select_from(Project)) == ROWS
    assert db.session.scalar(select(func.count()).select_from(Team)) == 2
    db.session.commit()
