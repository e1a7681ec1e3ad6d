"""A real Chromium, sized as a phone, signs in and uses the menu against a live server."""

import gettext
import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import AuditEvent, Role
from crm.reports.dashboard import CARDS
from tests.plugins.browser import PHONE, STATIC_FILE_LEFT_OPEN, fits_width, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]

ENGLISH_CATALOGUE = Path(__file__).resolve().parent.parent / "crm/translations/en/LC_MESSAGES/messages.mo"
SIGN_IN_FOR_DASHBOARD = re.compile(r"/login\?next=(/|%2F)$")
# What a team member's menu holds: the team's work, then their own account (the language switch and 退出 follow).
MEMBERS_MENU = ("首页", "登记拜访", "我的待办", "拜访记录", "外出招商", "在谈项目", "签约项目", "亿元以上项目榜",
                "专班排名", "问题诉求", "督办台账", "企业库", "专班", "账号安全", "提醒设置", "修改密码")


def english_heading_translated() -> bool:
    """Whether the compiled English catalogue translates the dashboard heading (it is being written)."""
    if not ENGLISH_CATALOGUE.exists():
        return False
    with ENGLISH_CATALOGUE.open("rb") as mo:
        return gettext.GNUTranslations(mo).gettext("招商引资工作概况") != "招商引资工作概况"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def test_member_signs_in_on_a_phone(phone: Any, console_errors: list[str], live_server: str,
                                    account: Callable[..., str]) -> None:
    from playwright.sync_api import expect

    member = account(Role.MEMBER)
    phone.goto("/")
    expect(phone).to_have_url(SIGN_IN_FOR_DASHBOARD)
    expect(phone.get_by_role("heading", level=1)).to_have_text("登录招商通")
    assert fits_width(phone), "the sign-in page scrolls sideways on a phone"

    sign_in(phone, member)

    expect(phone).to_have_url(f"{live_server}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("招商引资工作概况")
    cards = phone.get_by_role("region", name="主要指标").locator("article.card")
    expect(cards).to_have_count(len(CARDS))  # the dashboard's every card
    expect(cards.first).to_contain_text("签约项目")
    expect(cards.nth(2)).to_contain_text("签约总投资")
    # Two cards to a row on a phone: one would waste the screen, three would not fit the figures.
    first, second, third = (cards.nth(i).bounding_box() for i in range(3))
    assert first["y"] == second["y"] < third["y"]
    assert second["x"] + second["width"] <= PHONE["viewport"]["width"]
    assert fits_width(phone), "the dashboard scrolls sideways on a phone"
    assert console_errors == []


def test_wrong_password_is_refused(phone: Any, live_server: str, account: Callable[..., str]) -> None:
    from playwright.sync_api import expect

    member = account(Role.MEMBER)
    phone.goto("/login")

    sign_in(phone, member, "not-the-password")

    expect(phone.get_by_role("status")).to_contain_text("用户名或密码不正确")
    expect(phone).to_have_url(f"{live_server}/login")
    expect(phone.get_by_role("heading", level=1)).to_have_text("登录招商通")
    expect(phone.get_by_label("用户名")).to_have_value(member)
    expect(phone.locator("details.menu")).to_have_count(0)  # not signed in
    assert fits_width(phone)


def test_menu_signs_out_on_a_phone(phone: Any, console_errors: list[str], live_server: str,
                                   account: Callable[..., str]) -> None:
    from playwright.sync_api import expect

    member = account(Role.MEMBER, display_name="李晓明")
    phone.goto("/login")
    sign_in(phone, member)
    expect(phone.get_by_role("heading", level=1)).to_have_text("招商引资工作概况")
    sign_out = phone.get_by_role("button", name="退出（李晓明）")
    expect(sign_out).to_be_hidden()  # the menu starts closed

    links = open_menu(phone)

    box = links.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"], "the menu runs off the screen"
    entries = links.locator(":scope > li")
    expect(entries).to_have_text([*MEMBERS_MENU, "English", "退出（李晓明）"])  # no more, in this order
    items = [item.bounding_box() for item in entries.all()]
    assert all(above["y"] + above["height"] <= below["y"] + 1 for above, below in pairwise(items)), \
        "the menu's entries are not one below the other"
    expect(links.get_by_role("link", name="专班", exact=True)).to_be_visible()
    for duty in ("用户管理", "审计日志"):  # the security and the audit administrators' pages
        expect(links.get_by_role("link", name=duty)).to_have_count(0)
    assert fits_width(phone)
    sign_out.tap()

    expect(phone).to_have_url(f"{live_server}/login")
    expect(phone.get_by_role("status")).to_contain_text("已退出登录")
    expect(phone.locator("details.menu")).to_have_count(0)
    phone.goto("/")  # the session is over: the dashboard asks to sign in again
    expect(phone).to_have_url(SIGN_IN_FOR_DASHBOARD)
    assert console_errors == []


def test_an_audit_administrator_is_refused_nothing_while_reading(phone: Any, console_errors: list[str],
                                                                  live_server: str,
                                                                  account: Callable[..., str]) -> None:
    """The offline visit form is kept for those who log visits: fetched for anyone else it would be refused, and
    each refusal is an entry the audit administrator would read as someone trying what they may not."""
    from playwright.sync_api import expect

    auditor = account(Role.AUDITOR)
    phone.goto("/login")
    sign_in(phone, auditor)
    expect(phone).to_have_url(f"{live_server}/audit/")  # their own page, not the business's dashboard
    expect(phone.get_by_role("heading", level=1)).to_have_text("审计日志")
    phone.wait_for_timeout(2_000)  # what a service worker would fetch on installing, it has fetched by now
    assert phone.evaluate("async () => (await navigator.serviceWorker.getRegistration()) === undefined")
    refused = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "forbidden")).all()
    db.session.commit()  # leave no transaction open against the live server
    assert refused == []
    assert console_errors == []


@pytest.mark.skipif(not english_heading_translated(),
                    reason=f"{ENGLISH_CATALOGUE} is missing or does not translate 招商引资工作概况 yet")
def test_admin_switches_to_english(phone: Any, console_errors: list[str], account: Callable[..., str]) -> None:
    from playwright.sync_api import expect

    admin = account(Role.ADMIN)
    phone.goto("/login")
    sign_in(phone, admin)
    heading = phone.get_by_role("heading", level=1)
    expect(heading).to_have_text("招商引资工作概况")

    open_menu(phone).get_by_role("button", name="English").click()

    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(heading).to_have_text(re.compile(r"^[ -~]+$"))  # English words, no Chinese left
    expect(heading).not_to_have_text("招商引资工作概况")
    expect(phone.locator("details.menu > summary")).to_have_text(re.compile(r"^[ -~]+$"))
    # The choice is kept: a new page load is still in English, and 中文 switches back.
    phone.reload()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    open_menu(phone).get_by_role("button", name="中文").click()
    expect(heading).to_have_text("招商引资工作概况")
    assert console_errors == []
