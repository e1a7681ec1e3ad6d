"""Date boxes: written as text boxes for YYYY-MM-DD, read in the ways a person types a date, refused in Chinese."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.domain.days import parse_day
from crm.domain.periods import today
from crm.extensions import db
from crm.models import Role, Trip
from tests.test_trips import trip_form

TEMPLATES = Path(__file__).resolve().parent.parent / "crm" / "templates"
REFUSED = "请按 YYYY-MM-DD 填写有效的日期"


def day_boxes(html: str) -> dict[str, str]:
    """Each date box of a page by name: its whole tag."""
    tags = re.findall(r"<input [^>]*data-day-input[^>]*>", html)
    return {re.search(r'name="([^"]+)"', tag).group(1): tag for tag in tags}


@pytest.mark.parametrize("typed", ["2026-04-07", "2026/4/7", "2026.04.07", "20260407", "2026年4月7日",
                                   "２０２６－０４－０７", " 2026 - 4 - 7 "])
def test_a_date_typed_as_people_type_it_is_read(client, login, make_user, typed):
    login(make_user(Role.MEMBER))
    response = client.post("/trips/new", data=trip_form(start_on=typed))
    assert response.status_code == 302
    assert db.session.scalars(select(Trip.start_on)).all() == [date(2026, 4, 7)]


@pytest.mark.parametrize("typed", ["12/02/2026", "2026-02-30", "2026-13-01", "0000-01-01", "202647", "明天",
                                   "2026-04-07T10:00", "2026-04-07" * 50])
def test_a_date_that_names_no_day_is_refused_in_chinese_without_a_write(client, login, make_user, typed):
    login(make_user(Role.MEMBER))
    response = client.post("/trips/new", data=trip_form(start_on=typed))
    assert response.status_code == 422
    assert f'id="start_on-error" class="field-error">{REFUSED}<' in response.text
    assert db.session.scalars(select(Trip)).all() == []


def test_parse_day_reads_only_real_days():
    assert parse_day("2026年12月2日") == date(2026, 12, 2)
    assert parse_day("2026/12/02") == date(2026, 12, 2)
    assert parse_day("2027-02-29") is None and parse_day("") is None and parse_day("٢٠٢٦-١٢-٠٢") is None


def test_every_date_box_is_a_text_box_in_iso(client, login, make_user, make_project):
    member = make_user(Role.MEMBER)
    project = make_project(team=member.team, signed_on=today() - timedelta(days=30))
    login(member)
    visit_form = client.get("/visits/new").text  # its DateFields are drawn as DayFields by the form macro
    boxes = day_boxes(visit_form)
    assert f'value="{today().isoformat()}"' in boxes["visited_on"] and "required" in boxes["visited_on"]
    assert 'value=""' in boxes["follow_up_on"]
    for tag in boxes.values():
        assert 'type="text"' in tag and 'placeholder="YYYY-MM-DD"' in tag and 'inputmode="numeric"' in tag

    assert {"start", "end"} <= day_boxes(client.get("/visits/").text).keys()
    assert {"start_on", "end_on"} <= day_boxes(client.get("/trips/new").text).keys()
    detail = client.get(f"/projects/{project.id}").text  # boxes the project page writes out itself
    assert {"on", "planned_start_on", "planned_on", "achieved_on", "raised_on", "due_on"} <= day_boxes(detail).keys()
    assert f'data-min="{project.signed_on.isoformat()}"' in day_boxes(detail)["planned_start_on"]
    assert 'type="date"' not in visit_form + detail


def test_no_template_writes_a_browser_date_box():
    written = [path.name for path in TEMPLATES.rglob("*.html") if re.search(r"type=[\"']?date\b", path.read_text())]
    assert written == []
