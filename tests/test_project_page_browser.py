"""A real Chromium on a project's page: an empty list is a plain line, every amount reads the one way,
and on a phone the parts that hold nothing fold to their heading while the parts with content stay open."""

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from crm.extensions import db
from crm.models import Milestone, Project, ProjectDocument, ProjectIssue, Role, ServiceItem, Team
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]

# What the money filter prints: digits grouped by threes, two decimals, then 亿 or 万 and the currency.
AMOUNT = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})*\.[0-9]{2}[亿万](?:元|美元)")
# Four digits or more run together before 万 or 亿: an amount printed without its separators.
UNGROUPED = re.compile(r"[0-9]{4,}(?:\.[0-9]+)?[万亿]")
AMOUNTS = {"total_investment_yuan": 123_456_000_000,  # 1,234.56亿元: a separator in the 亿
           "fixed_asset_investment_yuan": 80_000_000,  # 8,000.00万元: below 1亿, read in 万
           "expected_annual_sales_yuan": 352_000_000,  # 35,200万 reads 3.52亿元
           "expected_annual_tax_yuan": 35_000_000}  # 3,500.00万元
SHOWN = ["1,234.56亿元", "8,000.00万元", "3.52亿元", "3,500.00万元"]
PARTS = ["timeline", "lifecycle", "verification", "evidence", "service", "service-items", "service-issues", "history"]
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def team(make_team: Callable[..., Team]) -> Team:
    return make_team(name="上海专班")


@pytest.fixture
def member(account: Callable[..., str], team: Team) -> str:
    """A member of the projects' team: may record their progress and work their service."""
    return account(Role.MEMBER, team=team, display_name="上海专班张三")


@pytest.fixture
def bare(make_project: Callable[..., Project], team: Team) -> int:
    """A project entered without the audit trail (as demo data is): no history, nothing to do, nobody named."""
    db.session.info["audit_off"] = True
    try:
        project = make_project(team=team, name="空白项目", **AMOUNTS)
    finally:
        db.session.info.pop("audit_off")
    project_id = project.id
    db.session.commit()  # reading the id began a transaction: leave none open against the live server
    return project_id


@pytest.fixture
def worked(make_project: Callable[..., Project], make_user: Callable[..., Any], team: Team) -> int:
    """A project with a history, a milestone, service items, an issue, a document and its people named."""
    leader = make_user(Role.LEADER, display_name="李区长")
    project = make_project(team=team, name="在建项目", chief_officer=leader, **AMOUNTS)
    project.expected_annual_sales_yuan = 400_000_000  # a recorded change: 3.52亿元 → 4.00亿元
    db.session.add_all([
        Milestone(project=project, name="首条生产线调试", planned_on=date(2026, 9, 1)),
        ServiceItem(project=project, name="立项备案", due_on=date(2026, 3, 20)),
        ServiceItem(project=project, name="用地预审", due_on=date(2026, 4, 20)),
        ProjectIssue(project=project, raised_on=date(2026, 3, 10), description="供电线路需要改道",
                     responsible_unit="区供电公司"),
        ProjectDocument(project=project, kind="agreement", stored_name=uuid.uuid4().hex,
                        content_type="application/pdf", size_bytes=2048, original_name="投资协议.pdf")])
    db.session.commit()
    project_id = project.id
    db.session.commit()  # reading the id began a transaction: leave none open against the live server
    return project_id


