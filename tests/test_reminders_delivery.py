"""Reminders delivered: a real SMTP conversation on loopback, and group robots answering real HTTP posts."""

import base64
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
from datetime import date, timedelta
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import (
    DistrictWebhook,
    ProjectIssue,
    Reminder,
    ReminderKind,
    ReminderPreference,
    Role,
    ServiceItem,
    WebhookKind,
)

MONDAY = date(2026, 6, 15)
BASE_URL = "https://zst.example.gov.cn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An SMTP server's handler: keeps each accepted mail, refuses the addresses it is told to."""

    def __init__(self) -> None:
        self.mails: list = []
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.mails.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, BASE_URL=BASE_URL)
    yield inbox
    controller.stop()


class Robot(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append((self.path, json.loads(body.decode())))
        answer = json.dumps(self.server.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def robot():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    server.posts, server.answer = [], {"errcode": 0, "errmsg": "ok"}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def office(make_team, make_user, make_project, home_district):
    """A member with three late 代办事项, an admin with a signing to verify, a colleague without an address."""
    team = make_team()
    member = make_user(Role.MEMBER, team=team, display_name="王立", email="wangli@example.gov.cn")
    lead = make_user(Role.LEAD, team=team, display_name="孙组长")  # no address: in the app only
    admin = make_user(Role.ADMIN, display_name="李主任", email="li@example.gov.cn")
    project = make_project(team=team, name="锂电池新材料项目")
    make_project(team=team, verified=False, signed_on=MONDAY - timedelta(days=20))
    for name in ("施工许可", "环评", "能评"):
        db.session.add(ServiceItem(project=project, name=name, owner=member, due_on=MONDAY - timedelta(days=3)))
    db.session.commit()
    return SimpleNamespace(district=home_district, team=team, member=member, lead=lead, admin=admin,
                           project=project)


def run(runner, day: date, *args: str):
    return runner.invoke(args=["reminders", "run", "--date", day.isoformat(), *args])


def emailed() -> int:
    return db.session.scalar(select(func.count()).select_from(Reminder).where(Reminder.emailed_at.is_not(None)))


def test_one_digest_per_person_in_chinese_with_absolute_links_and_nothing_twice(runner, smtp, office):
    result = run(runner, MONDAY, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)[0]
    assert (report["raised"]["service_item"], report["raised"]["verification"], report["mailed"]) == (3, 1, 2)
    by_person = {mail["To"].addresses[0].addr_spec: mail for mail in smtp.mails}
    assert sorted(by_person) == ["li@example.gov.cn", "wangli@example.gov.cn"]
    mail = by_person["wangli@example.gov.cn"]
    assert mail["Subject"] == "招商通提醒：3 项待办（2026-06-15）"
    assert mail["To"].addresses[0].display_name == "王立"
    body = mail.get_content()
    assert all(name in body for name in ("施工许可", "环评", "能评", "代办事项逾期"))
    assert body.count(f"{BASE_URL}/projects/{office.project.id}#service") == 3
    assert emailed() == 4
    again = run(runner, MONDAY)
    assert again.exit_code == 0, again.output
    assert "raised lead_idle 0" in again.output and "mailed 0" in again.output
    assert len(smtp.mails) == 2


def test_a_weekly_digest_waits_for_its_day_and_gathers_everything(runner, smtp, office, make_user, make_project):
    leader = make_user(Role.LEADER, display_name="赵区长", email="zhao@example.gov.cn", weekly_digest=True)
    project = make_project(team=office.team, chief_officer=leader, name="光伏组件项目")
    db.session.add(ProjectIssue(project=project, raised_on=MONDAY - timedelta(days=40), description="用地指标"))
    db.session.commit()
    assert run(runner, MONDAY + timedelta(days=1)).exit_code == 0  # Tuesday
    assert "zhao@example.gov.cn" not in {mail["To"].addresses[0].addr_spec for mail in smtp.mails}
    assert run(runner, MONDAY + timedelta(days=7)).exit_code == 0  # the next Monday
    weekly = [mail for mail in smtp.mails if mail["To"].addresses[0].addr_spec == "zhao@example.gov.cn"]
    assert len(weekly) == 1
    assert weekly[0]["Subject"].startswith("招商通每周提醒")
    assert "光伏组件项目：用地指标" in weekly[0].get_content()


def test_a_refused_address_fails_the_run_and_stays_unmailed_while_the_others_get_theirs(runner, smtp, office):
    smtp.refused.add("wangli@example.gov.cn")
    result = run(runner, MONDAY)
    assert result.exit_code == 1
    assert "wangli@example.gov.cn" in result.output
    assert [mail["To"].addresses[0].addr_spec for mail in smtp.mails] == ["li@example.gov.cn"]
    assert emailed() == 1
    smtp.refused.clear()
    assert run(runner, MONDAY).exit_code == 0  # the next run delivers what was left
    assert emailed() == 4


def test_a_closed_mail_server_marks_nothing_but_the_group_is_still_posted(runner, app, office, robot):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), BASE_URL=BASE_URL)  # nobody listening
    _wants_the_group(office.member, ReminderKind.SERVICE_ITEM)
    db.session.add(DistrictWebhook(district_id=office.district.id, kind=WebhookKind.WECOM,
                                   url=f"{robot.url}/cgi-bin/webhook/send?key=k"))
    db.session.commit()
    result = run(runner, MONDAY)
    assert result.exit_code == 1
    assert emailed() == 0
    assert len(robot.posts) == 1
    assert db.session.scalar(select(func.count()).select_from(Reminder).where(Reminder.pushed_at.is_not(None))) == 3


