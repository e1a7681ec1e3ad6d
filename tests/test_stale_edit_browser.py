"""Two people edit one lead in a real Chromium, one at a desk and one on a phone: the second to save is told the lead
changed, keeps what they typed beside the newer stored values, and saving again applies their text knowingly."""

from collections.abc import Callable
from typing import Any

import pytest

from crm.extensions import db
from crm.models import Lead, Role
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, TIMEOUT_MS, fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def test_the_second_editor_of_a_lead_keeps_their_text_and_saves_it(browser: Any, live_server: str, phone: Any,
                                                                   console_errors: list[str],
                                                                   account: Callable[..., str], make_team,
                                                                   make_lead) -> None:
    from playwright.sync_api import expect

    team = make_team(name="上海专班")
    lead = make_lead(team=team, title="新材料基地", next_action="电话联系")
    lead_id, url = lead.id, f"/leads/{lead.id}/edit"
    desk_user, phone_user = account(Role.LEAD, team=team), account(Role.MEMBER, team=team)
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    desk = context.new_page()
    for page, username in ((desk, desk_user), (phone, phone_user)):
        page.goto(url)
        sign_in(page, username)
        expect(page.get_by_label("下一步工作")).to_have_value("电话联系")

    desk.get_by_label("下一步工作").fill("安排实地考察")
    with desk.expect_navigation():
        desk.get_by_role("button", name="保存").click()
    assert desk.url.endswith(f"/leads/{lead_id}")

    typed = "发送供地方案，约见董事长"
    phone.get_by_label("项目名称").fill("新材料基地二期")
    phone.get_by_label("下一步工作").fill(typed)
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存").click()
    conflict = phone.locator("section.conflict")
    expect(conflict).to_contain_text("线索信息已被他人修改，您的修改没有保存")
    row = conflict.locator("tr", has=phone.locator("th", has_text="下一步工作"))
    expect(row.locator("td.stored")).to_have_text("安排实地考察")  # the newer value, beside
    expect(row.locator("td.typed")).to_have_text(typed)
    expect(phone.get_by_label("下一步工作")).to_have_value(typed)  # what they typed is still in the form
    expect(phone.get_by_label("项目名称")).to_have_value("新材料基地二期")
    assert fits_width(phone), "the 409 page scrolls sideways on a phone"

    with phone.expect_navigation():
        phone.get_by_role("button", name="保存").click()  # saved again, having seen the newer value
    assert phone.url.endswith(f"/leads/{lead_id}")
    expect(phone.locator("main")).to_contain_text(typed)
    context.close()
    db.session.expire_all()
    stored = db.session.get(Lead, lead_id)
    saved = (stored.title, stored.next_action, stored.version)
    db.session.commit()  # leave no transaction open against the live server
    assert saved == ("新材料基地二期", typed, 3)
    assert [error for error in console_errors if "status of 409" not in error] == []  # the 409 itself aside
