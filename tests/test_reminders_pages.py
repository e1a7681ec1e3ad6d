"""The reminders as people meet them: the bell's number, their list, opening and reading them, their own settings,
and the district's rules and group robots (the office's)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from crm.domain.periods import today
from crm.extensions import db
from crm.models import (
    DistrictWebhook,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderRule,
    Role,
    User,
    WebhookKind,
)

KINDS = list(ReminderKind)


@pytest.fixture
def remind() -> Callable[..., Reminder]:
    """Raise a reminder for a person directly, as the daily run would."""
    counter = iter(range(1, 10_000))

    def make(user: User, **fields: Any) -> Reminder:
        n = next(counter)
        record = fields.pop("record", None)
        if record is not None:
            fields.setdefault("record_type", type(record).__name__.lower())
            fields.setdefault("record_id", record.id)
            if fields["record_type"] == "project":
                fields.setdefault("project_id", record.id)
        reminder = Reminder(**({"district_id": user.district_id, "user_id": user.id, "kind": ReminderKind.FOLLOW_UP,
                                "record_type": "lead", "record_id": 10_000 + n, "subject": f"提醒事项{n}",
                                "due_on": today(), "raised_on": today()} | fields))
        db.session.add(reminder)
        db.session.commit()
        return reminder
    return make


def bell(html: str) -> str | None:
    """The bell's screen-reader label, or None when the page has no bell."""
    found = re.search(r'id="reminder-bell"[^>]*aria-label="([^"]*)"', html, re.S)
    return found.group(1) if found else None


def badge(html: str) -> str | None:
    found = re.search(r'<span class="bell-count"[^>]*>([^<]*)</span>', html)
    return found.group(1) if found else None


def opened(html: str) -> str:
    return re.search(r'id="opened" name="opened" type="hidden" value="([0-9a-f]*)"', html).group(1)


def listed(html: str) -> list[str]:
    return re.findall(r'class="reminder-subject" href="[^"]*">([^<]*)</a>', html)


# ---------------------------------------------------------------- the bell

def test_the_bell_shows_the_unread_count_on_the_dashboard(client, login, member, remind):
    for _ in range(3):
        remind(member)
    remind(member, read_at=today_utc())
    login(member)
    html = client.get("/").text
    assert bell(html) == "提醒（3 条未读）" and badge(html) == "3"
    assert 'href="/reminders/"' in html


def test_no_unread_no_badge_and_the_label_says_none(client, login, member):
    login(member)
    html = client.get("/").text
    assert bell(html) == "提醒（0 条未读）" and badge(html) is None


@pytest.mark.parametrize("role", [Role.CITY, Role.SECURITY, Role.AUDITOR])
def test_those_without_reminders_have_no_bell(client, login, make_user, role):
    login(make_user(role))
    page = client.get("/", follow_redirects=True)
    assert page.status_code == 200 and bell(page.text) is None and "reminder-bell" not in page.text


def test_the_bell_leaves_out_the_kinds_not_wanted_in_the_app(client, login, member, remind):
    remind(member, kind=ReminderKind.NODE, subject="节点提醒")
    remind(member, kind=ReminderKind.ISSUE, subject="诉求提醒")
    db.session.add(ReminderPreference(district_id=member.district_id, user_id=member.id, kind=ReminderKind.NODE,
                                      in_app=False, by_email=True))
    db.session.commit()
    login(member)
    assert bell(client.get("/").text) == "提醒（1 条未读）"
    assert listed(client.get("/reminders/").text) == ["诉求提醒"]


def test_the_bell_counts_with_one_query(client, login, member, remind):
    from sqlalchemy import event

    login(member)

    def statements() -> list[str]:
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            client.get("/")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return [s for s in seen if "reminder" in s.lower()]

    assert len(statements()) == 1
    for _ in range(4):
        remind(member)
    assert len(statements()) == 1


# ---------------------------------------------------------------- the list

def today_utc():
    from crm.models.types import now_utc
    return now_utc()


