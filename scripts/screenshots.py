"""Take screenshots of the main pages, on a desktop and on a phone, for docs/screenshots/.

It needs a server with demo data already running. In one shell:

    make run

and, once it says it is serving, in another:

    .venv/bin/python scripts/screenshots.py

It signs in with the demo's logins (those `make run` prints: the admin, the security administrator, a leader, a
member and the city) with their password alone, as `make run` lets them (FLASK_MFA_REQUIRED_ROLES='[]'), and
writes <page>-<device>.png, e.g. dashboard-desktop.png and dashboard-phone.png, for each shot in SHOTS; some show
one part of a page (the navigation, the funnel) or a state (a table scrolled sideways, a browser set to en-US).
Chromium is Debian's (/usr/bin/chromium).
"""

import argparse
import sys
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MAX_BYTES = 300_000  # keeps the repository light: a bigger shot is retaken smaller (see save)


@dataclass(frozen=True)
class Device:
    name: str
    options: dict[str, Any]


DEVICES = (
    Device("desktop", {"viewport": {"width": 1280, "height": 900}}),
    Device("phone", {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
                     "has_touch": True}),
)


@dataclass(frozen=True)
class Shot:
    """One screenshot: <name>-<device>.png of a page, as one of the demo's logins sees it."""

    name: str
    login: str  # admin, security, leader, member or city: whose demo login
    path: str  # where to go once signed in
    devices: tuple[str, ...] = ("desktop", "phone")
    part: str | None = None  # a CSS selector: only that part of the page
    locale: str = "zh-CN"  # the browser's own language, whatever the page's
    status: int = 200
    scroll: str | None = None  # a box scrolled sideways before the shot (a wide table on a phone)
    english: bool = False  # the page in English (the login's language is switched for the shot, then back)
    printed: bool = False  # the page as printed (A4, as the browser's print or its PDF gives it): its first sheet
    purpose: str = ""


