"""The pipeline board in a real Chromium with the demo data: one desktop screen, every lead a click away, a phone."""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from crm.demo.logins import DemoLogins
from crm.extensions import db
from crm.leads.board import CARDS_PER_STAGE
from crm.models import Lead, LeadStage, Team, User
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, TIMEOUT_MS, fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}
ONE_SCREEN_PX = 1000  # a 900 px window and a little: the board is read without scrolling through it
# What the page states of each column, and the ids of the leads its cards link to.
COLUMNS_JS = """[...document.querySelectorAll('.stage-column')].map(column => ({
  stage: column.dataset.stage, count: Number(column.dataset.count),
  figures: column.querySelector('.stage-figures').textContent,
  cards: [...column.querySelectorAll('.lead-card .lead-title')].map(a => Number(a.pathname.split('/').pop())),
  all: column.querySelector('a.stage-all')?.getAttribute('href') ?? null}))"""
# Each card title's size against the page's text, its height against one of its lines, and its tooltip.
TITLES_JS = """(() => {
  const body = parseFloat(getComputedStyle(document.body).fontSize);
  return [...document.querySelectorAll('.lead-card .lead-title')].map(a => {
    const style = getComputedStyle(a);
    return {size: parseFloat(style.fontSize), body, height: a.clientHeight, line: parseFloat(style.lineHeight),
            text: a.textContent.trim(), tooltip: a.title};
  });
})()"""


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def demo(demo_output: dict[str, Any]) -> DemoLogins:
    """The district demo (tests/plugins/demo.py): every signed project's lead (this year's 60 and earlier years') in
    已签约, far more than in any other stage."""
    db.session.commit()  # leave no transaction open against the live server
    return DemoLogins(**{role: (pair["username"], pair["password"]) for role, pair in demo_output["logins"].items()})


@pytest.fixture
def desktop(browser: Any, live_server: str, patient_expect: None) -> Iterator[Any]:
    """A fresh 1280×900 desktop page (no cookies) on the live server."""
    context = browser.new_context(base_url=live_server, **DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def stage_leads(admin: str, team_id: int | None = None) -> dict[str, set[int]]:
    """{stage: ids of its leads} the admin's district holds (of one team, if given), straight from the database."""
    district_id = db.session.scalar(select(User.district_id).where(User.username == admin))
    query = select(Lead.stage, Lead.id).join(Team, Team.id == Lead.team_id).where(Team.district_id == district_id)
    if team_id is not None:
        query = query.where(Lead.team_id == team_id)
    found: dict[str, set[int]] = {stage.value: set() for stage in LeadStage}
    for stage, lead_id in db.session.execute(query):
        found[stage.value].add(lead_id)
    db.session.commit()
    return found


def listed_leads(page: Any, href: str) -> set[int]:
    """The ids of the leads a list shows, page after page."""
    from playwright.sync_api import expect

    page.goto(href)
    ids: set[int] = set()
    while True:
        expect(page.get_by_role("heading", level=1)).to_have_text("在谈项目列表")
        ids |= set(page.eval_on_selector_all("table tbody td:first-child a",
                                             "links => links.map(a => Number(a.pathname.split('/').pop()))"))
        following = page.locator("nav.pagination").get_by_role("link", name="下一页")
        if not following.count():
            return ids
        following.click()


def check_columns(page: Any, expected: dict[str, set[int]]) -> list[dict[str, Any]]:
    """Every column: at most the limit of cards, all of its stage, its real count, a link whenever some are left out."""
    columns = page.evaluate(COLUMNS_JS)
    assert [column["stage"] for column in columns] == [stage.value for stage in LeadStage]
    for column in columns:
        leads = expected[column["stage"]]
        assert column["count"] == len(leads), column
        assert column["figures"].startswith(f"{len(leads)} 个"), column
        assert len(column["cards"]) == min(len(leads), CARDS_PER_STAGE), column
        assert set(column["cards"]) <= leads, column
        assert (column["all"] is not None) == (len(leads) > CARDS_PER_STAGE), column
    return columns


def test_the_board_fits_one_desktop_screen_and_links_to_every_lead(desktop: Any, demo: DemoLogins) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    desktop.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    admin, password = demo.admin
    desktop.goto("/login")
    sign_in(desktop, admin, password)
    desktop.goto("/leads/")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("项目推进看板")
    assert fits_width(desktop)
    height = desktop.evaluate("document.documentElement.scrollHeight")
    assert height <= ONE_SCREEN_PX, f"the board is {height} px tall at 1280×900"

    expected = stage_leads(admin)
    signed_count = len(expected["signed"])
    assert signed_count >= 60 and max(len(ids) for stage, ids in expected.items() if stage != "signed") < signed_count
    columns = {column["stage"]: column for column in check_columns(desktop, expected)}
    for title in desktop.evaluate(TITLES_JS):
        assert title["size"] >= title["body"], title  # no smaller than the page's own text
        assert title["height"] >= title["line"] - 1, title  # at least one whole line of it shows
        assert title["tooltip"] == title["text"] and title["text"], title

    signed = desktop.locator('.stage-column[data-stage="signed"]')
    expect(signed.locator("a.stage-all")).to_have_text(f"查看全部 {signed_count} 个")
    assert listed_leads(desktop, columns["signed"]["all"]) == expected["signed"]

    # A chosen team: the board counts its leads only, and the links keep it.
    desktop.goto("/leads/")
    team_id, name = db.session.execute(
        select(Team.id, Team.name).join(Lead, Lead.team_id == Team.id).where(Lead.stage == LeadStage.SIGNED)
        .join(User, User.district_id == Team.district_id).where(User.username == admin)
        .group_by(Team.id, Team.name).order_by(func.count(Lead.id.distinct()).desc(), Team.id).limit(1)).one()
    db.session.commit()
    desktop.get_by_label("专班").select_option(label=name)
    desktop.get_by_role("button", name="查看").click()
    expect(desktop.get_by_label("专班")).to_have_value(str(team_id))
    mine = stage_leads(admin, team_id)
    assert len(mine["signed"]) > CARDS_PER_STAGE
    for column in check_columns(desktop, mine):
        if column["all"] is not None:
            assert f"team={team_id}" in column["all"] and f"stage={column['stage']}" in column["all"]
            assert listed_leads(desktop, column["all"]) == mine[column["stage"]]
    assert errors == []


def test_the_board_fits_a_phone_without_sideways_scrolling(phone: Any, console_errors: list[str],
                                                           demo: DemoLogins) -> None:
    from playwright.sync_api import expect

    admin, password = demo.admin
    phone.goto("/login")
    sign_in(phone, admin, password)
    phone.goto("/leads/")
    expect(phone.locator(".stage-column")).to_have_count(len(LeadStage))
    assert fits_width(phone), "the board scrolls sideways on a phone"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check_columns(phone, stage_leads(admin))
    signed = phone.locator('.stage-column[data-stage="signed"] a.stage-all')
    signed.scroll_into_view_if_needed()
    box = signed.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert console_errors == []
