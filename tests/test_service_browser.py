"""A real Chromium, the chief service officer (首席服务官, a district leader) on their project's page: an open 代办事项
is ticked done in one tap, and an investor's issue is logged."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from crm.domain.periods import today
from crm.extensions import db
from crm.models import Project, ProjectIssue, Role, ServiceItem, ServiceItemStatus
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def test_the_chief_officer_ticks_an_item_in_one_tap_and_logs_an_issue(
        phone: Any, console_errors: list[str], make_user: Callable[..., Any],
        make_project: Callable[..., Project]) -> None:
    leader = make_user(Role.LEADER, display_name="王区长")
    project = make_project(name="服务项目", signed_on=today() - timedelta(days=60), chief_officer=leader)
    db.session.add_all([ServiceItem(project=project, name="规划许可"), ServiceItem(project=project, name="施工许可")])
    db.session.commit()
    chief, chief_id, project_id = leader.username, leader.id, project.id
    db.session.commit()  # reading the ids began a transaction: leave none open against the live server
    phone.goto(f"/projects/{project_id}")
    sign_in(phone, chief)
    phone.wait_for_url(f"**/projects/{project_id}**")
    item = phone.locator("li.svc-item", has_text="规划许可")
    with phone.expect_navigation():
        item.get_by_role("button", name="完成").tap()  # one tap: no 办理, no status, no date, no 保存
    expect(phone.locator("li.svc-item.is-done", has_text="规划许可")).to_be_visible()
    expect(phone.locator("li.svc-item", has_text="规划许可").get_by_role("button", name="完成")).to_have_count(0)
    expect(phone.locator("li.svc-item", has_text="施工许可").get_by_role("button", name="完成")).to_be_visible()
    if not phone.locator("details#service-issues").evaluate("part => part.open"):
        phone.locator("details#service-issues > summary").tap()  # no issue yet: the part is folded on a phone
    phone.get_by_text("登记问题诉求").tap()
    phone.get_by_label("问题描述").fill("需协调用电增容")
    phone.get_by_label("责任单位").fill("区供电公司")
    with phone.expect_navigation():
        phone.get_by_role("button", name="登记", exact=True).tap()
    expect(phone.locator("li.svc-issue", has_text="需协调用电增容")).to_be_visible()
    assert fits_width(phone) and console_errors == []
    db.session.expire_all()
    done = db.session.scalar(db.select(ServiceItem).where(ServiceItem.name == "规划许可"))
    assert (done.status, done.done_on) == (ServiceItemStatus.DONE, today())
    assert db.session.scalar(db.select(ProjectIssue.created_by_id)) == chief_id
