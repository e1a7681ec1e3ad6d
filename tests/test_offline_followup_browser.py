"""On the road: 完成跟进 tapped offline waits in the outbox, and a visit whose photo the server refused leaves it."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from crm.domain.periods import today
from crm.extensions import db
from crm.models import Enterprise, Team, User, Visit
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, sign_in
from tests.test_offline_browser import (
    OUTBOX,
    OUTBOX_SIZE,
    PNG,
    WAIT_MS,
    Member,
    enterprise_named,
    eventually,
    log_visit,
    member,  # noqa: F401 (a fixture)
    open_visit_form,
    server_visits,
    unexpected,
    until_ready_offline,
)

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]

NOT_A_PHOTO = b"GIF89a" + b"\x00" * 64  # called .png and typed image/png, so only the server can tell
FOLLOW_UPS_CACHED = """async () => {
  for (const name of await caches.keys()) {
    const paths = (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname);
    const wanted = ["/visits/follow-ups", "/static/js/app.js", "/static/js/outbox.js"];
    if (wanted.every((path) => paths.includes(path))) return true;
  }
  return false;
}"""


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The phone submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def follow_up_of(visit_id: int) -> Any:
    try:
        return db.session.scalar(select(Visit.follow_up_on).where(Visit.id == visit_id))
    finally:
        db.session.rollback()


def test_follow_up_done_offline_is_queued_and_sent_back_online(phone: Any, console_errors: list[str],
                                                               member: Member, live_server: str,  # noqa: F811
                                                               make_visit: Callable[..., Visit],
                                                               make_enterprise: Callable[..., Enterprise]) -> None:
    from playwright.sync_api import expect

    enterprise = make_enterprise(name="宁波舜宇光电有限公司")
    visit_id = make_visit(team=db.session.get(Team, member.team_id), enterprise=enterprise,
                          created_by=db.session.get(User, member.id),
                          follow_up_on=today(), next_step="送去用地方案").id
    db.session.rollback()
    phone.goto("/login?next=/visits/follow-ups")
    sign_in(phone, member.username)
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的待办")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()
    phone.wait_for_function("navigator.serviceWorker.controller !== null", timeout=WAIT_MS)
    eventually(phone, FOLLOW_UPS_CACHED, "我的待办 and its scripts are cached")

    phone.context.set_offline(True)
    assert phone.reload().from_service_worker  # the cached 我的待办
    item = phone.locator(".due-list > li").filter(has_text="宁波舜宇光电有限公司")
    item.get_by_role("button", name="完成跟进").tap()

    expect(item.get_by_role("status")).to_have_text("已在本机记录，联网后自动发送")
    expect(item.get_by_role("button", name="完成跟进")).to_be_disabled()
    expect(phone.locator("#outbox-badge .count")).to_have_text("1")
    assert follow_up_of(visit_id) == today()
    phone.reload()  # still offline: the cached page shows it as waiting
    expect(item.get_by_role("status")).to_have_text("已在本机记录，联网后自动发送")
    expect(item.get_by_role("button", name="完成跟进")).to_be_disabled()

    phone.context.set_offline(False)  # the "online" event sends the outbox

    expect(item).to_have_count(0, timeout=WAIT_MS)
    expect(phone.locator("#outbox-badge")).to_be_hidden()
    assert phone.evaluate(OUTBOX_SIZE) == 0
    assert follow_up_of(visit_id) is None
    expect(phone.get_by_role("status").filter(has_text="已完成跟进：宁波舜宇光电有限公司")).to_be_visible()
    assert unexpected(console_errors, "ERR_INTERNET_DISCONNECTED", "status of 503") == []


def test_follow_up_done_online_is_sent_at_once(phone: Any, console_errors: list[str], member: Member,  # noqa: F811
                                               make_visit: Callable[..., Visit]) -> None:
    from playwright.sync_api import expect

    visit_id = make_visit(team=db.session.get(Team, member.team_id), created_by=db.session.get(User, member.id),
                          follow_up_on=today()).id
    db.session.rollback()
    phone.goto("/login?next=/visits/follow-ups")
    sign_in(phone, member.username)
    phone.locator(".due-list > li").get_by_role("button", name="完成跟进").tap()
    expect(phone.get_by_role("button", name="完成跟进")).to_have_count(0)
    expect(phone.locator(".due-list").first).to_contain_text("没有到期的拜访跟进")
    assert follow_up_of(visit_id) is None
    assert phone.evaluate(OUTBOX_SIZE) == 0
    assert console_errors == []


def photos(page: Any) -> None:
    page.get_by_text("外出招商、线索、照片").tap()
    page.get_by_label("照片（名片、会谈现场）").set_input_files([
        {"name": "card.png", "mimeType": "image/png", "buffer": PNG},
        {"name": "scan.png", "mimeType": "image/png", "buffer": NOT_A_PHOTO}])


def test_a_refused_photo_leaves_the_visit_sent_and_names_the_photo(phone: Any, console_errors: list[str],
                                                                   member: Member, live_server: str,  # noqa: F811
                                                                   make_enterprise: Callable[..., Enterprise]) -> None:
    from playwright.sync_api import expect

    enterprise_named(make_enterprise, "常州天合光能有限公司")
    open_visit_form(phone, member)
    until_ready_offline(phone)
    phone.context.set_offline(True)
    photos(phone)
    log_visit(phone, "常州天合光能有限公司", "看了新厂房")
    expect(phone.locator("#outbox-badge .count")).to_have_text("1")
    # The form's own try has ended (offline): from here the visit is the background's to send, and to tell of.
    expect(phone.locator("#visit-form-status")).to_contain_text("已离线保存")

    phone.context.set_offline(False)  # sent in the background: the visit and card.png go, scan.png is refused

    expect(phone.locator("#outbox-badge")).to_be_hidden(timeout=WAIT_MS)
    expect(phone.locator("#outbox")).to_be_hidden()
    eventually(phone, f"async () => (await {OUTBOX}.count()) === 0", "the outbox is empty")
    [(_uuid, name, _team, stored)] = server_visits()
    assert (name, stored) == ("常州天合光能有限公司", 1)
    notice = phone.locator("#outbox-notice")
    expect(notice).to_have_attribute("role", "alert")
    expect(notice).to_contain_text("常州天合光能有限公司")
    expect(notice).to_contain_text("scan.png")
    expect(notice).to_contain_text("只能上传 JPEG 或 PNG 格式的照片")
    assert "card.png" not in notice.inner_text()

    # Sent at once from the form: its status says the same.
    photos(phone)
    log_visit(phone, "常州天合光能有限公司", "第二次拜访")
    status = phone.locator("#visit-form-status")
    expect(status).to_contain_text("已保存")
    expect(status).to_contain_text("scan.png")
    expect(status).to_contain_text("只能上传 JPEG 或 PNG 格式的照片")
    assert [stored for _u, _n, _t, stored in server_visits()] == [1, 1]
    expect(notice.locator("p")).to_have_count(1)  # the form's own visit is said once, in the form
    assert phone.evaluate(OUTBOX_SIZE) == 0
    expect(phone.locator("#outbox-badge")).to_be_hidden()
    assert unexpected(console_errors, f"status of 422 (UNPROCESSABLE ENTITY) ({live_server}/api/v1/visits/") == []