def test_the_list_shows_each_reminder_newest_first_with_its_lateness(client, login, member, make_user, remind):
    remind(member, subject="早先的提醒", raised_on=today() - timedelta(days=5), due_on=today() - timedelta(days=4),
           kind=ReminderKind.LEAD_IDLE)
    remind(member, subject="今天的提醒", due_on=today() + timedelta(days=3), kind=ReminderKind.SUPERVISION)
    lead = make_user(Role.LEAD, team=member.team, display_name="赵组长")
    remind(member, subject="上报的提醒", level=1, kind=ReminderKind.SERVICE_ITEM, record_type="service_item",
           record_id=77, raised_on=today() - timedelta(days=1))
    remind(lead, subject="上报的提醒", level=0, kind=ReminderKind.SERVICE_ITEM, record_type="service_item",
           record_id=77)
    login(member)
    html = client.get("/reminders/").text
    assert listed(html) == ["今天的提醒", "上报的提醒", "早先的提醒"]
    item = html[html.index("早先的提醒") - 800:html.index("早先的提醒") + 400]
    assert "在谈线索久未拜访" in item and "逾期 4 天" in item
    today_item = html[html.index("今天的提醒") - 800:html.index("今天的提醒") + 400]
    assert "督办临近或逾期" in today_item and not re.search(r"逾期 \d+ 天", today_item)
    escalated = html[html.index("上报的提醒") - 800:html.index("上报的提醒")]
    assert "（上报）" in escalated and "赵组长的提醒" in escalated


def test_the_filters_unread_kind_and_unread_first(client, login, member, remind):
    remind(member, subject="已读旧", read_at=today_utc(), raised_on=today())
    remind(member, subject="未读旧", raised_on=today() - timedelta(days=2), kind=ReminderKind.NODE)
    remind(member, subject="已读新", read_at=today_utc(), raised_on=today(), kind=ReminderKind.NODE)
    login(member)
    assert listed(client.get("/reminders/?unread=y").text) == ["未读旧"]
    assert listed(client.get("/reminders/?kind=node").text) == ["已读新", "未读旧"]
    assert listed(client.get("/reminders/?unread_first=y").text)[0] == "未读旧"
    for hostile in ("kind=nope", "kind=%20", "unread=maybe", "page=-3", "page=99999999999"):
        assert client.get(f"/reminders/?{hostile}").status_code == 200


def test_the_list_is_paginated(client, login, member, remind):
    for n in range(55):
        remind(member, subject=f"第{n:02d}条", raised_on=today() - timedelta(days=n))
    login(member)
    first, second = client.get("/reminders/").text, client.get("/reminders/?page=2").text
    assert len(listed(first)) == 50 and listed(first)[0] == "第00条"
    assert listed(second) == [f"第{n:02d}条" for n in range(50, 55)]


def test_opening_marks_read_and_goes_to_the_record(client, login, member, make_lead, make_project, remind):
    lead = make_lead(team=member.team, owner=member)
    project = make_project(team=member.team)
    on_lead = remind(member, record=lead, kind=ReminderKind.LEAD_IDLE)
    on_node = remind(member, kind=ReminderKind.NODE, record_type="node", record_id=5, project_id=project.id)
    login(member)
    response = client.get(f"/reminders/{on_lead.id}/open")
    assert response.status_code == 302 and response.location == f"/leads/{lead.id}"
    response = client.get(f"/reminders/{on_node.id}/open")
    assert response.location == f"/projects/{project.id}#path"
    assert all(db.session.get(Reminder, r.id).read_at is not None for r in (on_lead, on_node))
    assert client.get(response.location.split("#")[0]).status_code == 200
    assert bell(client.get("/").text) == "提醒（0 条未读）"