@pytest.fixture
def desktop(browser: Any, live_server: str, patient_expect: None) -> Iterator[Any]:
    """A fresh desktop-sized page (no cookies) on the live server."""
    context = browser.new_context(base_url=live_server, **DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def open_project(page: Any, project_id: int, username: str) -> None:
    page.goto(f"/projects/{project_id}")
    sign_in(page, username)
    page.wait_for_url(f"**/projects/{project_id}")


def is_open(page: Any, part: str) -> bool:
    return page.locator(f"details#{part}").evaluate("part => part.open")


def page_height(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_an_empty_list_is_a_plain_line_not_a_numbered_item(desktop: Any, member: str, bare: int, worked: int) -> None:
    from playwright.sync_api import expect

    open_project(desktop, bare, member)
    for line in ("暂无记录", "暂无代办事项", "暂无问题诉求", "暂无材料"):
        expect(desktop.locator("p.empty", has_text=line)).to_be_visible()
    expect(desktop.locator("li", has_text="暂无")).to_have_count(0)
    expect(desktop.locator("ol.history, ul.svc-items, ul.svc-issues, ul.documents")).to_have_count(0)

    desktop.goto(f"/projects/{worked}")
    expect(desktop.locator("ol.history > li").first).to_be_visible()
    expect(desktop.locator("ul.svc-items > li")).to_have_count(2)
    expect(desktop.locator("ul.svc-issues > li")).to_have_count(1)
    expect(desktop.locator("ul.documents > li")).to_have_count(1)
    expect(desktop.locator(".empty", has_text="暂无")).to_have_count(0)


def amounts_shown(page: Any) -> list[str]:
    """The project's amounts as its fields show them, having checked that none lacks its separators."""
    assert UNGROUPED.findall(page.locator("main").inner_text()) == [], "an amount printed without separators"
    shown = page.locator(".project-fields dd.amount").all_inner_texts()
    assert all(AMOUNT.fullmatch(text) for text in shown), shown
    return shown


def test_every_amount_reads_one_way_with_separators(desktop: Any, member: str, bare: int, worked: int) -> None:
    open_project(desktop, bare, member)
    assert amounts_shown(desktop) == SHOWN

    desktop.goto(f"/projects/{worked}")
    assert amounts_shown(desktop) == ["1,234.56亿元", "8,000.00万元", "4.00亿元", "3,500.00万元"]
    changes = desktop.locator("ol.history .history-changes li").all_inner_texts()
    assert "预计年销售收入：3.52亿元 → 4.00亿元" in changes, changes


def test_on_a_phone_empty_parts_fold_to_one_line(phone: Any, console_errors: list[str], member: str,
                                                 bare: int) -> None:
    from playwright.sync_api import expect

    open_project(phone, bare, member)
    for part in ("verification", "evidence", "service", "history"):
        assert not is_open(phone, part), f"{part} is open on a phone although it holds nothing"
        summary = phone.locator(f"details#{part} > summary")
        box, heading = summary.bounding_box(), phone.locator(f"#{part}-heading").bounding_box()
        assert box is not None and heading is not None
        assert box["height"] < 1.5 * heading["height"], f"{part}: the folded heading takes more than a line"
        expect(summary.locator(".section-gist")).to_be_visible()
    expect(phone.locator("#history .empty")).to_be_hidden()
    expect(phone.locator("#service .svc-who")).to_be_hidden()
    expect(phone.locator("#verification-heading + .section-gist")).to_have_text("已认定")
    # The timeline, and the progress with the form that records the next step, are content: open.
    assert is_open(phone, "timeline") and is_open(phone, "lifecycle")
    expect(phone.get_by_role("button", name="登记为“已开工”")).to_be_visible()

    folded = page_height(phone)
    phone.evaluate("document.querySelectorAll('details.page-section').forEach(part => { part.open = true; })")
    opened = page_height(phone)
    assert opened - folded > 300, (folded, opened)  # over a third of the phone's 844 px screen saved
    assert console_errors == []


def test_a_folded_parts_forms_are_a_tap_away(phone: Any, console_errors: list[str], member: str, bare: int) -> None:
    from playwright.sync_api import expect

    open_project(phone, bare, member)
    add = phone.get_by_role("button", name="添加常规代办事项")
    expect(add).to_be_hidden()
    phone.locator("details#service > summary").tap()
    expect(add).to_be_visible()
    expect(phone.locator("#service-items .empty")).to_have_text("暂无代办事项")
    phone.locator("#service-issues summary", has_text="登记问题诉求").tap()
    expect(phone.get_by_label("问题描述")).to_be_visible()

    add.click()
    expect(phone.locator("ul.svc-items > li").first).to_be_visible()
    assert is_open(phone, "service") and is_open(phone, "service-items")  # it has content now
    assert console_errors == []


def test_parts_with_content_are_open_on_a_phone_and_every_part_on_a_desktop(
        phone: Any, desktop: Any, console_errors: list[str], member: str, bare: int, worked: int) -> None:
    from playwright.sync_api import expect

    open_project(phone, worked, member)
    for part in ("timeline", "lifecycle", "evidence", "service", "service-items", "service-issues", "history"):
        assert is_open(phone, part), f"{part} is folded on a phone although it has content"
    expect(phone.locator("ul.svc-items > li").first).to_be_visible()
    expect(phone.locator("ol.history > li").first).to_be_visible()
    assert not is_open(phone, "verification")  # 已认定 and nothing to do there: one line

    open_project(desktop, bare, member)
    assert all(is_open(desktop, part) for part in PARTS)
    expect(desktop.locator("#history .empty")).to_be_visible()
    expect(desktop.locator("#history .section-gist")).to_be_hidden()  # the open part says it once
    desktop.goto(f"/projects/{worked}")
    assert all(is_open(desktop, part) for part in PARTS)
    expect(desktop.locator("ul.documents a")).to_contain_text("投资协议.pdf")
    assert console_errors == []
