"""A real Chromium: a team member records a node of the path on a phone and sees the project turn red with its
reason; on a desktop the office filters the list by colour."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from crm.domain.periods import today
from crm.extensions import db
from crm.models import Project, Role
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def test_a_member_records_a_late_node_on_a_phone(phone: Any, console_errors: list[str],
                                                 make_user: Callable[..., Any],
                                                 make_project: Callable[..., Project]) -> None:
    project = make_project(name="节点项目", signed_on=today() - timedelta(days=200))
    member = make_user(Role.MEMBER, team=project.team)
    username, project_id = member.username, project.id
    db.session.commit()  # leave no transaction open against the live server
    phone.goto(f"/projects/{project_id}")
    sign_in(phone, username)
    phone.wait_for_url(f"**/projects/{project_id}**")
    expect(phone.locator("#path .path-colour")).to_have_attribute("data-colour", "green")
    phone.locator("details.path-edit > summary").tap()
    phone.locator("#path-node").select_option("land")
    late = today() - timedelta(days=45)
    phone.locator("#path-planned").fill(late.isoformat())
    phone.locator("#path-unit").fill("区自然资源和规划分局")
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存节点").tap()
    expect(phone.locator("#path .path-colour")).to_have_attribute("data-colour", "red")
    expect(phone.locator("#path .path-reason")).to_have_text(f"供地逾期45天（计划{late.isoformat()}）")
    expect(phone.locator('tr.path-node[data-node="land"]')).to_contain_text("区自然资源和规划分局")
    assert fits_width(phone) and console_errors == []


def test_the_office_filters_the_list_by_colour(desktops: Any, make_user: Callable[..., Any],
                                               make_project: Callable[..., Project]) -> None:
    late = make_project(name="逾期项目", signed_on=today() - timedelta(days=300),
                        planned_start_on=today() - timedelta(days=90))
    make_project(name="正常项目", signed_on=today() - timedelta(days=10))
    admin = make_user(Role.ADMIN)
    username, code = admin.username, late.code
    db.session.commit()
    page = desktops.open()
    page.goto("/")
    sign_in(page, username)
    page.wait_for_url("**/")
    with page.expect_navigation():
        page.locator('a.colour-count[data-colour="red"]').click()
    rows = page.locator("table.project-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-code", code)
    expect(rows.first.locator("td.project-colour")).to_have_attribute("data-colour", "red")
    assert fits_width(page) and desktops.errors == []