def test_marking_one_and_all_read(client, login, member, remind):
    one, two, three = remind(member), remind(member), remind(member)
    login(member)
    response = client.post(f"/reminders/{one.id}/read?kind=follow_up")
    assert response.status_code == 302 and response.location == "/reminders/?kind=follow_up"
    assert db.session.get(Reminder, one.id).read_at is not None and db.session.get(Reminder, two.id).read_at is None
    assert bell(client.get("/").text) == "提醒（2 条未读）"
    response = client.post("/reminders/read-all", follow_redirects=True)
    assert "已将 2 条提醒标为已读" in response.text
    assert db.session.scalar(select(func.count()).where(Reminder.read_at.is_(None))) == 0
    assert db.session.get(Reminder, three.id).read_at is not None


def test_another_persons_reminder_is_not_found(client, login, member, make_user, remind):
    other = make_user(Role.MEMBER, team=member.team)
    theirs = remind(other, subject="别人的提醒")
    mine = remind(member, subject="自己的提醒")
    login(member)
    assert client.get(f"/reminders/{theirs.id}/open").status_code == 404
    assert client.post(f"/reminders/{theirs.id}/read").status_code == 404
    assert client.get("/reminders/999999/open").status_code == 404
    client.post("/reminders/read-all")
    assert db.session.get(Reminder, theirs.id).read_at is None and db.session.get(Reminder, mine.id).read_at is not None
    assert "别人的提醒" not in client.get("/reminders/").text


def test_another_districts_reminders_are_never_shown(client, login, member, make_district, make_user, remind):
    elsewhere = make_district()
    stranger = make_user(Role.MEMBER, team=None, district_id=elsewhere.id)
    theirs = remind(stranger, subject="墙外的提醒")
    # a row that names our member but is held by the other district: the wall keeps it out all the same
    misfiled = remind(member, subject="墙外的误记", district_id=elsewhere.id)
    remind(member, subject="墙内的提醒")
    login(member)
    html = client.get("/reminders/").text
    assert listed(html) == ["墙内的提醒"] and bell(client.get("/").text) == "提醒（1 条未读）"
    for reminder in (theirs, misfiled):
        assert client.get(f"/reminders/{reminder.id}/open").status_code == 404
    client.post("/reminders/read-all")
    assert db.session.get(Reminder, misfiled.id).read_at is None


# ---------------------------------------------------------------- a person's settings

def settings_data(html: str, **fields: Any) -> dict[str, Any]:
    data = {"email": "", "opened": opened(html)}
    data |= {f"{kind.value}_{channel}": "y" for kind in KINDS for channel in ("in_app", "by_email")}
    return data | fields


def test_settings_are_saved_a_row_per_kind(client, login, member):
    login(member)
    page = client.get("/reminders/settings")
    assert page.status_code == 200 and "每周汇总" not in page.text  # a member is mailed daily
    assert page.text.count('type="checkbox"') == 3 * len(KINDS)
    data = settings_data(page.text, email=" wang.li@zhangwan.gov.cn ", weekly_digest="y")
    del data["node_in_app"]
    data["supervision_by_webhook"] = "y"
    response = client.post("/reminders/settings", data=data)
    assert response.status_code == 302 and response.location == "/reminders/settings"
    user = db.session.get(User, member.id)
    assert user.email == "wang.li@zhangwan.gov.cn" and user.weekly_digest is False
    rows = {row.kind: row for row in db.session.scalars(select(ReminderPreference)
                                                         .where(ReminderPreference.user_id == member.id))}
    assert set(rows) == set(KINDS)
    assert rows[ReminderKind.NODE].in_app is False and rows[ReminderKind.NODE].by_email is True
    assert rows[ReminderKind.SUPERVISION].by_webhook is True and rows[ReminderKind.ISSUE].by_webhook is False
    html = client.get("/reminders/settings").text
    assert 'value="wang.li@zhangwan.gov.cn"' in html
    assert re.search(r'id="node_in_app" name="node_in_app" type="checkbox" value="y"\s*>', html)
    assert re.search(r'id="node_by_email" name="node_by_email" type="checkbox" value="y" checked', html) or \
        re.search(r'checked id="node_by_email"', html)


