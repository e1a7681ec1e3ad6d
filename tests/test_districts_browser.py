"""A real Chromium, sized as a phone: the city reads its districts side by side, opens one, freezes a quarter."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from crm.domain.money import YUAN_PER_YI as YI
from crm.extensions import db
from crm.models import Role
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, fits_width, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def districts(home_district, make_district, make_team, make_trip, make_project, make_enterprise) -> None:
    """张湾区 with two signings in the first quarter of 2026, 茅箭区 with one."""
    other = make_district(name="茅箭区", code="MJ")
    for district_id, amounts in ((home_district.id, (12 * YI, 3 * YI)), (other.id, (5 * YI,))):
        team = make_team(name="上海专班", district_id=district_id)
        make_trip(team=team)
        for n, amount in enumerate(amounts, start=1):
            make_project(team=team, total_investment_yuan=amount, signed_on=date(2026, 2, n),
                         enterprise=make_enterprise(district_id=district_id, name=f"{district_id}号企业{n}"))
    db.session.commit()  # leave no transaction open against the live server


def test_the_city_ranks_its_districts_and_freezes_a_quarter(phone: Any, console_errors: list[str],
                                                            account: Callable[..., str], districts: None) -> None:
    from playwright.sync_api import expect

    phone.goto("/rankings/districts?year=2026&quarter=1")
    sign_in(phone, account(Role.CITY, display_name="市招商局王科长"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("区县排名")
    rows = phone.locator("table.district-ranking tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-district", "张湾区")
    expect(phone.locator("tfoot")).to_contain_text("全市合计")
    expect(phone.locator("tfoot")).to_contain_text("20.00亿元")
    assert fits_width(phone), "the district ranking scrolls sideways on a phone"

    freeze = phone.get_by_role("button", name="冻结2026年第1季度排名")
    freeze.scroll_into_view_if_needed()
    freeze.click()
    expect(phone.locator(".badge-frozen")).to_have_text("冻结版本")
    expect(phone.locator("tr[data-rank='1']")).to_have_attribute("data-district", "张湾区")

    phone.goto("/rankings/districts?year=2026&quarter=1")
    phone.get_by_role("link", name="茅箭区").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("专班排名")
    expect(phone.locator(".district-name")).to_have_text("茅箭区")
    expect(phone.locator("tr[data-team='上海专班'] td[data-metric='investment']")).to_have_text("5.00亿元")
    assert console_errors == []


def test_a_leader_finds_the_city_ranking_in_the_menu(phone: Any, console_errors: list[str],
                                                     account: Callable[..., str], districts: None) -> None:
    from playwright.sync_api import expect

    phone.goto("/")
    sign_in(phone, account(Role.LEADER))
    open_menu(phone).get_by_role("link", name="区县排名").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("区县排名")
    expect(phone.get_by_role("link", name="茅箭区")).to_have_count(0)  # a district's leader reads figures only
    assert console_errors == []