SHOTS = (
    # The pages as the office sees them.
    Shot("dashboard", "admin", "/"),
    Shot("project-ranking", "admin", "/rankings/projects"),
    Shot("team-ranking", "admin", "/rankings/teams", purpose="a 19-column table: on a phone it scrolls in its box"),
    Shot("team-ranking-scrolled", "admin", "/rankings/teams", devices=("phone",), scroll=".table-scroll",
         purpose="scrolled sideways, its first column stays"),
    Shot("projects", "admin", "/projects/"),
    Shot("enterprises", "admin", "/enterprises/"),
    Shot("teams", "admin", "/teams/"),
    Shot("users", "security", "/admin/users/"),  # accounts are the security administrator's (三员分立)
    Shot("navigation", "admin", "/", devices=("desktop",), part="header.site-header",
         purpose="on a desktop the menu is shown, not folded behind 菜单"),
    Shot("funnel", "admin", "/", devices=("desktop",), part="figure.chart-box:has(#chart-funnel)",
         purpose="the pipeline funnel and what it counts"),
    Shot("year-on-year", "admin", "/", devices=("desktop",), part=".cards",
         purpose="every card's 同比 against last year's same period"),
    Shot("board", "admin", "/leads/", devices=("desktop",), purpose="the pipeline board fits one screen"),
    Shot("project", "admin", "/projects/1",
         purpose="the demo's flagship project: amounts in one format, empty parts folded on a phone"),
    Shot("project-service-items", "admin", "/projects/1", devices=("desktop",), part="#service-items",
         purpose="its 代办事项 done in the real order, after its verification"),
    # A leader heading a trip, and the office, log visits for a team they choose.
    Shot("visit-form-leader", "leader", "/visits/new", devices=("phone",)),
    # A team member on the road.
    Shot("visit-form", "member", "/visits/new", devices=("phone",)),
    Shot("visit-form-en-us", "member", "/visits/new", devices=("phone",), locale="en-US",
         purpose="a phone set to American English still reads and types 2026-12-02"),
    Shot("leads", "member", "/leads/", devices=("phone",)),
    Shot("follow-ups", "member", "/visits/follow-ups", devices=("phone",)),
    Shot("analysis", "admin", "/analysis/?rows=industry&cols=quarter&measure=investment",
         purpose="多维分析: investment by industry and quarter, totals both ways, a chart of the largest rows"),
    Shot("analysis-city", "city", "/analysis/?rows=district&cols=month&measure=signed", devices=("desktop",),
         purpose="the city's districts by month"),
    Shot("report-page", "leader", "/reports/monthly", devices=("desktop",),
         purpose="the 月报's page: the period chosen, its headline figures, the .docx to download"),
    Shot("reminders", "member", "/reminders/", devices=("phone", "desktop"),
         purpose="the bell's unread count beside the brand, and the list: each kind, subject, due day, 逾期 N 天"),
    # The city's (市招商局) view: its districts side by side for the first quarter, and what it may not do.
    Shot("district-ranking", "city", "/rankings/districts?quarter=1"),
    Shot("visit-refused-city", "city", "/visits/new", devices=("phone",), status=403,
         purpose="the city is told why it logs no visits"),
    # What leadership reads on paper: each page's first A4 sheet as printed (or saved as PDF by 打印/导出PDF).
    Shot("dashboard-printed", "admin", "/", devices=("desktop",), printed=True,
         purpose="landscape, the cards four to a row, every chart whole"),
    Shot("team-ranking-printed", "admin", "/rankings/teams", devices=("desktop",), printed=True,
         purpose="every column on a landscape sheet, the period and the printing time at the top"),
    Shot("project-ranking-printed", "admin", "/rankings/projects", devices=("desktop",), printed=True),
    Shot("district-ranking-printed", "city", "/rankings/districts?quarter=1", devices=("desktop",), printed=True),
    # Reading on a phone: the score breakdown whole, the list of visits with its labelled filters.
    Shot("team-breakdown", "admin", "/rankings/teams/1", devices=("phone",),
         purpose="权重 and 得分 in view without scrolling"),
    Shot("visits", "admin", "/visits/", devices=("phone",),
         purpose="each filter under its label; each enterprise a link, its name whole"),
    # Driving projects: the 调度会 on paper, a project's path with its colours, the 督办台账.
    Shot("dispatch", "admin", "/dispatch/", purpose="red and yellow projects by 首席服务官, open 督办, what changed"),
    Shot("dispatch-printed", "admin", "/dispatch/", devices=("desktop",), printed=True,
         purpose="the meeting's paper: A4 landscape"),
    Shot("project-path", "admin", "/projects/1", devices=("desktop",), part="#path",
         purpose="the flagship's path after signing, each node's colour and the project's reason"),
    Shot("supervision", "admin", "/projects/supervision", devices=("desktop",)),
    Shot("dashboard-en", "admin", "/", devices=("desktop",), locale="en-US", english=True,
         purpose="in English, amounts in millions (57,200M yuan), never 亿"),
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:5000", help="where the app is served")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs")
    parser.add_argument("--username", dest="admin", default="admin", help="an admin's username (the demo admin's)")
    parser.add_argument("--password", default="magnet-demo-2026", help="the password of every login named here")
    parser.add_argument("--security", default="security", help="the security administrator's username (the demo's)")
    parser.add_argument("--leader", default="leader05", help="a district leader's username (the demo leader's)")
    parser.add_argument("--member", default="sh-member1", help="a team member's username (the demo member's)")
    parser.add_argument("--city", default="city", help="a city user's username (the demo city's)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="retake only these shots (e.g. reminders analysis)")
    return parser.parse_args(argv)


def save(page: Page, path: Path) -> None:
    """Screenshot the whole page; if the PNG is too big, retake it smaller, then only its top."""
    viewport = page.viewport_size or {"width": 1280, "height": 900}
    height = page.evaluate("document.documentElement.scrollHeight")
    scales = ("device", "css") if page.evaluate("window.devicePixelRatio") > 1 else ("device",)
    # In order of preference: the whole page sharp, at one pixel per CSS pixel, then only its top
    # screens (a long list is shown well enough by its first rows).
    tops = [None] + [n * viewport["height"] for n in (2, 1) if n * viewport["height"] < height]
    for top, scale in product(tops, scales):
        clip = {"clip": {"x": 0, "y": 0, "width": viewport["width"], "height": top}} if top else {}
        page.screenshot(path=path, full_page=True, scale=scale, **clip)
        if path.stat().st_size <= MAX_BYTES:
            break
    shown = f"top {top} of {height} px" if top else "whole page"
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"{name}  {path.stat().st_size // 1024} KB  ({shown}, {scale} scale)")


