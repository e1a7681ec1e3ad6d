"""A phone logs visits without a network: the service worker, the outbox and its replays, in a real Chromium."""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.models import Enterprise, Role, User, Visit
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, open_menu, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The phone submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # the server checks the signature only
WAIT_MS = 15_000  # the longest any step may take
OUTBOX = "(await import('/static/js/outbox.js'))"
SHELL_CACHED = """async () => {
  for (const name of await caches.keys()) {
    const paths = (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname);
    if (["/visits/new", "/static/js/visit-form.js", "/static/css/visits.css"].every((p) => paths.includes(p))) {
      return true;
    }
  }
  return false;
}"""
# A record the server refuses, with the changes given: (changes) => record.
REFUSABLE = """((changes) => {
  const uuid = crypto.randomUUID();
  const today = new Date().toISOString().slice(0, 10);
  return {uuid, payload: {uuid, enterprise_name: "杭州远景智能有限公司", visited_on: today,
                          kind: "call_on", participant_ids: [], summary: null, next_step: null, follow_up_on: null,
                          trip_id: null, lead_id: null, ...changes}};
})"""
OUTBOX_SIZE = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("magnet");
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const db = opening.result;
    if (!db.objectStoreNames.contains("outbox")) { db.close(); resolve(0); return; }
    const counting = db.transaction("outbox").objectStore("outbox").count();
    counting.onsuccess = () => { db.close(); resolve(counting.result); };
    counting.onerror = () => reject(counting.error);
  };
})"""


@dataclass(frozen=True)
class Member:
    id: int
    username: str
    display_name: str
    team_id: int


@pytest.fixture
def member(make_user: Callable[..., User]) -> Member:
    """A team member, with no transaction left open to hold SQLite's write lock against the live server."""
    user = make_user(Role.MEMBER, display_name="王海")
    found = Member(user.id, user.username, user.display_name, user.team_id)
    db.session.rollback()
    return found


def enterprise_named(make_enterprise: Callable[..., Enterprise], name: str) -> int:
    enterprise_id = make_enterprise(name=name).id
    db.session.rollback()
    return enterprise_id


def server_visits() -> list[tuple[str, str, int, int]]:
    """Every visit on the server: (uuid, enterprise name, team id, photo count)."""
    try:
        visits = db.session.scalars(select(Visit).options(selectinload(Visit.enterprise), selectinload(Visit.photos))
                                    .order_by(Visit.id)).all()
        return [(v.uuid, v.enterprise.name, v.team_id, len(v.photos)) for v in visits]
    finally:
        db.session.rollback()


def enterprises_named(name: str) -> int:
    try:
        return len(db.session.scalars(select(Enterprise).where(Enterprise.name == name)).all())
    finally:
        db.session.rollback()


def unexpected(errors: list[str], *allowed: str) -> list[str]:
    """The console errors that are not among those a test provokes on purpose."""
    return [error for error in errors if not any(text in error for text in allowed)]


def eventually(page: Any, script: str, what: str) -> None:
    """Poll an async script until it is true (wait_for_function takes a promise for true at once)."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        page.wait_for_timeout(200)


def open_visit_form(page: Any, member: Member) -> None:
    from playwright.sync_api import expect

    page.goto("/login?next=/visits/new")
    sign_in(page, member.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("登记拜访")
    expect(page.locator("#visit-form")).to_have_attribute("data-outbox", "on")  # the script has taken it over


def until_ready_offline(page: Any) -> None:
    """Wait for the service worker to control the page and hold the form and its files."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=WAIT_MS)
    eventually(page, SHELL_CACHED, "the form and its files are cached")


def log_visit(page: Any, enterprise: str, summary: str) -> None:
    page.get_by_role("combobox", name="企业", exact=True).fill(enterprise)
    page.get_by_label("拜访情况").fill(summary)
    page.get_by_role("button", name="保存拜访").tap()