def test_a_leader_may_choose_the_weekly_digest(client, login, make_user):
    leader = make_user(Role.LEADER)
    login(leader)
    page = client.get("/reminders/settings").text
    assert "每周汇总" in page
    assert client.post("/reminders/settings", data=settings_data(page, weekly_digest="y")).status_code == 302
    assert db.session.get(User, leader.id).weekly_digest is True


@pytest.mark.parametrize("email", ["wang", "wang@", "wang@zhangwan", "王立@政府.cn", "a b@c.cn", "x" * 250 + "@a.cn"])
def test_a_bad_email_is_refused_and_nothing_saved(client, login, member, email):
    login(member)
    page = client.get("/reminders/settings").text
    response = client.post("/reminders/settings", data=settings_data(page, email=email, node_in_app=""))
    assert response.status_code == 422
    assert "电子邮箱" in response.text
    assert db.session.get(User, member.id).email is None
    assert db.session.scalar(select(func.count(ReminderPreference.id))) == 0


def test_settings_changed_since_the_form_was_opened_are_not_overwritten(client, login, member):
    login(member)
    page = client.get("/reminders/settings").text
    assert client.post("/reminders/settings", data=settings_data(page, email="a@zhangwan.gov.cn")).status_code == 302
    response = client.post("/reminders/settings", data=settings_data(page, email="b@zhangwan.gov.cn"))
    assert response.status_code == 409 and "已被他人修改" in response.text
    assert db.session.get(User, member.id).email == "a@zhangwan.gov.cn"
    again = client.post("/reminders/settings", data=settings_data(response.text, email="b@zhangwan.gov.cn"))
    assert again.status_code == 302 and db.session.get(User, member.id).email == "b@zhangwan.gov.cn"


# ---------------------------------------------------------------- the district's rules and robots

@pytest.mark.parametrize("role", [Role.LEADER, Role.LEAD, Role.MEMBER, Role.CITY])
def test_the_rules_are_the_offices(client, login, make_user, role):
    login(make_user(role))
    assert client.get("/reminders/rules").status_code == 403
    assert client.post("/reminders/rules", data={"lead_idle_days": "1"}).status_code == 403
    assert db.session.scalar(select(func.count(ReminderRule.id))) == 0


@pytest.mark.parametrize("role", [Role.CITY, Role.SECURITY])
def test_the_city_and_duty_holders_keep_no_reminders(client, login, make_user, role):
    login(make_user(role))
    for path in ("/reminders/", "/reminders/settings"):
        assert client.get(path).status_code == 403


def rules_data(html: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"opened": opened(html), "wecom_url": "", "dingtalk_url": "", "dingtalk_secret": ""}
    for kind in KINDS:
        days = re.search(rf'id="{kind.value}_days"[^>]*value="(\d+)"', html) or \
            re.search(rf'value="(\d+)"[^>]*id="{kind.value}_days"', html)
        escalate = re.search(rf'id="{kind.value}_escalate"[^>]*value="(\d+)"', html)
        data |= {f"{kind.value}_enabled": "y", f"{kind.value}_days": days.group(1),
                 f"{kind.value}_escalate": escalate.group(1)}
    return data | fields


def test_the_office_sets_each_kinds_days(client, login, admin):
    login(admin)
    page = client.get("/reminders/rules")
    assert page.status_code == 200 and "多少天未拜访" in page.text  # what N means, beside it
    data = rules_data(page.text, lead_idle_days="21", lead_idle_escalate="5")
    del data["verification_enabled"]
    assert client.post("/reminders/rules", data=data).status_code == 302
    rows = {row.kind: row for row in db.session.scalars(select(ReminderRule))}
    assert set(rows) == set(KINDS) and all(row.district_id == admin.district_id for row in rows.values())
    assert (rows[ReminderKind.LEAD_IDLE].days, rows[ReminderKind.LEAD_IDLE].escalate_after_days) == (21, 5)
    assert rows[ReminderKind.VERIFICATION].enabled is False and rows[ReminderKind.NODE].days == 7
    assert 'value="21"' in client.get("/reminders/rules").text


