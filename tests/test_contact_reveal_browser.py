"""A real Chromium, sized as a phone: a member of another team reveals a contact's numbers on the enterprise page."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import AuditEvent, Contact, Role
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def test_a_revealed_contact_is_shown_in_place_and_recorded(phone: Any, console_errors: list[str],
                                                           account: Callable[..., str], make_team,
                                                           make_enterprise) -> None:
    from playwright.sync_api import expect

    enterprise = make_enterprise(name="瀚泽新材料有限公司")
    contact = Contact(enterprise_id=enterprise.id, team_id=make_team(name="上海专班").id, name="王经理",
                      phone="13812345678", wechat="wx_wangjingli")
    db.session.add(contact)
    db.session.commit()
    page_url, contact_id = f"/enterprises/{enterprise.id}", contact.id
    username = account(Role.MEMBER, team=make_team(name="深圳专班"))

    phone.goto(page_url)
    sign_in(phone, username)
    row = phone.locator(f"#contact-{contact_id}")
    expect(row.locator(".contact-phone")).to_have_text("138****5678")
    expect(row.locator(".contact-wechat")).to_have_text("wx****li")
    assert fits_width(phone), "the contacts table scrolls the page sideways on a phone"

    row.get_by_role("button", name="查看完整号码").click()
    expect(row.locator(".contact-phone a")).to_have_attribute("href", "tel:13812345678")
    expect(row.locator(".contact-wechat")).to_have_text("wx_wangjingli")
    expect(row.get_by_role("button", name="查看完整号码")).to_have_count(0)
    assert phone.url.endswith(page_url)  # filled in place, no page loaded
    db.session.expire_all()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contact_revealed")).all()
    db.session.commit()  # leave no transaction open against the live server
    assert [(event.entity, event.entity_id) for event in events] == [("Contact", contact_id)]
    assert console_errors == []
