"""The 调度会 page in a real Chromium: read on a desktop, then printed for the meeting on A4 landscape with its
groups, reasons and open orders (the PDF read back)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from crm.extensions import db
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, Desktop, sign_in
from tests.plugins.office import pdf_text
from tests.test_dispatch import DAY, SINCE, days, world  # noqa: F401  (the meeting's records)

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return app_config | {"WTF_CSRF_ENABLED": True}


def test_the_meeting_prints_on_a4_landscape(desktops: Desktop, world: dict[str, Any]) -> None:  # noqa: F811
    import pdfplumber
    from playwright.sync_api import expect

    username = world["admin"].username
    db.session.commit()  # leave no transaction open against the live server
    page = desktops.open()
    page.goto("/login")
    sign_in(page, username)
    page.goto(f"/dispatch/?day={DAY.isoformat()}&since={SINCE.isoformat()}")
    expect(page.locator("tr[data-colour='red']")).to_have_count(2)
    page.emulate_media(media="print")
    pdf = pdfplumber.open(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    sheets = pdf.pages
    assert all(sheet.width > sheet.height for sheet in sheets), "not landscape"
    text = "".join("".join(pdf_text(sheet).split()) for sheet in sheets)
    for expected in ("红项目", f"开工逾期60天（计划{days(-60).isoformat()}）", "协调施工许可", "王区长", "区住建局"):
        assert expected in text, expected
    assert "查看" not in text  # the choices are not printed
    assert desktops.errors == []
