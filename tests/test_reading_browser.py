"""What a person reads, measured in a real Chromium on the demo district: every filter's label sits over (or
beside) its own box, a date never breaks at its hyphens, a placeholder is never cut, a phone shows a team's score
breakdown whole, names the industry ring's slices and links 拜访记录's enterprise names, and the visit form marks
企业 as required."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from crm.models import Project, Team
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, Desktop, open_menu, sign_in
from tests.test_layout_browser import of_home_district

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}

# Each <label for> of a filter form against its box: "above" (same left edge, just over it) or "beside" (same
# middle, just left of it). Folded filters (<details>) are opened first.
LABELS = """() => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  return [...document.querySelectorAll('form[method="get"] label[for]')].flatMap((label) => {
    const control = document.getElementById(label.htmlFor);
    if (!control || control.type === 'hidden' || !control.checkVisibility()) return [];
    const l = label.getBoundingClientRect();
    const c = (control.closest('.day-input') || control).getBoundingClientRect();
    const above = Math.abs(l.left - c.left) <= 2 && c.top - l.bottom >= -1 && c.top - l.bottom <= 16;
    const beside = Math.abs((l.top + l.bottom) / 2 - (c.top + c.bottom) / 2) <= 6 && c.left >= l.right
      && c.left - l.right <= 32;
    return above || beside ? [] : [`${label.htmlFor}: label at ${l.left},${l.top}, box at ${c.left},${c.top}`];
  });
}"""

# Every YYYY-MM-DD on the page whose characters do not all stand on one line.
BROKEN_DATES = r"""() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.checkVisibility()) continue;
    for (const match of node.data.matchAll(/\d{4}-\d{2}-\d{2}/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (lines.size > 1) broken.push(`${match[0]} in <${node.parentElement.localName}>`);
    }
  }
  return broken;
}"""

# The shown boxes whose placeholder is wider than the room inside them (a cut "YYYY-MM-DI").
CUT_PLACEHOLDERS = """() => {
  const context = document.createElement('canvas').getContext('2d');
  return [...document.querySelectorAll('input[placeholder]')].filter((i) => i.checkVisibility()).flatMap((input) => {
    const style = getComputedStyle(input);
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const need = context.measureText(input.placeholder).width;
    return need > room + 0.5 ? [`${input.name}: "${input.placeholder}" needs ${need} px, has ${room}`] : [];
  });
}"""

FILTERED = ("/", "/projects/", "/projects/issues", "/leads/", "/leads/list", "/visits/", "/trips/", "/enterprises/",
            "/rankings/teams", "/rankings/projects")


def home_team_and_project() -> tuple[int, int]:
    """A team of the demo's home district, and its verified flagship (whose page prints who verified it, when)."""
    team = of_home_district(select(Team.id).order_by(Team.id))
    project = of_home_district(select(Project.id).join(Project.team).where(Project.verified_at.is_not(None))
                               .order_by(Project.id))
    return team, project


def test_every_filter_label_is_at_its_own_box_on_a_desktop(desktops: Desktop,
                                                           demo_logins: dict[str, tuple[str, str]]) -> None:
    page = desktops.open()
    page.goto("/login")
    sign_in(page, *demo_logins["admin"])
    for path in FILTERED:
        assert page.goto(path).status == 200, path
        page.wait_for_load_state("load")  # measured once the stylesheets are in
        assert page.evaluate(LABELS) == [], path
        assert page.evaluate(CUT_PLACEHOLDERS) == [], path
    assert desktops.errors == []


def test_a_phone_reads_dates_placeholders_and_the_score_breakdown_whole(
        phone: Any, console_errors: list[str], demo_logins: dict[str, tuple[str, str]]) -> None:
    from playwright.sync_api import expect

    team, project = home_team_and_project()
    phone.goto("/login")
    sign_in(phone, *demo_logins["admin"])
    for path in (*FILTERED, f"/projects/{project}", f"/rankings/teams/{team}", "/visits/follow-ups", "/visits/new"):
        assert phone.goto(path).status == 200, path
        phone.wait_for_load_state("load")
        assert phone.evaluate(BROKEN_DATES) == [], path
        assert phone.evaluate(CUT_PLACEHOLDERS) == [], path
        assert phone.evaluate(LABELS) == [], path

    # The score breakdown and the targets fit the phone: nothing to scroll to reach 权重 and 得分, in either language.
    for language, lang in (("中文", "zh-CN"), ("English", "en")):
        if language == "English":
            open_menu(phone).get_by_role("button", name="English").click()
        phone.goto(f"/rankings/teams/{team}")
        expect(phone.locator("html")).to_have_attribute("lang", lang)
        for table in ("table.breakdown", "table.completion-table"):
            box = phone.locator(table).locator("xpath=ancestor::div[contains(@class, 'table-scroll')]")
            assert box.evaluate("(b) => b.scrollWidth <= b.clientWidth"), f"{table} scrolls ({language})"
        score = phone.locator("table.breakdown tbody tr").first.locator("td.points")
        assert score.evaluate("(c) => c.getBoundingClientRect().right <= window.innerWidth"), language
    assert console_errors == []


def test_a_phone_names_the_rings_slices_and_links_each_visits_enterprise(
        phone: Any, console_errors: list[str], demo_logins: dict[str, tuple[str, str]], desktops: Desktop) -> None:
    from playwright.sync_api import expect

    phone.goto("/login")
    sign_in(phone, *demo_logins["admin"])
    phone.goto("/")
    ring = phone.locator('.chart[data-chart="industries"]')
    expect(ring).to_have_attribute("data-drawn", "true")
    names = phone.evaluate("""async () => {
      const r = await fetch(document.querySelector('.chart[data-chart="industries"]').dataset.url);
      return (await r.json()).industries.map((row) => row.industry);
    }""")
    key = phone.locator(".chart-box:has(#chart-industries) .chart-key")
    expect(key.locator(".key-name")).to_have_text(names)  # every slice, in the ring's order
    for item in key.locator(".key-name").all():
        assert item.evaluate("(n) => n.getBoundingClientRect().right <= window.innerWidth")
    expect(key.locator(".key-figures").first).to_contain_text("亿元")

    # 拜访记录: each row's enterprise is a link to the visit, its name whole (wrapped, never cut); the date boxes
    # are labelled.
    phone.goto("/visits/")
    expect(phone.get_by_text("从", exact=True)).to_be_visible()
    expect(phone.get_by_text("到", exact=True)).to_be_visible()
    first = phone.locator(".visit-list tbody tr").first
    link = first.locator("td.visit-enterprise a")
    expect(link).to_have_attribute("href", first.locator("td.day a").get_attribute("href"))
    assert link.evaluate("(a) => a.closest('td').scrollWidth <= a.closest('td').clientWidth")

    # The visit form marks 企业 as required, like 拜访日期.
    phone.context.clear_cookies()
    phone.goto("/login")
    sign_in(phone, *demo_logins["member"])
    phone.goto("/visits/new")
    for name in ("企业", "拜访日期"):
        label = phone.locator("label", has_text=name).first
        expect(label.locator(".required")).to_have_text("*")

    # On a desktop the ring names its slices itself: no key.
    page = desktops.open()
    page.goto("/login")
    sign_in(page, *demo_logins["admin"])
    page.goto("/")
    expect(page.locator('.chart[data-chart="industries"]')).to_have_attribute("data-drawn", "true")
    expect(page.locator(".chart-key")).to_have_count(0)
    assert console_errors == [] and desktops.errors == []
