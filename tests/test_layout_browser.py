"""The layout in a real Chromium, on the demo district: the menu is a bar on a desktop and a 菜单 on a phone, and on a
phone every wide table scrolls inside its own box with the column that names a row pinned, never the page."""

from typing import Any

import pytest
from sqlalchemy import select

from crm.domain.periods import today
from crm.extensions import db
from crm.models import District, Project, Team, Trip
from crm.rankings.services import freeze_quarter
from tests.plugins.browser import (
    STATIC_FILE_LEFT_OPEN,
    Desktop,
    fits_width,
    open_menu,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]

# The entries everyone must see at once on a desktop; the demo's admin works in a district, so logs visits too.
MAIN_LINKS = ("首页", "登记拜访", "拜访记录", "外出招商", "在谈项目", "签约项目", "亿元以上项目榜", "专班排名")
OUTBOX = "(await import('/static/js/outbox.js'))"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


def inside_viewport(page: Any, locator: Any) -> bool:
    """Whether the element is shown and wholly inside the window, without scrolling or opening anything."""
    box = locator.bounding_box()
    size = page.viewport_size
    return (locator.is_visible() and box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"])


def overlapping(boxes: list[dict[str, float]]) -> list[tuple[int, int]]:
    """The pairs of boxes (by index) that cover one another."""
    return [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes[i + 1:], start=i + 1)
            if a["x"] < b["x"] + b["width"] - 1 and b["x"] < a["x"] + a["width"] - 1
            and a["y"] < b["y"] + b["height"] - 1 and b["y"] < a["y"] + a["height"] - 1]


def tab_order(page: Any, steps: int) -> list[str]:
    """The names of what the Tab key reaches, from the brand on."""
    page.locator("a.brand").focus()
    reached = []
    for _ in range(steps):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
    return reached


# Each role's bar (三员分立: the security and the audit administrators see their duty's page, none of the business's):
# the links it must show, in the order the Tab key reaches them, and links it must not show.
BARS = (("admin", "管理员", (*MAIN_LINKS, "待认定项目", "撞单处理", "导入表格"), ("用户管理", "审计日志")),
        ("member", "专班成员", MAIN_LINKS, ("用户管理", "审计日志", "撞单处理", "导入表格")),
        ("security", "安全管理员", ("首页", "用户管理"), ("登记拜访", "拜访记录", "审计日志", "导入表格")),
        ("auditor", "审计管理员", ("首页", "审计日志"), ("登记拜访", "拜访记录", "用户管理", "导入表格")))
ACCOUNT_LINKS = ("账号安全", "修改密码")  # everyone's, with the language switch and 退出 on the bar's top line


def check_bar_fits(page: Any, name: str) -> list[dict[str, float]]:
    """Every entry of the bar is shown in the window at once, none covers another, all within 3 lines."""
    page.wait_for_load_state("load")  # measured once the stylesheets are in
    bar = page.locator("details.menu .menu-links")
    items = bar.locator(":scope > li").all()
    for item in items:
        assert inside_viewport(page, item), f"{name}: {item.inner_text()} is not shown in the window at once"
    entries = [item.bounding_box() for item in items]
    assert overlapping(entries) == [], f"{name}: menu entries cover one another"
    assert max(box["y"] + box["height"] for box in entries) < 200, f"{name}: the bar takes more than 3 lines"
    return entries


