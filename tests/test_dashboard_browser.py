"""The dashboard in a real Chromium on a phone: charts drawn, names shown as text, the brief copied, printing."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from crm.domain.periods import today
from crm.extensions import db
from crm.models import LeadStage, Role
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]

XSS = "<img src=x onerror=alert(1)>"
CHARTS = ("monthly", "funnel", "industries", "teams", "sizes")
YI = 100_000_000


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def signings(make_team, make_project, make_lead, make_trip) -> Any:
    """This year's signings of one team whose name, like its projects' industry, is markup."""
    team = make_team(name=XSS)
    year = today().year
    for day, amount in ((date(year, 1, 10), 3 * YI), (date(year, 1, 20), 12 * YI), (date(year, 2, 5), 60 * YI)):
        make_project(team=team, signed_on=day, total_investment_yuan=amount, industry=XSS)
    make_lead(team=team, stage=LeadStage.NEGOTIATING)
    make_trip(team=team, start_on=date(year, 1, 2), end_on=date(year, 1, 3))
    db.session.commit()
    return team


def open_dashboard(phone: Any, username: str, heading: str = "招商引资工作概况") -> list[str]:
    """Sign in, land on the dashboard, wait for every chart; return the messages of any dialog that opens."""
    from playwright.sync_api import expect

    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    phone.on("dialog", on_dialog)
    phone.goto("/login")
    sign_in(phone, username)
    expect(phone.get_by_role("heading", level=1)).to_have_text(heading)
    for name in CHARTS:
        expect(phone.locator(f'.chart[data-chart="{name}"] canvas').first).to_be_visible()
        expect(phone.locator(f'.chart[data-chart="{name}"]')).to_have_attribute("data-drawn", "true")
    return dialogs


def point_at(phone: Any, x: float, y: float) -> None:
    """Move the pointer to a spot the way a hand does: arriving there in a few steps."""
    phone.mouse.move(x - 10, y - 10)
    phone.mouse.move(x, y, steps=5)


def hover_ring(phone: Any, name: str) -> None:
    """Rest the pointer on a pie chart's ring (its radius runs from 35% to 65% of half the shorter side)."""
    box = phone.locator(f'.chart[data-chart="{name}"]').bounding_box()
    radius = min(box["width"], box["height"]) / 2 * 0.5
    point_at(phone, box["x"] + box["width"] / 2 + radius, box["y"] + box["height"] * 0.45)


