"""Paper for meetings: the dashboard and the rankings printed by Chromium to PDF, then read back with pdfplumber.

Each page is printed as the browser's 打印/导出PDF does (print media, the page's own @page size) on the demo district
with rows enough for two sheets: landscape sheets, every column's header on the first sheet and again on the
second, a page number on each, the period and the printing time, and charts drawn whole at the paper's size.
"""

import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from crm.demo.logins import DemoLogins
from crm.domain.money import YUAN_PER_YI as YI
from crm.domain.periods import today
from crm.extensions import db
from crm.models import Role
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, TIMEOUT_MS, sign_in
from tests.plugins.office import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]

DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}
MM = 72 / 25.4  # PDF points in a millimetre
PAGE_NUMBER = re.compile(r"(\d+) / (\d+)")
PRINTED_AT = re.compile(r"打印时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
CHARTS = ("monthly", "funnel", "industries", "teams", "sizes")
YEAR = today().year


@pytest.fixture
def demo(demo_output: dict[str, Any]) -> DemoLogins:
    db.session.commit()  # leave no transaction open against the live server
    return DemoLogins(**{role: (pair["username"], pair["password"]) for role, pair in demo_output["logins"].items()})


@pytest.fixture
def desktop(browser: Any, live_server: str, patient_expect: None) -> Iterator[Any]:
    """A 1280×900 desktop page whose window.print() is counted rather than opening the dialog."""
    context = browser.new_context(base_url=live_server, **DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script("window.printed = 0; window.print = () => { window.printed += 1; };")
    page = context.new_page()
    page.errors = []  # what the page reports: console errors (CSP refusals among them) and uncaught exceptions
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def printed(page: Any) -> list[Any]:
    """Print the page to PDF as Chromium's dialog does; return its sheets (pdfplumber pages)."""
    import pdfplumber

    page.emulate_media(media="print")
    pdf = pdfplumber.open(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    page.emulate_media(media="screen")
    return [sheet.filter(not_white) for sheet in pdf.pages]


def not_white(item: dict[str, Any]) -> bool:
    """Leave out white text: a chart label's white outline is printed as a text of its own, beside the label."""
    return item.get("object_type") != "char" or item.get("non_stroking_color") not in ((1.0, 1.0, 1.0), (1.0,))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def in_one_line(sheet: Any, items: list[str]) -> bool:
    """Whether one line of the sheet reads every item, in order (a table's header row, a chart's axis)."""
    wanted = "".join(squeezed(h) for h in items)
    return any(wanted in squeezed(line) for line in pdf_text(sheet).splitlines())


def check_paper(page: Any, table: str | None) -> list[Any]:
    """Click 打印/导出PDF, then print: landscape sheets, numbered, the period and printing time, headers repeated."""
    from playwright.sync_api import expect

    button = page.get_by_role("button", name="打印/导出PDF")
    button.click()
    assert page.evaluate("window.printed") == 1, "the button does not open the browser's print dialog"
    period = squeezed(page.locator("[data-print-period]").inner_text())
    headers = page.locator(f"{table} thead th").all_inner_texts() if table else []
    sheets = printed(page)
    texts = [pdf_text(sheet) for sheet in sheets]
    assert all(sheet.width > sheet.height for sheet in sheets), "the paper is not landscape"
    for n, text in enumerate(texts, start=1):
        numbers = PAGE_NUMBER.findall(text)
        assert (str(n), str(len(sheets))) in numbers, f"sheet {n} has no page number"
    assert period and period in squeezed(texts[0]), "the period is not printed"
    assert PRINTED_AT.search(texts[0]), "the printing time is not printed"
    assert "打印/导出PDF" not in "".join(texts), "the print button is printed"
    expect(button).to_be_visible()  # back on screen after printing
    assert page.errors == []
    if table:
        assert len(sheets) >= 2, "the data does not fill two sheets"
        assert len(headers) >= 9 and all(headers)
        assert in_one_line(sheets[0], headers), f"the first sheet lacks some of the columns {headers}"
        assert in_one_line(sheets[1], headers), "the header row is not repeated on the second sheet"
    return sheets


@pytest.fixture
def more_teams(demo: DemoLogins, make_team, make_project) -> None:
    """Forty more teams in the demo district, each with a 亿元 signing: two landscape sheets of either ranking."""
    for n in range(40):
        team = make_team(name=f"加印{n + 1:02d}专班")
        make_project(team=team, total_investment_yuan=(n + 2) * YI, signed_on=date(YEAR, 1, 1 + n % 28))
    db.session.commit()


def test_the_team_ranking_prints_every_column_on_landscape_sheets(desktop: Any, demo: DemoLogins,
                                                                   more_teams: None) -> None:
    desktop.goto("/login")
    sign_in(desktop, demo.admin[0], demo.admin[1])
    desktop.goto("/rankings/teams")
    check_paper(desktop, "table.team-ranking")


def test_the_project_ranking_prints_every_column_on_landscape_sheets(desktop: Any, demo: DemoLogins,
                                                                      more_teams: None) -> None:
    desktop.goto("/login")
    sign_in(desktop, demo.admin[0], demo.admin[1])
    desktop.goto("/rankings/projects")
    sheets = check_paper(desktop, "table.ranking-table")
    first = squeezed(pdf_text(sheets[0]))
    assert first.count("专班") > 10, "the first sheet holds no rows"


@pytest.fixture
def many_districts(home_district, make_district, make_team, make_project, make_enterprise) -> None:
    """Thirty-five districts, each with a team and a signing this year: a city ranking two sheets long."""
    for n in range(35):
        district = home_district if n == 0 else make_district(name=f"第{n:02d}区", code=f"D{n:02d}")
        team = make_team(name="上海专班", district_id=district.id)
        make_project(team=team, total_investment_yuan=(n + 1) * YI, signed_on=date(YEAR, 1, 2),
                     enterprise=make_enterprise(district_id=district.id, name=f"{district.code}号企业"))
    db.session.commit()


def test_the_district_ranking_prints_every_column_on_landscape_sheets(desktop: Any, account,
                                                                       many_districts: None) -> None:
    desktop.goto("/login")
    sign_in(desktop, account(Role.CITY))
    desktop.goto("/rankings/districts")
    check_paper(desktop, "table.district-ranking")


def test_the_dashboard_prints_its_charts_whole(desktop: Any, demo: DemoLogins) -> None:
    from playwright.sync_api import expect

    desktop.goto("/login")
    sign_in(desktop, demo.admin[0], demo.admin[1])
    for name in CHARTS:
        expect(desktop.locator(f'.chart[data-chart="{name}"]')).to_have_attribute("data-drawn", "true")
    monthly = desktop.request.get(f"/dashboard/data/monthly?year={YEAR}").json()["months"]
    teams = desktop.request.get(f"/dashboard/data/teams?year={YEAR}").json()["teams"]
    assert len(monthly) >= 8 and len(teams) >= 3

    sheets = check_paper(desktop, None)
    words = [word for sheet in sheets for word in sheet.extract_words()]
    months = [row["label"] for row in monthly]
    assert any(in_one_line(sheet, months) for sheet in sheets), f"the monthly chart's axis is not {months}"
    for team in teams:  # each bar of the team chart, its team and its score
        assert any(in_one_line(sheet, [team["team_name"], str(team["score"])]) for sheet in sheets), team
    right_edge = sheets[0].width - 5 * MM
    assert all(word["x1"] <= right_edge for word in words), "something is printed beyond the paper's margin"


XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def markup_names(make_team, make_project) -> Any:
    """A team and an industry named with markup, signed this year."""
    team = make_team(name=XSS)
    make_project(team=team, signed_on=date(YEAR, 1, 10), total_investment_yuan=3 * YI, industry=XSS)
    db.session.commit()
    return team


def test_paper_shows_names_as_text(desktop: Any, account, markup_names: Any) -> None:
    """The charts' drawings for paper are made from markup: a name in them is text still, never an element."""
    from playwright.sync_api import expect

    desktop.goto("/login")
    sign_in(desktop, account(Role.LEADER))
    for name in ("teams", "industries"):
        expect(desktop.locator(f'.chart[data-chart="{name}"]')).to_have_attribute("data-drawn", "true")
        paper = desktop.locator(f'.chart[data-chart="{name}"] + .chart-print svg')
        expect(paper).to_contain_text(XSS[:10])  # the team chart cuts long names short
        assert paper.locator("img, [onerror]").count() == 0
    desktop.emulate_media(media="print")
    expect(desktop.locator(".chart-print svg").first).to_be_visible()
    expect(desktop.locator(".chart canvas").first).to_be_hidden()
    assert desktop.errors == []