def test_the_menu_is_a_bar_on_a_desktop(desktops: Desktop, demo_logins: dict[str, tuple[str, str]]) -> None:
    from playwright.sync_api import expect

    for role, name, links, absent in BARS:
        page = desktops.open()
        page.goto("/login")
        sign_in(page, *demo_logins[role])
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        bar = page.locator("details.menu .menu-links")
        expect(page.locator("details.menu > summary")).to_be_hidden()  # nothing to open
        assert page.locator("details.menu").get_attribute("open") is None
        for label in (*links, *ACCOUNT_LINKS):
            link = bar.get_by_role("link", name=label, exact=True)
            expect(link).to_be_visible()
            assert inside_viewport(page, link), f"{name}: {label} is not shown in the window at once"
        for label in absent:  # the role decides the links (kept per role)
            expect(bar.get_by_role("link", name=label, exact=True)).to_have_count(0)
        sign_out = bar.get_by_role("button", name="退出（")
        assert inside_viewport(page, sign_out), f"{name}: 退出 is not shown in the window at once"
        entries = check_bar_fits(page, name)

        bell = page.locator("#reminder-bell")  # the reminders' bell beside the brand: a district's people only
        if role in ("admin", "member"):
            assert inside_viewport(page, bell), f"{name}: the reminders' bell is not shown"
            assert overlapping([bell.bounding_box(), *entries]) == [], f"{name}: the bell covers the menu"
        else:
            expect(bell).to_have_count(0)
        reached = tab_order(page, len(entries) + bell.count())
        assert [label for label in reached if label in links] == list(links), reached
        assert reached[-1].startswith("退出（"), reached

        # English words are longer: the bar still fits, in the same number of entries.
        bar.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert len(check_bar_fits(page, f"{name} (English)")) == len(entries)

        if "登记拜访" in links:  # the outbox badge still shows beside the brand when a visit waits to be sent
            page.context.set_offline(True)  # so that the visit stays queued
            page.evaluate(f"async () => {{ await {OUTBOX}.add({{uuid: crypto.randomUUID(), payload: {{}}}}); }}")
            badge = page.locator("#outbox-badge")
            expect(badge.locator(".count")).to_have_text("1")
            assert inside_viewport(page, badge), f"{name}: the outbox badge is not shown"
            entries = [item.bounding_box() for item in bar.locator(":scope > li").all()]
            assert overlapping([badge.bounding_box(), *entries]) == [], f"{name}: the badge covers the menu"
    assert desktops.errors == []


def test_the_menu_opens_from_菜单_on_a_phone(phone: Any, console_errors: list[str],
                                           demo_logins: dict[str, tuple[str, str]]) -> None:
    from playwright.sync_api import expect

    phone.goto("/login")
    sign_in(phone, *demo_logins["member"])
    expect(phone.locator("details.menu > summary")).to_be_visible()
    assert inside_viewport(phone, phone.locator("details.menu > summary"))
    for label in MAIN_LINKS:
        expect(phone.get_by_role("link", name=label, exact=True).first).to_be_hidden()

    links = open_menu(phone)
    for label in MAIN_LINKS:
        expect(links.get_by_role("link", name=label, exact=True)).to_be_visible()
    assert fits_width(phone)
    assert console_errors == []


# The first of the tables matched that is wider than its box, scrolled by 300 px: where its first row's `pinned`
# cells (the columns that name the row) are then, and whether they hide what scrolls beneath them.
SCROLLED = """([table, pinned]) => {
  const boxes = [...document.querySelectorAll(table)].map((found) => found.closest('.table-scroll'));
  const box = boxes.find((b) => b && b.scrollWidth > b.clientWidth) || boxes[0];
  if (!box) return null;
  box.scrollIntoView();
  const row = box.querySelector('tbody tr');
  const edge = () => box.getBoundingClientRect().left;
  box.scrollLeft = 300;
  const cells = pinned.map((n) => row.children[n - 1]);
  const lefts = cells.map((cell) => cell.getBoundingClientRect().left - edge());
  const rights = cells.map((cell) => cell.getBoundingClientRect().right - edge());
  const onTop = cells.every((cell) => {
    const r = cell.getBoundingClientRect();
    return cell.contains(document.elementFromPoint(r.left + 2, r.top + r.height / 2));
  });
  const opaque = cells.every((cell) => /^rgb\\(/.test(getComputedStyle(cell).backgroundColor));
  return {scrollWidth: box.scrollWidth, clientWidth: box.clientWidth, scrolled: box.scrollLeft,
          lefts, rights, onTop, opaque};
}"""


