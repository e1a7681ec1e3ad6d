"""A real Chromium at 390 px, the city (市招商局) on the lists it reads: each says whose records it shows in a 区县
column, and the column does not push the page wider than the phone."""

from typing import Any

import pytest
from playwright.sync_api import expect

from crm.extensions import db
from tests import test_wall
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, fits_width, sign_in
from tests.test_wall import Walled

districts = test_wall.districts  # the fixture: three districts, each with a record of every kind naming its marker

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]

LISTS = ["/visits/", "/leads/list", "/projects/", "/trips/", "/enterprises/", "/projects/issues",
         "/rankings/projects", "/teams/"]


def test_the_district_column_fits_a_phone(phone: Any, console_errors: list[str], districts: list[Walled]) -> None:
    city = districts[0].world.city.username
    db.session.commit()  # reading the fixture began a transaction: leave none open against the live server
    phone.goto(LISTS[0])
    sign_in(phone, city)
    narrow = []
    for url in LISTS:
        phone.goto(url)
        expect(phone.locator("th", has_text="区县").first).to_be_attached()
        expect(phone.locator("td", has_text="WB区").first).to_be_attached()
        if not fits_width(phone):
            narrow.append(url)
    assert narrow == [] and console_errors == []
