"""A real Chromium, sized as a phone, reads both rankings and an admin freezes a quarter."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from crm.domain.money import YUAN_PER_YI as YI
from crm.extensions import db
from crm.models import Role
from crm.reports.figures import METRICS
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def ranked_work(make_team, make_trip, make_visit, make_project, make_enterprise) -> None:
    """Three teams with trips, visits and signed projects in the first quarter of 2026."""
    for n, name in enumerate(("上海专班", "深圳专班", "北京专班"), start=1):
        team = make_team(name=name)
        for _ in range(n):
            make_trip(team=team)
            make_visit(team=team)
        make_project(team=team, code=f"ZW-2026-{n:03d}", total_investment_yuan=n * 7 * YI,
                     signed_on=date(2026, 2, n), name=f"年产{n}0万吨高性能新材料及配套产业链一体化项目",
                     enterprise=make_enterprise(name=f"长三角新能源科技集团股份有限公司{n}"))
    db.session.commit()  # leave no transaction open against the live server


def wide_table_scrolls_inside(page: Any) -> bool:
    """Whether the ranking's table is wider than the phone and scrolls in its own wrapper."""
    page.wait_for_load_state("load")
    return page.evaluate("""() => {
        const wrapper = document.querySelector('.table-scroll');
        return wrapper.scrollWidth > wrapper.clientWidth && getComputedStyle(wrapper).overflowX === 'auto';
    }""")


def test_both_rankings_fit_a_phone(phone: Any, console_errors: list[str], account: Callable[..., str],
                                   ranked_work: None) -> None:
    from playwright.sync_api import expect

    phone.goto("/rankings/projects?year=2026")
    sign_in(phone, account(Role.MEMBER))
    expect(phone.get_by_role("heading", level=1)).to_have_text("亿元以上项目榜")
    rows = phone.locator("table.ranking-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("ZW-2026-003")
    expect(phone.locator("tfoot")).to_contain_text("42.00亿元")
    assert fits_width(phone), "the project ranking scrolls sideways on a phone"
    assert wide_table_scrolls_inside(phone)

    phone.goto("/rankings/teams?year=2026&quarter=1")
    expect(phone.get_by_role("heading", level=1)).to_have_text("专班排名")
    expect(phone.locator("tr[data-rank='1']")).to_have_attribute("data-team", "北京专班")
    expect(phone.get_by_text("时序进度：")).to_have_count(1)
    assert fits_width(phone), "the team ranking scrolls sideways on a phone"
    assert wide_table_scrolls_inside(phone)

    phone.locator("tr[data-team='深圳专班'] td.score a").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("深圳专班 · 得分明细")
    expect(phone.locator("table.breakdown tbody tr")).to_have_count(len(METRICS))  # weighed or not
    assert fits_width(phone), "the score breakdown scrolls sideways on a phone"
    assert console_errors == []


def test_admin_freezes_a_quarter(phone: Any, console_errors: list[str], live_server: str,
                                 account: Callable[..., str], ranked_work: None) -> None:
    from playwright.sync_api import expect

    phone.goto("/rankings/teams?year=2026&quarter=1")
    sign_in(phone, account(Role.ADMIN, display_name="李主任"))
    freeze = phone.get_by_role("button", name="冻结2026年第1季度排名")
    freeze.scroll_into_view_if_needed()
    freeze.click()

    expect(phone.get_by_role("status")).to_contain_text("已冻结2026年第1季度专班排名")
    expect(phone.get_by_role("heading", level=1)).to_have_text("专班排名 · 2026年第1季度")
    expect(phone.locator(".frozen-notice")).to_contain_text("李主任")
    expect(phone.locator("tr[data-rank='1']")).to_have_attribute("data-team", "北京专班")
    assert fits_width(phone), "the frozen ranking scrolls sideways on a phone"

    phone.get_by_role("link", name="按当前数据实时计算的排名").click()
    expect(phone.locator(".frozen-notice")).to_contain_text("本季度排名已于")
    expect(phone.get_by_role("button", name="冻结2026年第1季度排名")).to_have_count(0)

    phone.goto("/rankings/frozen")
    expect(phone.locator("table.frozen-table tbody tr")).to_have_count(1)
    phone.get_by_label("年份").fill("2026")
    phone.get_by_label("季度", exact=True).select_option(label="第1季度")
    phone.get_by_role("button", name="冻结", exact=True).click()  # once is all a quarter gets
    expect(phone.get_by_role("alert")).to_contain_text("已经冻结，不能再次冻结")
    assert fits_width(phone)
    assert console_errors == [f"Failed to load resource: the server responded with a status of 409 (CONFLICT) "
                              f"({live_server}/rankings/teams/freeze)"]
