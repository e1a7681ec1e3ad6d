"""An American Chromium: every date box reads and takes 2026-12-02, and every date shown reads so too."""

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crm.domain.periods import today
from crm.extensions import db
from crm.models import Role, Trip, User, Visit
from tests.plugins.browser import PHONE, STATIC_FILE_LEFT_OPEN, TIMEOUT_MS, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
BAD_DAY = "12/02/2026"  # what an American date box would have shown
# Note every showPicker() call: on which input, and whether the browser refused it.
SHOW_PICKER_WATCHED = """() => {
  const original = HTMLInputElement.prototype.showPicker;
  window.pickersShown = [];
  HTMLInputElement.prototype.showPicker = function () {
    try {
      original.call(this);
      window.pickersShown.push([this.className, "ok"]);
    } catch (error) {
      window.pickersShown.push([this.className, String(error)]);
      throw error;
    }
  };
}"""


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def american(browser: Any, live_server: str, patient_expect: None) -> Iterator[Any]:
    """A phone whose browser speaks American English: a type="date" box would read 12/02/2026 there."""
    context = browser.new_context(base_url=live_server, **(PHONE | {"locale": "en-US"}))
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def member(make_user: Callable[..., User]) -> str:
    """A team member's username, with no transaction left open against the live server."""
    username = make_user(Role.MEMBER, display_name="王海").username
    db.session.commit()
    return username


def visits() -> list[tuple[str, date, date | None]]:
    try:
        return [(v.enterprise.name, v.visited_on, v.follow_up_on)
                for v in db.session.scalars(select(Visit).order_by(Visit.id))]
    finally:
        db.session.rollback()


def trips() -> list[tuple[str, date, date]]:
    try:
        return [(t.destination, t.start_on, t.end_on) for t in db.session.scalars(select(Trip).order_by(Trip.id))]
    finally:
        db.session.rollback()


def assert_iso_box(box: Any) -> None:
    """A date box shows its day as YYYY-MM-DD, with a placeholder that says so."""
    from playwright.sync_api import expect

    expect(box).to_have_attribute("type", "text")
    expect(box).to_have_attribute("placeholder", "YYYY-MM-DD")
    assert box.get_attribute("placeholder").lower() != "mm/dd/yyyy"
    value = box.input_value()
    assert value == "" or ISO.match(value), value


def unexpected(errors: list[str], *allowed: str) -> list[str]:
    """The errors a page reported, but for those a test provokes (a refusal, a request sent offline)."""
    return [error for error in errors if not any(text in error for text in allowed)]


def csrf_token(page: Any) -> str:
    return page.locator("input[name=csrf_token]").first.input_value()