def _wants_the_group(person, kind: ReminderKind) -> None:
    db.session.add(ReminderPreference(district_id=person.district_id, user_id=person.id, kind=kind, by_webhook=True))


def pushed() -> int:
    return db.session.scalar(select(func.count()).select_from(Reminder).where(Reminder.pushed_at.is_not(None)))


def test_wecom_gets_markdown_with_names_and_links(runner, office, robot, app):
    app.config.update(BASE_URL=BASE_URL)
    _wants_the_group(office.member, ReminderKind.SERVICE_ITEM)
    db.session.add(DistrictWebhook(district_id=office.district.id, kind=WebhookKind.WECOM,
                                   url=f"{robot.url}/cgi-bin/webhook/send?key=k"))
    db.session.commit()
    assert run(runner, MONDAY).exit_code == 0
    [(path, message)] = robot.posts
    assert path == "/cgi-bin/webhook/send?key=k"
    assert set(message) == {"msgtype", "markdown"} and message["msgtype"] == "markdown"
    content = message["markdown"]["content"]
    assert content.count("**王立**") == 3
    assert f"[锂电池新材料项目：环评]({BASE_URL}/projects/{office.project.id}#service)" in content
    assert "李主任" not in content  # the admin did not choose the group
    assert pushed() == 3
    assert run(runner, MONDAY).exit_code == 0
    assert len(robot.posts) == 1


def test_dingtalk_is_signed_with_its_secret(runner, office, robot):
    secret = "SEC0123456789abcdef"
    _wants_the_group(office.admin, ReminderKind.VERIFICATION)
    db.session.add(DistrictWebhook(district_id=office.district.id, kind=WebhookKind.DINGTALK,
                                   url=f"{robot.url}/robot/send?access_token=t", secret=secret))
    db.session.commit()
    assert run(runner, MONDAY).exit_code == 0
    [(path, message)] = robot.posts
    assert message["msgtype"] == "markdown" and message["markdown"]["title"] == "招商通提醒"
    assert "**李主任**" in message["markdown"]["text"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest())
    assert query["access_token"] == ["t"] and query["sign"] == [expected.decode()]


def test_a_long_list_is_split_under_4096_bytes_and_a_refusal_leaves_it_unpushed(runner, office, robot):
    for n in range(60):
        db.session.add(ServiceItem(project=office.project, name=f"第{n}项审批手续" + "材料补正" * 10,
                                   owner=office.member, due_on=MONDAY - timedelta(days=2)))
    _wants_the_group(office.member, ReminderKind.SERVICE_ITEM)
    db.session.add(DistrictWebhook(district_id=office.district.id, kind=WebhookKind.WECOM, url=f"{robot.url}/w"))
    db.session.commit()
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    result = run(runner, MONDAY)
    assert result.exit_code == 1 and "93000" in result.output
    assert pushed() == 0
    robot.answer = {"errcode": 0, "errmsg": "ok"}
    robot.posts.clear()
    assert run(runner, MONDAY).exit_code == 0
    sizes = [len(message["markdown"]["content"].encode()) for _, message in robot.posts]
    assert len(sizes) > 1 and max(sizes) <= 4096
    assert sum(message["markdown"]["content"].count("**王立**") for _, message in robot.posts) == 63
    assert pushed() == 63
