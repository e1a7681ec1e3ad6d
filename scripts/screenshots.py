"""Take screenshots of the main pages, on a desktop and on a phone, for docs/screenshots/.

It needs a server with demo data already running. In one shell:

    make run

and, once it says it is serving, in another:

    .venv/bin/python scripts/screenshots.py

It signs in as the demo admin (the logins `make run` prints) and writes <page>-<device>.png,
e.g. dashboard-desktop.png and dashboard-phone.png. Chromium is Debian's (/usr/bin/chromium).
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
# (file name, path) of the pages shown after signing in; the sign-in page is taken before.
PAGES = (("dashboard", "/"), ("project-ranking", "/rankings/projects"), ("team-ranking", "/rankings/teams"),
         ("projects", "/projects/"), ("enterprises", "/enterprises/"), ("teams", "/teams/"), ("users", "/admin/users/"))
# Pages a team member uses on the road, taken signed in as the demo member.
MEMBER_PAGES = (("visit-form", "/visits/new"), ("leads", "/leads/"), ("follow-ups", "/visits/follow-ups"))
# The city's (市招商局) view: its districts side by side for the first quarter.
CITY_PAGES = (("district-ranking", "/rankings/districts?quarter=1"),)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:5000", help="where the app is served")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs")
    parser.add_argument("--username", default="admin", help="an admin's username (the demo admin's by default)")
    parser.add_argument("--password", default="magnet-demo-2026", help="that admin's password")
    parser.add_argument("--member", default="sh-member1", help="a team member's username (the demo member's)")
    parser.add_argument("--city", default="city", help="a city user's username (the demo city's)")
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


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the form, failing loudly if the server refuses."""
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/login" in page.url:
        sys.exit(f"signing in as {username!r} failed: is the demo data loaded (flask --app crm demo)?")


def shoot(browser: Any, device: Device, args: argparse.Namespace, username: str,
          pages: tuple[tuple[str, str], ...], with_sign_in: bool) -> None:
    """Take the pages on one device, in a fresh session."""
    context = browser.new_context(base_url=args.base_url, locale="zh-CN", **device.options)
    try:
        page = context.new_page()
        page.goto("/login")
        if with_sign_in:
            save(page, args.out / f"signin-{device.name}.png")
        sign_in(page, username, args.password)
        for name, path in pages:
            response = page.goto(path)
            if response is None or not response.ok:
                sys.exit(f"{path} answered {response and response.status}")
            page.wait_for_load_state("networkidle")  # the dashboard's charts load their data after the page
            page.wait_for_timeout(500)  # and animate in
            save(page, args.out / f"{name}-{device.name}.png")
    finally:
        context.close()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for device in DEVICES:
                shoot(browser, device, args, args.username, PAGES, with_sign_in=True)
            shoot(browser, DEVICES[-1], args, args.member, MEMBER_PAGES, with_sign_in=False)
            for device in DEVICES:
                shoot(browser, device, args, args.city, CITY_PAGES, with_sign_in=False)
        except PlaywrightError as error:
            sys.exit(f"is the app running at {args.base_url}? {error.message.splitlines()[0]}")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
