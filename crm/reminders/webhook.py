"""Post reminders to a district's group robots (企业微信群机器人, 钉钉自定义机器人) for the people who chose it.

Reminders are posted in messages of at most 4,096 bytes (企业微信's limit for markdown content), each claimed
(UPDATE … SET pushed_at WHERE pushed_at IS NULL) while it is posted and kept only when every robot answered
errcode 0; a failure rolls the claim back, leaving those reminders for the next run.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, select, update

from ..access.tenancy import within
from ..extensions import db
from ..models import DistrictWebhook, Reminder, ReminderPreference, User, WebhookKind, now_utc
from .links import external_url
from .services import DEFAULT_CHANNELS, Robot

CONTENT_BYTES = 4096  # 企业微信: markdown content at most 4,096 bytes (UTF-8)
TITLE = "招商通提醒"


@dataclass
class Pushed:
    """What a run posted: messages (per robot), reminders in them, and the failures."""

    messages: int = 0
    reminders: int = 0
    failures: list[str] = field(default_factory=list)


def signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """钉钉's 加签: the URL with timestamp and the base64 HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"


def payload(robot: Robot, text: str) -> dict[str, object]:
    """The robot's markdown message."""
    if robot.kind is WebhookKind.DINGTALK:
        return {"msgtype": "markdown", "markdown": {"title": TITLE, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def messages(lines: list[tuple[int, str]]) -> list[tuple[list[int], str]]:
    """The lines (reminder id, markdown line) cut into messages of at most CONTENT_BYTES, each with its ids."""
    heading = f"### {TITLE}\n"
    cut: list[tuple[list[int], str]] = []
    ids: list[int] = []
    text = heading
    for reminder_id, line in lines:
        line = _fitted(line, CONTENT_BYTES - len(heading.encode()) - 1)
        if ids and len((text + line + "\n").encode()) > CONTENT_BYTES:
            cut.append((ids, text.rstrip("\n")))
            ids, text = [], heading
        ids.append(reminder_id)
        text += line + "\n"
    if ids:
        cut.append((ids, text.rstrip("\n")))
    return cut


def _fitted(line: str, limit: int) -> str:
    encoded = line.encode()
    return line if len(encoded) <= limit else encoded[:limit - 3].decode(errors="ignore") + "…"


def post(robot: Robot, text: str) -> None:
    """Post one message; raise when the robot does not answer errcode 0."""
    url = signed_url(robot.url, robot.secret, int(time.time() * 1000)) \
        if robot.kind is WebhookKind.DINGTALK and robot.secret else robot.url
    request = urllib.request.Request(url, data=json.dumps(payload(robot, text), ensure_ascii=False).encode(),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    with urllib.request.urlopen(request, timeout=float(current_app.config["WEBHOOK_TIMEOUT"])) as response:
        answer = json.loads(response.read().decode() or "{}")
    if answer.get("errcode") != 0:
        raise RuntimeError(f"errcode {answer.get('errcode')}: {answer.get('errmsg')}")


def push_due(on: date, district_id: int) -> Pushed:
    """Post the district's reminders not yet pushed, of the people who chose the group, to its robots."""
    result = Pushed()
    base_url = current_app.config["BASE_URL"]
    with within(district_id, "the district's group robots"):
        robots = [Robot(kind, url, secret, enabled=True) for kind, url, secret in db.session.execute(
            select(DistrictWebhook.kind, DistrictWebhook.url, DistrictWebhook.secret)
            .where(DistrictWebhook.enabled.is_(True)).order_by(DistrictWebhook.id))]
        if not robots:
            return result
        rows = db.session.execute(
            select(Reminder, User.display_name).join(User, User.id == Reminder.user_id)
            .outerjoin(ReminderPreference, (ReminderPreference.user_id == Reminder.user_id)
                       & (ReminderPreference.kind == Reminder.kind))
            .where(Reminder.pushed_at.is_(None), User.active.is_(True),
                   func.coalesce(ReminderPreference.by_webhook, DEFAULT_CHANNELS.by_webhook))
            .order_by(Reminder.user_id, Reminder.due_on, Reminder.id))
        lines = [(r.id, f"- **{name}** 【{r.kind.label}】[{_escaped(r.subject)}]({external_url(r, base_url)})"
                        f" 到期 {r.due_on.isoformat()}") for r, name in rows]
    db.session.rollback()  # end the read: each message's claim starts a transaction of its own
    for ids, text in messages(lines):
        _push_one(robots, ids, text, district_id, result)
    return result


def _escaped(subject: str) -> str:
    return subject.replace("[", "［").replace("]", "］")


def _push_one(robots: list[Robot], ids: list[int], text: str, district_id: int, result: Pushed) -> None:
    claimed = list(db.session.scalars(
        update(Reminder).where(Reminder.id.in_(ids), Reminder.pushed_at.is_(None),
                               Reminder.district_id == district_id)
        .values(pushed_at=now_utc()).returning(Reminder.id).execution_options(synchronize_session=False)))
    if len(claimed) != len(ids):
        db.session.rollback()  # another run is posting (some of) them: it posts them all
        return
    try:
        for robot in robots:
            post(robot, text)
            result.messages += 1
    except (OSError, ValueError, RuntimeError) as error:
        db.session.rollback()
        result.failures.append(f"{robot.kind.value} robot: {error}")
        return
    db.session.commit()
    result.reminders += len(claimed)
