"""A real Chromium on a phone: a district leader issues a 督办 from the project's page, the team member it names
answers it (办理情况) from the same page, and the 督办台账 shows it with its answer; no sideways scrolling."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from crm.domain.periods import today
from crm.extensions import db
from crm.models import Project, Role, Supervision, SupervisionStatus
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, fits_width, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def test_a_leader_issues_an_order_and_the_member_answers_it_on_a_phone(
        phone: Any, console_errors: list[str], make_user: Callable[..., Any],
        make_project: Callable[..., Project]) -> None:
    leader = make_user(Role.LEADER, display_name="王区长")
    project = make_project(name="督办项目", signed_on=today() - timedelta(days=60), chief_officer=leader)
    member = make_user(Role.MEMBER, team=project.team, display_name="李专员")
    chief, receiver, project_id, team = leader.username, member.username, project.id, project.team.name
    db.session.commit()  # reading the ids began a transaction: leave none open against the live server

    phone.goto(f"/projects/{project_id}")
    sign_in(phone, chief)
    phone.wait_for_url(f"**/projects/{project_id}**")
    if not phone.locator("details#supervision").evaluate("part => part.open"):
        phone.locator("details#supervision > summary").tap()  # no order yet: the part is folded on a phone
    section = phone.locator("details#supervision")
    section.get_by_text("下达督办", exact=True).first.tap()
    section.get_by_label("督办事项").fill("协调解决施工用电，月底前送电")
    section.get_by_label("承办单位").fill("区供电公司")
    section.get_by_label("承办人").select_option(label=f"李专员（{team}）")
    section.get_by_label("办理时限").fill((today() + timedelta(days=10)).isoformat())
    with phone.expect_navigation():
        section.get_by_role("button", name="下达督办").tap()
    order = phone.locator("li.sup-order", has_text="协调解决施工用电")
    expect(order).to_be_visible()
    expect(order).to_contain_text("督办中")
    assert fits_width(phone)

    phone.context.clear_cookies()
    phone.goto(f"/projects/{project_id}")
    sign_in(phone, receiver)
    phone.wait_for_url(f"**/projects/{project_id}**")
    order = phone.locator("li.sup-order", has_text="协调解决施工用电")
    order.get_by_label("办理情况").fill("已与供电公司对接，定于25日送电")
    with phone.expect_navigation():
        order.get_by_role("button", name="提交办理情况").tap()
    expect(phone.locator("li.sup-order .sup-answers")).to_contain_text("定于25日送电")
    assert fits_width(phone)

    open_menu(phone).get_by_role("link", name="督办台账").tap()
    phone.wait_for_url("**/projects/supervision")
    row = phone.locator("tr", has_text="督办项目")
    expect(row).to_contain_text("区供电公司 / 李专员")
    expect(row).to_contain_text("定于25日送电")
    expect(phone.locator('[data-figure="open"]')).to_have_text("1")
    assert fits_width(phone) and console_errors == []

    db.session.expire_all()
    stored = db.session.scalar(db.select(Supervision))
    assert (stored.status, stored.receiver_unit, [a.text for a in stored.answers]) == (
        SupervisionStatus.OPEN, "区供电公司", ["已与供电公司对接，定于25日送电"])