def test_visit_is_sent_at_once_when_online(phone: Any, console_errors: list[str], member: Member,
                                           make_enterprise: Callable[..., Enterprise]) -> None:
    from playwright.sync_api import expect

    enterprise_id = enterprise_named(make_enterprise, "上海晶科新材料有限公司")
    enterprise_named(make_enterprise, "上海晶华电子有限公司")
    open_visit_form(phone, member)
    name = phone.get_by_role("combobox", name="企业", exact=True)
    phone.get_by_role("button", name="保存拜访").tap()  # nothing typed yet
    expect(phone.get_by_role("status")).to_have_text("请填写企业名称")
    expect(name).to_have_attribute("aria-invalid", "true")
    assert phone.evaluate(OUTBOX_SIZE) == 0

    name.fill("晶科")
    suggestions = phone.get_by_role("listbox", name="匹配的企业").get_by_role("option")
    option = suggestions.filter(has_text="上海晶科新材料有限公司")
    expect(option).to_be_visible()
    expect(suggestions).to_have_count(1)
    option.tap()

    expect(name).to_have_value("上海晶科新材料有限公司")
    expect(phone.locator("#enterprise_id")).to_have_value(str(enterprise_id))
    expect(suggestions).to_have_count(0)
    phone.get_by_label("拜访情况").fill("了解扩产计划")
    phone.get_by_role("button", name="保存拜访").tap()

    expect(phone.get_by_role("status")).to_have_text("已保存")
    [(uuid, enterprise, team_id, _photos)] = server_visits()
    assert (enterprise, team_id) == ("上海晶科新材料有限公司", member.team_id)
    # Ready for the next visit: a new uuid, the enterprise and text cleared, the date and people kept.
    expect(name).to_have_value("")
    expect(phone.locator("#enterprise_id")).to_have_value("")
    expect(phone.get_by_label("拜访情况")).to_have_value("")
    expect(phone.get_by_role("checkbox", name="王海")).to_be_checked()
    assert phone.locator("input[name=uuid]").input_value() != uuid
    expect(phone.locator("#outbox-badge")).to_be_hidden()
    expect(phone.locator("#outbox")).to_be_hidden()
    assert console_errors == []