def test_charts_draw_and_show_names_as_text(phone: Any, console_errors: list[str], signings: Any,
                                            account: Callable[..., str]) -> None:
    from playwright.sync_api import expect

    dialogs = open_dashboard(phone, account(Role.LEADER))

    industries = phone.locator('.chart[data-chart="industries"]')
    industries.scroll_into_view_if_needed()
    hover_ring(phone, "industries")
    expect(industries.locator("div").filter(has_text=XSS).last).to_be_visible()
    teams = phone.locator('.chart[data-chart="teams"]')
    teams.scroll_into_view_if_needed()
    box = teams.bounding_box()
    point_at(phone, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(teams.locator("div").filter(has_text=XSS).last).to_be_visible()
    monthly = phone.locator('.chart[data-chart="monthly"]')
    monthly.scroll_into_view_if_needed()
    box = monthly.bounding_box()
    point_at(phone, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(monthly.locator("div").filter(has_text="签约项目（个）").last).to_be_visible()

    assert dialogs == [], "markup in a name was run as HTML"
    assert phone.locator('img[src="x"]').count() == 0
    assert console_errors == []


def test_tooltips_speak_english_to_an_english_reader(phone: Any, compiled_catalogue: Any, signings: Any,
                                                     account: Callable[..., str]) -> None:
    from playwright.sync_api import expect

    open_dashboard(phone, account(Role.LEADER, locale="en"), heading="Investment promotion overview")
    monthly = phone.locator('.chart[data-chart="monthly"]')
    monthly.scroll_into_view_if_needed()
    box = monthly.bounding_box()
    point_at(phone, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = monthly.locator("div").filter(has_text="Signed projects").last
    expect(tooltip).to_be_visible()
    assert "Signed projects: " in tooltip.inner_text() and "：" not in tooltip.inner_text()


def test_phone_width_has_no_sideways_scroll(phone: Any, console_errors: list[str], signings: Any,
                                            account: Callable[..., str]) -> None:
    open_dashboard(phone, account(Role.MEMBER, team=signings))

    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390
    cards = phone.get_by_role("region", name="本专班指标").locator("article.card")
    first, second, third = (cards.nth(i).bounding_box() for i in range(3))
    assert first["y"] == second["y"] < third["y"], "the cards are not two to a row"
    chart = phone.locator('.chart[data-chart="monthly"]').bounding_box()
    assert chart["width"] >= 300 and chart["x"] + chart["width"] <= 390
    assert console_errors == []


def test_member_switches_the_charts_to_their_team(phone: Any, console_errors: list[str], signings: Any,
                                                  account: Callable[..., str]) -> None:
    open_dashboard(phone, account(Role.MEMBER, team=signings))

    with phone.expect_response(lambda r: f"/dashboard/data/sizes?team={signings.id}" in r.url) as answer:
        phone.locator("#chart-scope").select_option(str(signings.id))
    assert answer.value.status == 200
    assert [row["count"] for row in answer.value.json()["sizes"]] == [1, 1, 0, 1, 0]
    assert console_errors == []


def test_copy_button_copies_the_brief(phone: Any, console_errors: list[str], live_server: str, signings: Any,
                                      account: Callable[..., str]) -> None:
    from playwright.sync_api import expect

    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    open_dashboard(phone, account(Role.LEADER))
    brief = phone.locator("#brief-text").inner_text()
    assert "签约项目3个，其中亿元以上项目3个，总投资75亿元" in brief

    phone.get_by_role("button", name="复制简报").click()

    expect(phone.locator(".copy-status")).to_have_text("已复制")
    assert phone.evaluate("navigator.clipboard.readText()") == brief
    assert console_errors == []


def test_copy_falls_back_without_the_clipboard_api(phone: Any, console_errors: list[str], signings: Any,
                                                   account: Callable[..., str]) -> None:
    from playwright.sync_api import expect

    # An older phone browser: no navigator.clipboard, only the selection and execCommand("copy").
    phone.add_init_script("Object.defineProperty(navigator, 'clipboard', { value: undefined });"
                          "window.copied = [];"
                          "document.addEventListener('copy', () => window.copied.push(String(document"
                          ".activeElement.value ?? '')));")
    open_dashboard(phone, account(Role.LEADER))
    brief = phone.locator("#brief-text").inner_text()

    phone.get_by_role("button", name="复制简报").click()

    expect(phone.locator(".copy-status")).to_have_text("已复制")
    assert phone.evaluate("window.copied") == [brief]
    assert phone.locator(".copy-buffer").count() == 0  # the helper text area is gone again
    assert console_errors == []


def test_printing_leaves_out_the_controls(phone: Any, console_errors: list[str], signings: Any,
                                          account: Callable[..., str]) -> None:
    from playwright.sync_api import expect

    open_dashboard(phone, account(Role.MEMBER, team=signings))
    phone.emulate_media(media="print")

    for hidden in (".site-header", ".dashboard-filters", ".quick-actions", "button.copy-brief", "#chart-scope"):
        expect(phone.locator(hidden)).to_be_hidden()
    expect(phone.locator("#brief-text")).to_be_visible()
    cards = phone.get_by_role("region", name="主要指标").locator("article.card")
    tops = [cards.nth(i).bounding_box()["y"] for i in range(5)]
    assert tops[0] == tops[3] < tops[4], "the cards are not four to a row on paper"
    assert phone.locator(".chart-box").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    assert console_errors == []
