"""多维分析 in a real Chromium: rows, columns and measure picked in the form, the table and the chart drawn, on a
phone (390 px, the table scrolling in its box) and a desktop; only the rows that split the measure are offered."""

from __future__ import annotations

from typing import Any

import pytest

from crm.extensions import db
from crm.models import Role
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, Desktop, fits_width, sign_in
from tests.test_analysis import world  # noqa: F401  (the records counted)

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


def pick_and_see(page: Any) -> None:
    """Choose visits by industry and quarter for 2026, and see the table and the chart."""
    from playwright.sync_api import expect

    page.goto("/analysis/?year=2026")
    expect(page.locator("#analysis-chart[data-drawn='true'] canvas")).to_have_count(1)
    page.select_option("select[name=measure]", "visits")
    expect(page.locator("select[name=rows] option[value=size]")).to_be_disabled()
    expect(page.locator("select[name=rows] option[value=industry]")).to_be_enabled()
    page.select_option("select[name=rows]", "industry")
    page.select_option("select[name=cols]", "quarter")
    with page.expect_navigation():
        page.get_by_role("button", name="查看").click()
    table = page.locator(".analysis-table table")
    expect(table.locator("thead th")).to_have_text(["行业", "第1季度", "第2季度", "第3季度", "第4季度", "合计"])
    expect(table.locator("tfoot td").last).to_have_text("5")  # 张湾区's visits of 2026
    expect(table.locator("tbody th", has_text="新材料")).to_have_count(1)
    expect(page.locator("#analysis-chart[data-drawn='true'] canvas")).to_have_count(1)


def test_the_office_picks_a_table_on_a_desktop(desktops: Desktop, world: dict[str, Any]) -> None:  # noqa: F811
    username = world["users"][Role.ADMIN].username
    db.session.commit()
    page = desktops.open()
    page.goto("/login")
    sign_in(page, username)
    pick_and_see(page)
    assert desktops.errors == []


def test_a_leader_reads_it_on_a_phone(phone: Any, console_errors: list[str], world: dict[str, Any]) -> None:  # noqa: F811
    username = world["users"][Role.LEADER].username
    db.session.commit()
    phone.goto("/login")
    sign_in(phone, username)
    pick_and_see(phone)
    phone.goto("/analysis/?year=2026&rows=team&cols=month&measure=investment")
    assert fits_width(phone), "the page scrolls sideways: the table must scroll in its box"
    box = phone.locator(".analysis-table")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth"), "twelve months fit a phone?"
    assert console_errors == []
