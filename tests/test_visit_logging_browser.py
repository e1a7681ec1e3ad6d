"""A leader logs a visit from a phone for the team they choose; the city is not offered the form and is told why."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import Role, Team, User, Visit
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The phone submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def stored_visits() -> list[tuple[str, int, int, list[int]]]:
    """Every visit on the server: (enterprise name, team id, author id, participant ids)."""
    try:
        return [(v.enterprise.name, v.team_id, v.created_by_id, sorted(u.id for u in v.participants))
                for v in db.session.scalars(select(Visit).order_by(Visit.id))]
    finally:
        db.session.rollback()


def test_a_leader_chooses_the_team_and_logs_from_the_phone(phone: Any, console_errors: list[str],
                                                           make_user: Callable[..., User],
                                                           make_team: Callable[..., Team]) -> None:
    from playwright.sync_api import expect

    leader = make_user(Role.LEADER, display_name="王区长")
    make_team(name="上海专班")
    team = make_team(name="深圳专班")
    leader_id, team_id, username = leader.id, team.id, leader.username
    db.session.rollback()
    phone.goto("/login")
    sign_in(phone, username)
    open_menu(phone).get_by_role("link", name="登记拜访").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("登记拜访")
    expect(phone.locator("#visit-form")).to_have_count(0)  # the team comes first
    phone.get_by_label("为哪个专班登记").select_option(label="深圳专班")
    phone.get_by_role("button", name="选择").tap()
    expect(phone.get_by_text("拜访计入：深圳专班")).to_be_visible()
    expect(phone.locator("#visit-form")).to_have_attribute("data-outbox", "on")
    expect(phone.get_by_label("王区长")).to_be_checked()  # the leader is on the visit, as its author
    phone.get_by_role("combobox", name="企业", exact=True).fill("深圳华强电子有限公司")
    phone.get_by_label("来访接待").check()
    phone.get_by_role("button", name="保存拜访").tap()
    expect(phone.get_by_role("status")).to_have_text("已保存")
    assert stored_visits() == [("深圳华强电子有限公司", team_id, leader_id, [leader_id])]
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert console_errors == []


def test_the_city_has_no_form_in_its_menu_and_is_told_why(phone: Any, console_errors: list[str],
                                                          make_user: Callable[..., User]) -> None:
    from playwright.sync_api import expect

    username = make_user(Role.CITY).username
    db.session.rollback()
    phone.goto("/login")
    sign_in(phone, username)
    links = open_menu(phone)
    expect(links.get_by_role("link", name="拜访记录")).to_be_visible()
    expect(links.get_by_role("link", name="登记拜访")).to_have_count(0)
    response = phone.goto("/visits/new")
    assert response is not None and response.status == 403
    expect(phone.get_by_role("heading", level=1)).to_have_text("没有权限")
    expect(phone.get_by_text("市招商局查看各区县的拜访记录，不登记拜访")).to_be_visible()
    assert [e for e in console_errors if "403" not in e] == []
