"""A real Chromium: a team member records money in place for their project on a phone, the office verifies it on a
desktop, and the project's 到资 figures follow."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from crm.domain.periods import today
from crm.extensions import db
from crm.models import FundsTranche, Project, Role
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, Desktop, fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def test_a_member_records_funds_on_a_phone_and_the_office_verifies_them(
        phone: Any, console_errors: list[str], desktops: Desktop, make_user: Callable[..., Any],
        make_project: Callable[..., Project]) -> None:
    project = make_project(name="到资项目", signed_on=today() - timedelta(days=90), total_investment_yuan=400_000_000)
    member = make_user(Role.MEMBER, team=project.team)
    admin = make_user(Role.ADMIN)
    project_id, member_name, admin_name = project.id, member.username, admin.username
    db.session.commit()  # leave no transaction open against the live server
    phone.goto(f"/projects/{project_id}")
    sign_in(phone, member_name)
    phone.wait_for_url(f"**/projects/{project_id}**")
    if not phone.locator("details#funds").evaluate("part => part.open"):
        phone.locator("details#funds > summary").tap()  # nothing recorded yet: folded on a phone
    phone.get_by_text("登记到资").tap()
    phone.get_by_label("到资日期").fill((today() - timedelta(days=3)).isoformat())
    phone.get_by_label("到资金额（万元；外币写明币种，如 500万美元）").fill("12000")
    phone.get_by_label("资金来源").select_option(label="省内市外")
    with phone.expect_navigation():
        phone.locator("details.funds-new").get_by_role("button", name="保存").tap()
    row = phone.locator("table.funds-table tbody tr").first
    expect(row).to_contain_text("1.20亿元")
    expect(row).to_contain_text("待核实")
    expect(phone.locator("dd[data-funds]")).to_have_attribute("data-funds", "0")
    assert fits_width(phone) and console_errors == []

    page = desktops.open()
    page.goto(f"/projects/{project_id}")
    sign_in(page, admin_name)
    page.wait_for_url(f"**/projects/{project_id}**")
    with page.expect_navigation():
        page.locator("table.funds-table").get_by_role("button", name="核实").click()
    expect(page.locator("table.funds-table tbody tr").first).to_contain_text("已核实")
    expect(page.locator("dd[data-funds]")).to_have_attribute("data-funds", "120000000")
    expect(page.locator("dd[data-rate]")).to_have_attribute("data-rate", "30.0")
    assert desktops.errors == []
    db.session.expire_all()
    assert db.session.scalar(db.select(FundsTranche.verified)) is True