def test_visits_logged_offline_are_sent_once_back_online(phone: Any, console_errors: list[str], member: Member,
                                                         live_server: str,
                                                         make_enterprise: Callable[..., Enterprise]) -> None:
    from playwright.sync_api import expect

    enterprise_named(make_enterprise, "苏州恒力机械有限公司")
    open_visit_form(phone, member)
    until_ready_offline(phone)
    badge = phone.locator("#outbox-badge")
    status = phone.get_by_role("status")

    phone.context.set_offline(True)
    log_visit(phone, "苏州恒力机械有限公司", "参观生产线")
    expect(status).to_have_text("已离线保存，联网后自动发送（1条待发送）")
    phone.get_by_text("外出招商、线索、照片").tap()
    phone.get_by_label("照片（名片、会谈现场）").set_input_files(
        {"name": "card.png", "mimeType": "image/png", "buffer": PNG})
    log_visit(phone, "无锡新能电池科技有限公司", "初次接触")  # a name the server has never seen
    expect(status).to_have_text("已离线保存，联网后自动发送（2条待发送）")
    expect(badge).to_be_visible()
    expect(badge.locator(".count")).to_have_text("2")
    items = phone.locator("#outbox .outbox-items > li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("苏州恒力机械有限公司")
    expect(items.nth(1)).to_contain_text("1张照片")
    queued = phone.evaluate(f"async () => {OUTBOX}.all()")
    assert server_visits() == []

    reloaded = phone.reload()  # still offline: the page comes from the service worker's cache

    assert reloaded.from_service_worker
    expect(phone.get_by_role("heading", level=1)).to_have_text("登记拜访")
    expect(phone.locator("#visit-form")).to_have_attribute("data-outbox", "on")
    expect(badge.locator(".count")).to_have_text("2")
    expect(items).to_have_count(2)
    # A page never kept says so; the form answers with a query string too.
    assert phone.goto("/visits/").status == 503
    expect(phone.get_by_role("heading", level=1)).to_have_text("当前离线")
    # named as the menu names it (登记拜访, in English Log visit)
    phone.get_by_role("link", name="登记拜访 · Log visit", exact=True).tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("登记拜访")
    phone.goto("/visits/new?trip_id=1")
    expect(phone.get_by_role("heading", level=1)).to_have_text("登记拜访")
    expect(badge.locator(".count")).to_have_text("2")

    phone.context.set_offline(False)  # the "online" event sends the outbox

    expect(badge).to_be_hidden(timeout=WAIT_MS)
    expect(phone.locator("#outbox")).to_be_hidden()
    sent = server_visits()
    assert [(uuid, name, photos) for uuid, name, _team, photos in sent] == [
        (queued[0]["uuid"], "苏州恒力机械有限公司", 0), (queued[1]["uuid"], "无锡新能电池科技有限公司", 1)]
    assert enterprises_named("苏州恒力机械有限公司") == 1  # found by its name, not made twice

    # The same records once more, as after a crash between sending and forgetting: the server knows them.
    replay = phone.evaluate(f"""async (records) => {{
        const outbox = {OUTBOX};
        for (const record of records) await outbox.add({{uuid: record.uuid, payload: record.payload}});
        return outbox.flush();
    }}""", queued)

    # A flush the page started itself (on load or back online) may send some of them first: either way
    # every answer is "already have it" and the server still holds exactly the two visits.
    assert all(item["created"] is False for item in replay["sent"])
    assert {item["uuid"] for item in replay["sent"]} <= {r["uuid"] for r in queued}
    assert replay["remaining"] == 0 and replay["stopped"] is None
    eventually(phone, f"async () => (await {OUTBOX}.count()) === 0", "the outbox to be empty")
    assert server_visits() == sent
    expect(badge).to_be_hidden()
    assert unexpected(console_errors, f"status of 503 () ({live_server}/visits/)") == []  # the offline page


def test_a_refusal_names_each_field_in_the_pages_language(phone: Any, member: Member) -> None:
    """The server's reason and each field's own reason, joined the way the page's language writes a list."""
    open_visit_form(phone, member)
    reason = phone.evaluate(f"""async () => {{
        const outbox = {OUTBOX};
        await outbox.add({REFUSABLE}({{kind: "no-such-kind", follow_up_on: "not-a-date"}}));
        return (await outbox.flush()).refused[0].message;
    }}""")
    assert reason.startswith("提交的内容有误：") and reason.endswith("）") and "；" in reason, reason

    english = phone.evaluate("""async () => {
        document.documentElement.lang = "en";
        const { t } = await import("/static/js/messages.js");
        return t("details", { details: ["a", "b"].join(t("separator")) });
    }""")
    assert english == " (a; b)"


def test_refused_visit_stays_in_the_outbox_with_the_reason(phone: Any, console_errors: list[str], member: Member,
                                                           live_server: str, make_user: Callable[..., User],
                                                           make_enterprise: Callable[..., Enterprise]) -> None:
    from playwright.sync_api import expect

    stranger = make_user(Role.MEMBER).id  # of another team
    db.session.rollback()
    enterprise_named(make_enterprise, "杭州远景智能有限公司")
    open_visit_form(phone, member)

    result = phone.evaluate(f"""async (stranger) => {{
        const outbox = {OUTBOX};
        await outbox.add({REFUSABLE}({{participant_ids: [stranger]}}));
        return outbox.flush();
    }}""", stranger)

    assert result["sent"] == [] and len(result["refused"]) == 1
    item = phone.locator("#outbox .outbox-items > li")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("杭州远景智能有限公司")
    expect(item.locator(".outbox-error")).to_have_text(result["refused"][0]["message"])
    expect(item.locator(".outbox-error")).to_contain_text("参与人员")
    expect(phone.locator("#outbox-badge .count")).to_have_text("1")
    phone.reload()  # a later flush keeps it too
    expect(item.locator(".outbox-error")).to_contain_text("参与人员")
    assert server_visits() == []

    asked: list[str] = []
    phone.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    item.get_by_role("button", name="删除").tap()
    expect(item).to_have_count(0)
    assert asked == ["确定删除这条未发送的拜访记录吗？删除后无法恢复。"]
    expect(phone.locator("#outbox-badge")).to_be_hidden()

    # Refused while the person is still on the form: the form keeps what they typed, to correct it.
    name = phone.get_by_role("combobox", name="企业", exact=True)
    name.press_sequentially("远景")
    expect(phone.get_by_role("listbox", name="匹配的企业").get_by_role("option")).to_have_count(1)
    name.press("ArrowDown")
    name.press("Enter")
    expect(name).to_have_value("杭州远景智能有限公司")
    phone.get_by_label("跟进日期").fill("2001-01-01")
    phone.get_by_role("button", name="保存拜访").tap()

    expect(phone.get_by_role("status")).to_have_text(re.compile("^服务器未接收这条记录：跟进日期不能早于拜访日期"))
    expect(phone.get_by_label("跟进日期")).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_value("杭州远景智能有限公司")
    expect(phone.locator("#outbox-badge")).to_be_hidden()
    assert server_visits() == []
    assert unexpected(console_errors, f"status of 422 (UNPROCESSABLE ENTITY) ({live_server}/api/v1/visits)") == []


def test_visit_queued_by_another_user_waits_for_them(phone: Any, console_errors: list[str], member: Member) -> None:
    from playwright.sync_api import expect

    open_visit_form(phone, member)
    # The page names its user (data-user-id); a record another person queued on this phone is not sent.
    result = phone.evaluate(f"""async (me) => {{
        const outbox = {OUTBOX};
        const badge = document.getElementById("outbox-badge");
        badge.dataset.userId = "someone-else";
        await outbox.add({REFUSABLE}({{}}));
        badge.dataset.userId = me;
        return outbox.flush();
    }}""", str(member.id))

    assert result["sent"] == [] and result["refused"] == [] and result["remaining"] == 1
    item = phone.locator("#outbox .outbox-items > li")
    expect(item.locator(".outbox-error")).to_have_text("这条记录由另一位用户在本机保存，需其本人登录后才会发送")
    expect(item.get_by_role("button", name="删除")).to_be_visible()
    assert server_visits() == []
    assert console_errors == []


def test_sign_out_with_an_unsent_visit_asks_then_forgets_it(phone: Any, console_errors: list[str], member: Member,
                                                            live_server: str) -> None:
    from playwright.sync_api import expect

    open_visit_form(phone, member)
    until_ready_offline(phone)
    phone.evaluate(f"""async () => {{
        const outbox = {OUTBOX};
        await outbox.add({REFUSABLE}({{kind: "no-such-kind"}}));
        return outbox.flush();
    }}""")
    expect(phone.locator("#outbox .outbox-error")).to_be_visible()
    warning = "本机还有未发送的拜访记录，退出后将被清除。确定退出吗？"
    asked: list[str] = []

    sign_out = open_menu(phone).get_by_role("button", name=f"退出（{member.display_name}）")
    phone.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    sign_out.tap()
    phone.wait_for_timeout(500)  # time to sign out, were it going to
    assert asked == [warning]
    expect(phone.locator("#outbox-badge .count")).to_have_text("1")
    expect(phone).to_have_url(f"{live_server}/visits/new")  # stayed

    phone.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    sign_out.tap()  # the menu is still open

    expect(phone).to_have_url(f"{live_server}/login")
    assert asked == [warning, warning]
    assert phone.evaluate(OUTBOX_SIZE) == 0
    assert phone.evaluate("caches.keys()") == []
    assert server_visits() == []
    assert unexpected(console_errors, f"status of 422 (UNPROCESSABLE ENTITY) ({live_server}/api/v1/visits)") == []


def test_visit_waits_for_a_new_sign_in_when_the_session_has_ended(phone: Any, console_errors: list[str],
                                                                   member: Member, live_server: str) -> None:
    from playwright.sync_api import expect

    open_visit_form(phone, member)
    phone.context.clear_cookies()  # the session ends while the form is open (idle limit, signed out elsewhere)

    log_visit(phone, "合肥国轩动力有限公司", "座谈")

    expect(phone.get_by_role("status")).to_have_text(
        "已保存在本机。登录已过期，请重新登录后自动发送（1条待发送）")
    badge = phone.locator("#outbox-badge")
    expect(badge.locator(".count")).to_have_text("1")
    expect(badge).to_have_attribute("title", "登录已过期，请重新登录后自动发送")
    assert server_visits() == []

    open_visit_form(phone, member)  # signing in again sends it

    eventually(phone, f"async () => (await {OUTBOX}.count()) === 0", "the outbox is sent")
    expect(badge).to_be_hidden()
    [(_uuid, enterprise, team_id, _photos)] = server_visits()
    assert (enterprise, team_id) == ("合肥国轩动力有限公司", member.team_id)
    assert unexpected(console_errors, f"status of 401 (UNAUTHORIZED) ({live_server}/api/v1/") == []


def test_service_worker_changes_with_the_static_files(app: Any, client: Any, tmp_path: Any) -> None:
    import shutil
    from pathlib import Path

    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    app.static_folder = str(static)

    def version() -> str:
        response = client.get("/sw.js")
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
        return re.search(r'const VERSION = "([0-9a-f]{16})";', response.text).group(1)

    first = version()
    assert version() == first  # the same files, the same worker: phones keep their cache
    stylesheet = Path(static, "css", "app.css")
    stylesheet.write_text(stylesheet.read_text() + "\n.changed { color: red; }\n")
    assert version() != first  # a changed file: phones install the worker anew and fetch the shell again
