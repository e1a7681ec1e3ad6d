"""A real Chromium, sized as a phone: a member turns a visit into a lead in three taps (转为线索), and a signed lead and
its project lead to each other."""

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlparse

import pytest

from crm.extensions import db
from crm.models import LeadStage, Role
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]

MOST_TAPS = 3  # from the visit's page to a saved lead: 转为线索, the name's box, 保存


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


class Taps:
    """Taps on a page, counted."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator: Any) -> None:
        self.count += 1
        locator.tap()


def test_a_member_turns_a_visit_into_a_lead_in_three_taps(phone: Any, console_errors: list[str],
                                                          account: Callable[..., str], make_team, make_enterprise,
                                                          make_visit) -> None:
    from playwright.sync_api import expect

    team = make_team(name="上海专班")
    enterprise = make_enterprise(name="长江储能有限公司")
    visit = make_visit(team=team, enterprise=enterprise, visited_on=date(2026, 3, 3), summary="董事长有意在张湾建厂")
    visit_url, enterprise_id = f"/visits/{visit.id}", enterprise.id
    username = account(Role.MEMBER, team=team)

    phone.goto(visit_url)
    sign_in(phone, username)
    enterprise_link = phone.get_by_role("link", name="长江储能有限公司")
    expect(enterprise_link).to_have_attribute("href", f"/enterprises/{enterprise_id}")
    tap = Taps()
    with phone.expect_navigation():
        tap(phone.get_by_role("button", name="转为线索"))
    expect(phone.get_by_role("combobox", name="企业", exact=True)).to_have_value("长江储能有限公司")
    expect(phone.locator(".lead-origin")).to_contain_text("上海专班")
    expect(phone.locator(".lead-origin")).to_contain_text("董事长有意在张湾建厂")
    assert fits_width(phone), "the lead form scrolls sideways on a phone"
    tap(phone.get_by_label("项目名称"))
    phone.keyboard.type("储能电池项目")
    with phone.expect_navigation():
        tap(phone.get_by_role("button", name="保存"))

    assert tap.count <= MOST_TAPS
    expect(phone.get_by_role("heading", name="储能电池项目")).to_be_visible()
    expect(phone.locator(".lead-fields")).to_contain_text("长江储能有限公司")
    expect(phone.locator(".lead-fields")).to_contain_text("上海专班")
    expect(phone.locator(".lead-visits")).to_contain_text("董事长有意在张湾建厂")
    lead_path = urlparse(phone.url).path

    phone.goto(visit_url)
    expect(phone.get_by_role("link", name="储能电池项目")).to_have_attribute("href", lead_path)
    expect(phone.get_by_role("button", name="转为线索")).to_have_count(0)
    assert console_errors == []


def test_a_signed_lead_and_its_project_lead_to_each_other(phone: Any, console_errors: list[str],
                                                          account: Callable[..., str], make_team, make_lead,
                                                          make_project) -> None:
    team = make_team(name="上海专班")
    lead = make_lead(team=team, title="新材料基地", stage=LeadStage.SIGNED)
    project = make_project(team=team, enterprise=lead.enterprise, lead=lead, code="ZW-2026-064", name="新材料基地一期")
    lead_url, project_url = f"/leads/{lead.id}", f"/projects/{project.id}"
    db.session.commit()
    username = account(Role.MEMBER, team=team)

    phone.goto(lead_url)
    sign_in(phone, username)
    with phone.expect_navigation():
        phone.get_by_role("link", name="ZW-2026-064 · 新材料基地一期").tap()
    assert phone.url.endswith(project_url)
    with phone.expect_navigation():
        phone.get_by_role("link", name="新材料基地", exact=True).tap()
    assert phone.url.endswith(lead_url)
    assert console_errors == []
