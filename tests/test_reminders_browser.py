"""A real Chromium: a member with three unread reminders sees the bell's badge on a phone and on a desktop, opens
one to land on its record, finds the badge one down, and marks the rest read."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from crm.domain.periods import today
from crm.extensions import db
from crm.models import Reminder, ReminderKind, Role
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The browser submits real forms, so CSRF protection stays on as in production."""
    return app_config | {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def reminded(make_user: Callable[..., Any], make_lead: Callable[..., Any], make_project: Callable[..., Any]) -> dict:
    """A member with three unread reminders: a lead gone quiet, a project's node, a follow-up (the newest)."""
    member = make_user(Role.MEMBER, display_name="王立")
    lead = make_lead(team=member.team, owner=member, title="储能电池项目")
    project = make_project(team=member.team, name="光伏组件项目")
    rows = [Reminder(district_id=member.district_id, user_id=member.id, kind=ReminderKind.NODE, record_type="node",
                     record_id=1, project_id=project.id, subject="光伏组件项目：开工",
                     due_on=today() - timedelta(days=2), raised_on=today() - timedelta(days=2)),
            Reminder(district_id=member.district_id, user_id=member.id, kind=ReminderKind.LEAD_IDLE,
                     record_type="lead", record_id=lead.id, subject="储能电池项目", due_on=today() - timedelta(days=1),
                     raised_on=today() - timedelta(days=1)),
            Reminder(district_id=member.district_id, user_id=member.id, kind=ReminderKind.FOLLOW_UP,
                     record_type="lead", record_id=lead.id, subject="储能电池项目：回访", due_on=today(),
                     raised_on=today())]
    db.session.add_all(rows)
    db.session.commit()
    found = {"username": member.username, "lead_id": lead.id}
    db.session.commit()  # leave no transaction open against the live server
    return found


def read_one_then_all(page: Any, username: str, lead_id: int) -> None:
    """The member's walk: the badge, the list, one reminder opened, the badge one down, the rest marked read."""
    page.goto("/")
    sign_in(page, username)
    page.wait_for_url("**/")
    bell = page.locator("#reminder-bell")
    expect(bell).to_be_visible()
    expect(bell.locator(".bell-count")).to_have_text("3")
    expect(bell).to_have_attribute("aria-label", "提醒（3 条未读）")
    with page.expect_navigation():
        bell.click()
    expect(page.locator("li.reminder")).to_have_count(3)
    expect(page.locator("li.reminder.is-unread")).to_have_count(3)
    newest = page.locator("li.reminder").first
    expect(newest.locator(".reminder-subject")).to_have_text("储能电池项目：回访")
    with page.expect_navigation():
        newest.locator(".reminder-subject").click()
    page.wait_for_url(f"**/leads/{lead_id}")
    expect(page.locator("#reminder-bell .bell-count")).to_have_text("2")
    with page.expect_navigation():
        page.locator("#reminder-bell").click()
    expect(page.locator("#reminder-bell")).to_have_attribute("aria-label", "提醒（2 条未读）")
    expect(page.locator("li.reminder.is-unread")).to_have_count(2)
    expect(page.locator("li.reminder").first).not_to_have_class("reminder is-unread")
    assert fits_width(page)
    with page.expect_navigation():
        page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator(".flash-success")).to_contain_text("已将 2 条提醒标为已读")
    expect(page.locator("#reminder-bell .bell-count")).to_have_count(0)
    expect(page.locator("#reminder-bell")).to_have_attribute("aria-label", "提醒（0 条未读）")
    expect(page.locator("li.reminder.is-unread")).to_have_count(0)


def test_a_member_reads_reminders_on_a_phone(phone: Any, console_errors: list[str], reminded: dict) -> None:
    read_one_then_all(phone, reminded["username"], reminded["lead_id"])
    assert fits_width(phone) and console_errors == []


def test_a_member_reads_reminders_on_a_desktop(desktops: Any, reminded: dict) -> None:
    page = desktops.open()
    read_one_then_all(page, reminded["username"], reminded["lead_id"])
    assert desktops.errors == []