def check_wide_table(page: Any, path: str, table: str, pinned: tuple[int, ...] = (1,)) -> None:
    """At `path` the page fits the phone, `table` scrolls in its box and its `pinned` columns stay at the box's left."""
    response = page.goto(path)
    assert response.status == 200, path
    assert fits_width(page), f"{path} scrolls sideways"
    seen = page.evaluate(SCROLLED, [table, list(pinned)])
    assert seen is not None, f"{path}: no {table} in a .table-scroll box"
    assert seen["scrollWidth"] > seen["clientWidth"], f"{path}: {table} is not wider than the phone"
    assert seen["scrolled"] > 0, f"{path}: {table}'s box does not scroll"
    assert abs(seen["lefts"][0]) <= 1, f"{path}: the pinned column left the box's edge ({seen})"
    for right, left in zip(seen["rights"], seen["lefts"][1:], strict=False):
        assert abs(left - right) <= 1, f"{path}: the pinned columns are not side by side ({seen})"
    assert seen["onTop"] and seen["opaque"], f"{path}: the scrolled columns show through the pinned one ({seen})"
    assert fits_width(page), f"{path} scrolls sideways once its table is scrolled"


@pytest.fixture
def frozen_quarter(demo_logins: dict[str, tuple[str, str]]) -> int:
    """The demo district's first quarter of this year, frozen; its snapshot's id."""
    district_id = db.session.scalar(select(District.id).where(District.name == "张湾区"))
    snapshot = freeze_quarter(today().year, 1, district_id=district_id, actor_id=None, today=today(), confirmed=True)
    db.session.commit()
    return snapshot.id


def of_home_district(query: Any) -> int:
    """The first id `query` (which reads Team) selects in the demo's home district, 张湾区."""
    found = db.session.scalar(query.join(District, Team.district_id == District.id)
                              .where(District.name == "张湾区").limit(1))
    db.session.commit()  # leave no transaction open against the live server
    return found


def test_wide_tables_scroll_in_their_box_on_a_phone(phone: Any, console_errors: list[str],
                                                   demo_logins: dict[str, tuple[str, str]],
                                                   frozen_quarter: int) -> None:
    enterprise = of_home_district(select(Project.enterprise_id).join(Project.team).order_by(Project.id))
    trip = of_home_district(select(Trip.id).join(Trip.team).order_by(Trip.id))
    phone.goto("/login")
    sign_in(phone, *demo_logins["admin"])
    ranked = (1, 2)  # a narrow rank and the name beside it
    for path, table, pinned in (
            ("/rankings/teams", "table.team-ranking", ranked),
            (f"/rankings/frozen/{frozen_quarter}", "table.team-ranking", ranked),
            ("/rankings/projects", "table.ranking-table", ranked),
            ("/rankings/districts", "table.district-ranking", ranked),
            ("/projects/", "table.project-table", (2,)),  # the name; the code before it scrolls away
            ("/projects/issues", ".table-scroll table", (1,)),
            ("/visits/", ".table-scroll table", (1,)),
            ("/trips/", ".table-scroll table", (1,)),
            (f"/trips/{trip}", ".table-scroll table", (1,)),
            ("/leads/list", ".table-scroll table", (1,)),
            ("/enterprises/", "table.enterprise-list", (1,)),
            (f"/enterprises/{enterprise}", ".table-scroll table", (1,)),
            ("/teams/", ".table-scroll table", (1,))):
        check_wide_table(phone, path, table, pinned)
    phone.context.clear_cookies()

    # 三员分立: the accounts are the security administrator's page, the audit trail the audit administrator's.
    for role, path, table in (("security", "/admin/users/", ".table-scroll table"),
                              ("auditor", "/audit/", "table.audit-trail")):
        phone.goto("/login")
        sign_in(phone, *demo_logins[role])
        check_wide_table(phone, path, table, (1,))
        check_wide_table(phone, "/account/", "table.sessions", (1,))  # everyone's own sessions
        phone.context.clear_cookies()
    assert console_errors == []


def test_a_member_and_the_city_read_wide_tables_on_a_phone(phone: Any, console_errors: list[str],
                                                          demo_logins: dict[str, tuple[str, str]]) -> None:
    phone.goto("/login")
    sign_in(phone, *demo_logins["member"])
    for path, table, pinned in (("/rankings/teams", "table.team-ranking", (1, 2)),
                                ("/projects/", "table.project-table", (2,)),
                                ("/visits/", ".table-scroll table", (1,)),
                                ("/trips/", ".table-scroll table", (1,))):
        check_wide_table(phone, path, table, pinned)
    phone.context.clear_cookies()

    phone.goto("/login")
    sign_in(phone, *demo_logins["city"])
    check_wide_table(phone, "/rankings/districts", "table.district-ranking", (1, 2))
    assert console_errors == []