@pytest.mark.parametrize("field, value, message", [
    ("lead_idle_days", "366", "天数须在0到365之间"), ("node_days", "-1", "天数须在0到365之间"),
    ("issue_escalate", "0", "上报天数须在1到90之间"), ("issue_escalate", "91", "上报天数须在1到90之间"),
    ("follow_up_days", "", "请填写天数"), ("follow_up_days", "三十", "")])
def test_days_out_of_range_are_refused_and_nothing_written(client, login, admin, field, value, message):
    login(admin)
    page = client.get("/reminders/rules").text
    data = rules_data(page, **{field: value}, wecom_url="https://qyapi.weixin.qq.com/x")
    response = client.post("/reminders/rules", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(select(func.count(ReminderRule.id))) == 0
    assert db.session.scalar(select(func.count(DistrictWebhook.id))) == 0


@pytest.mark.parametrize("url", ["ftp://robots.example/hook", "javascript:alert(1)", "qyapi.weixin.qq.com/send",
                                 "https://", "http://exa mple.com", "file:///etc/passwd"])
def test_a_robot_address_must_be_http(client, login, admin, url):
    login(admin)
    page = client.get("/reminders/rules").text
    response = client.post("/reminders/rules", data=rules_data(page, dingtalk_url=url, dingtalk_enabled="y"))
    assert response.status_code == 422 and "须以 http:// 或 https:// 开头" in response.text
    assert db.session.scalar(select(func.count(DistrictWebhook.id))) == 0
    assert db.session.scalar(select(func.count(ReminderRule.id))) == 0


def test_robots_are_saved_the_secret_kept_when_blank_and_never_shown(client, login, admin):
    login(admin)
    page = client.get("/reminders/rules").text
    wecom = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
    dingtalk = "https://oapi.dingtalk.com/robot/send?access_token=xyz"
    data = rules_data(page, wecom_url=wecom, wecom_enabled="y", dingtalk_url=dingtalk,
                      dingtalk_secret="SEC0123456789abcdef", dingtalk_enabled="y")
    assert client.post("/reminders/rules", data=data).status_code == 302
    page = client.get("/reminders/rules").text
    assert "SEC0123456789abcdef" not in page and "已设置" in page
    assert client.post("/reminders/rules", data=rules_data(page, wecom_url=wecom, dingtalk_url=dingtalk,
                                                           dingtalk_enabled="y")).status_code == 302
    robots = {row.kind: row for row in db.session.scalars(select(DistrictWebhook))}
    assert robots[WebhookKind.DINGTALK].secret == "SEC0123456789abcdef"
    assert robots[WebhookKind.WECOM].url == wecom and robots[WebhookKind.WECOM].enabled is False
    page = client.get("/reminders/rules").text
    assert client.post("/reminders/rules", data=rules_data(page, dingtalk_url=dingtalk)).status_code == 302
    assert set(db.session.scalars(select(DistrictWebhook.kind))) == {WebhookKind.DINGTALK}  # blank: no robot


def test_rules_changed_since_the_form_was_opened_are_not_overwritten(client, login, admin):
    login(admin)
    page = client.get("/reminders/rules").text
    assert client.post("/reminders/rules", data=rules_data(page, node_days="10")).status_code == 302
    response = client.post("/reminders/rules", data=rules_data(page, node_days="12"))
    assert response.status_code == 409 and "已被他人修改" in response.text
    assert db.session.scalar(select(ReminderRule.days).where(ReminderRule.kind == ReminderKind.NODE)) == 10


def test_the_menu_links_settings_and_rules(client, login, admin, member):
    login(member)
    html = client.get("/").text
    assert 'href="/reminders/settings"' in html and 'href="/reminders/rules"' not in html
    client.post("/logout")
    login(admin)
    assert 'href="/reminders/rules"' in client.get("/").text