def save_printed(page: Page, path: Path) -> None:
    """The page printed as Chromium prints it (print media, its CSS page size), first sheet rendered to a PNG."""
    import io

    import pdfplumber  # renders with pypdfium2; a test dependency (pip install -e '.[dev]')

    page.emulate_media(media="print")
    pdf = pdfplumber.open(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    page.emulate_media(media="screen")
    pdf.pages[0].to_image(resolution=110).save(path)
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"{name}  {path.stat().st_size // 1024} KB  (sheet 1 of {len(pdf.pages)}, A4 as printed)")


def switch_language(page: Page, name: str) -> None:
    """Switch the signed-in login's language with the menu's button (English or 中文)."""
    page.locator("details.menu").evaluate("(menu) => { menu.open = true; }")
    page.get_by_role("button", name=name, exact=True).first.click()
    page.wait_for_load_state()


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the form, failing loudly if the server refuses."""
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/login/code" in page.url or "/account/second-factor" in page.url:
        sys.exit(f"{username!r} must sign in with a second factor: serve the demo as `make run` does "
                 "(FLASK_MFA_REQUIRED_ROLES='[]')")
    if "/login" in page.url:
        sys.exit(f"signing in as {username!r} failed: is the demo data loaded (flask --app crm demo)?")


def shoot(browser: Any, device: Device, args: argparse.Namespace, login: str, locale: str,
          shots: list[Shot], with_sign_in: bool) -> None:
    """Take the shots of one login on one device, in a fresh session."""
    context = browser.new_context(base_url=args.base_url, locale=locale, **device.options)
    try:
        page = context.new_page()
        page.goto("/login")
        if with_sign_in:
            save(page, args.out / f"signin-{device.name}.png")
        sign_in(page, getattr(args, login), args.password)
        for shot in shots:
            if shot.english:
                switch_language(page, "English")
            response = page.goto(shot.path)
            if response is None or response.status != shot.status:
                sys.exit(f"{shot.path} answered {response and response.status}, not {shot.status}")
            page.wait_for_load_state("networkidle")  # the dashboard's charts load their data after the page
            page.wait_for_timeout(500)  # and animate in
            if shot.scroll:
                page.locator(shot.scroll).first.evaluate("(box) => { box.scrollLeft = 300; }")
            path = args.out / f"{shot.name}-{device.name}.png"
            if shot.printed:
                save_printed(page, args.out / f"{shot.name}.png")
            elif shot.part:
                page.locator(shot.part).first.screenshot(path=path)
                print(f"{path.name}  {path.stat().st_size // 1024} KB  ({shot.part})")
            else:
                save(page, path)
            if shot.purpose:
                print(f"    {shot.purpose}")
            if shot.english:
                switch_language(page, "中文")
    finally:
        context.close()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    sessions: dict[tuple[str, str, str], list[Shot]] = {}
    chosen = [shot for shot in SHOTS if not args.only or shot.name in args.only]
    for shot in chosen:  # one session per login, device and browser language, in the order first named
        for device in shot.devices:
            sessions.setdefault((shot.login, device, shot.locale), []).append(shot)
    devices = {device.name: device for device in DEVICES}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for (login, device, locale), shots in sessions.items():
                shoot(browser, devices[device], args, login, locale, shots,
                      with_sign_in=login == "admin" and locale == "zh-CN" and not args.only)
        except PlaywrightError as error:
            sys.exit(f"is the app running at {args.base_url}? {error.message.splitlines()[0]}")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