def test_the_visit_form_reads_and_takes_iso_dates(american: Any, member: str) -> None:
    from playwright.sync_api import expect

    page = american
    page.goto("/login?next=/visits/new")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"  # the sign-in page too
    sign_in(page, member)
    expect(page.locator("#visit-form")).to_have_attribute("data-outbox", "on")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"

    visited, follow_up = page.get_by_label("拜访日期"), page.get_by_label("跟进日期")
    expect(visited).to_have_value(today().isoformat())  # today, as the server sees it, in ISO
    assert_iso_box(visited)
    assert_iso_box(follow_up)

    # The calendar button opens the browser's calendar: the day picked there comes back as YYYY-MM-DD.
    page.evaluate(SHOW_PICKER_WATCHED)
    page.locator(".day-input", has=follow_up).get_by_role("button", name="选择日期").click()
    assert page.evaluate("window.pickersShown") == [["day-calendar", "ok"]]
    calendar = page.locator(".day-input", has=follow_up).locator("input[type=date]")
    assert calendar.get_attribute("name") is None  # never sent with the form
    assert calendar.evaluate("(box) => getComputedStyle(box).opacity") == "0"
    calendar.evaluate("(box) => { box.value = '2026-12-02'; box.dispatchEvent(new Event('change')); }")
    expect(follow_up).to_have_value("2026-12-02")

    # Typed: ISO as such; the digits alone, as a phone's digit pad types them, come back with their hyphens.
    day = today() - timedelta(days=3)
    page.get_by_role("combobox", name="企业", exact=True).fill("杭州远景智能有限公司")
    visited.fill(day.isoformat())
    follow_up.fill((day + timedelta(days=7)).strftime("%Y%m%d"))
    follow_up.blur()
    expect(follow_up).to_have_value((day + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="保存拜访").tap()
    expect(page.locator("#visit-form-status")).to_have_text("已保存")
    assert visits() == [("杭州远景智能有限公司", day, day + timedelta(days=7))]

    # A day in the American way is refused in Chinese, on the phone and by the server, and nothing is written.
    page.get_by_role("combobox", name="企业", exact=True).fill("上海晶科新材料有限公司")
    visited.fill(BAD_DAY)
    page.get_by_role("button", name="保存拜访").tap()
    expect(page.locator("#visit-form-status")).to_have_text("拜访日期请按 YYYY-MM-DD 填写")
    expect(visited).to_have_attribute("aria-invalid", "true")
    response = page.request.post("/visits/new", form={
        "csrf_token": csrf_token(page), "enterprise_name": "上海晶科新材料有限公司", "visited_on": BAD_DAY,
        "kind": "call_on"})
    assert response.status == 422
    refusal = re.search(r'id="visited_on-error" class="field-error">([^<]+)<', response.text())
    assert refusal and CHINESE.search(refusal.group(1)), response.text()
    assert len(visits()) == 1

    # Kept on the phone while offline: the outbox lists the visit under its ISO day.
    page.context.set_offline(True)
    visited.fill(f"{day.year}年{day.month}月{day.day}日")
    page.get_by_role("button", name="保存拜访").tap()
    expect(page.locator("#visit-form-status")).to_have_text("已离线保存，联网后自动发送（1条待发送）")
    expect(page.locator("#outbox .outbox-date")).to_have_text(day.isoformat())
    page.context.set_offline(False)  # the "online" event sends the outbox
    expect(page.locator("#outbox")).to_be_hidden()
    assert [row[:2] for row in visits()] == [("杭州远景智能有限公司", day), ("上海晶科新材料有限公司", day)]

    # The list: its days, and its filter's boxes, in ISO.
    page.goto("/visits")
    days = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert len(days) == 2 and all(ISO.match(text) for text in days), days
    start = page.get_by_label("从", exact=True)
    assert_iso_box(start)
    start.fill(day.strftime("%Y/%m/%d"))
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    expect(page.get_by_label("从", exact=True)).to_have_value(day.isoformat())
    assert unexpected(page.errors, "ERR_INTERNET_DISCONNECTED") == []


def test_a_trip_is_recorded_with_iso_dates_and_a_bad_one_refused(american: Any, member: str) -> None:
    from playwright.sync_api import expect

    page = american
    page.goto("/login?next=/trips/new")
    sign_in(page, member)
    expect(page.get_by_role("heading", level=1)).to_have_text("记录外出招商")
    start, end = page.get_by_label("出发日期"), page.get_by_label("返回日期")
    assert_iso_box(start)
    assert_iso_box(end)

    page.get_by_label("目的地").fill("苏州")
    start.fill(BAD_DAY)
    end.fill("2026-04-09")
    with page.expect_navigation() as refused:
        page.get_by_role("button", name="保存").click()
    assert refused.value.status == 422
    expect(page.locator("#start_on-error")).to_have_text("请按 YYYY-MM-DD 填写有效的日期")
    expect(page.get_by_label("出发日期")).to_have_value(BAD_DAY)  # what was typed, to correct
    assert trips() == []

    page.get_by_label("出发日期").fill("2026-04-07")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    assert trips() == [("苏州", date(2026, 4, 7), date(2026, 4, 9))]
    page.goto("/trips")
    expect(page.locator("table tbody tr").first).to_contain_text("2026-04-07")
    assert unexpected(page.errors, "status of 422 ") == []


def test_pages_say_their_language_and_dates_stay_iso_in_english(american: Any, member: str,
                                                                compiled_catalogue: Path) -> None:
    from playwright.sync_api import expect

    page = american
    page.goto("/no-such-page")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"  # the error page, signed out
    page.goto("/login?next=/visits/new")
    sign_in(page, member)
    open_menu(page).get_by_role("button", name="English").click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.goto("/visits/new")
    visited = page.get_by_label("Visit date")
    expect(visited).to_have_value(today().isoformat())
    assert_iso_box(visited)
    expect(page.locator(".day-input", has=visited).get_by_role("button")).to_have_attribute("title", "Choose a date")
    page.goto("/no-such-page")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert unexpected(page.errors, "status of 404 ") == []
