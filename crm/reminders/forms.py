"""Input shape of the reminders' pages: the list's filters, a person's channels, the district's rules and robots."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..core.stale_edits import fingerprint_field
from ..models import DistrictWebhook, ReminderKind, User, WebhookKind
from ..projects.lifecycle.forms import first_problem
from ..web.forms import options
from ..web.i18n import lazy_gettext as _l
from .rules import Rule
from .services import DAYS_RANGE, ESCALATE_RANGE, Channels, ReminderFilters, Robot

CHANNELS = (("in_app", _l("站内")), ("by_email", _l("邮件")), ("by_webhook", _l("群机器人")))


class FilterForm(FlaskForm):
    """The list's filters, read from the query string."""

    class Meta:
        csrf = False

    unread = BooleanField(_l("只看未读"))
    unread_first = BooleanField(_l("未读在前"))
    # Only an empty value skips the choice check: plain Optional() would let " " through unchecked.
    kind = SelectField(_l("类别"), choices=options([("", _l("全部"))] + ReminderKind.choices()),
                       validators=[Optional(strip_whitespace=False)])

    def filters(self) -> ReminderFilters:
        """What the list is limited to (a filter refused is no filter)."""
        kind = ReminderKind(self.kind.data) if self.kind.data and not self.kind.errors else None
        return ReminderFilters(bool(self.unread.data), bool(self.unread_first.data), kind)


class SettingsForm(FlaskForm):
    """A person's e-mail, digest and, per kind, fields <kind>_in_app, <kind>_by_email, <kind>_by_webhook."""

    email = StringField(_l("电子邮箱"),
                        validators=[Optional(), Length(max=254, message=_l("电子邮箱不能超过254个字符"))])
    weekly_digest = BooleanField(_l("邮件每周汇总一次（不勾选：每天一封）"))
    opened = fingerprint_field()  # the settings the form was opened with

    def problems(self) -> str:
        return first_problem(self)

    def channels(self) -> dict[ReminderKind, Channels]:
        return {kind: Channels(*(bool(self[f"{kind.value}_{name}"].data) for name, _label in CHANNELS))
                for kind in ReminderKind}

    def fill(self, user: User, chosen: dict[ReminderKind, Channels], opened: str) -> None:
        """Show what is stored (on a GET)."""
        self.email.data, self.weekly_digest.data, self.opened.data = user.email or "", user.weekly_digest, opened
        for kind, channels in chosen.items():
            for name, _label in CHANNELS:
                self[f"{kind.value}_{name}"].data = getattr(channels, name)


def _channel_fields(form: Any) -> None:
    for kind in ReminderKind:
        for name, label in CHANNELS:
            setattr(form, f"{kind.value}_{name}", BooleanField(label))


_channel_fields(SettingsForm)


class RulesForm(FlaskForm):
    """Per kind <kind>_enabled, <kind>_days (N), <kind>_escalate (M); the district's two robots."""

    wecom_url = StringField(_l("企业微信群机器人地址"), validators=[Optional(), Length(max=500)])
    wecom_enabled = BooleanField(_l("启用企业微信群机器人"))
    dingtalk_url = StringField(_l("钉钉自定义机器人地址"), validators=[Optional(), Length(max=500)])
    dingtalk_secret = PasswordField(_l("钉钉加签密钥"), validators=[Optional(), Length(max=200)])
    dingtalk_enabled = BooleanField(_l("启用钉钉自定义机器人"))
    opened = fingerprint_field()  # the rules and robots the form was opened with

    def problems(self) -> str:
        return first_problem(self)

    def rules(self) -> list[Rule]:
        return [Rule(kind, bool(self[f"{kind.value}_enabled"].data), self[f"{kind.value}_days"].data,
                     self[f"{kind.value}_escalate"].data) for kind in ReminderKind]

    def robots(self) -> list[Robot]:
        return [Robot(WebhookKind.WECOM, self.wecom_url.data or "", None, bool(self.wecom_enabled.data)),
                Robot(WebhookKind.DINGTALK, self.dingtalk_url.data or "", self.dingtalk_secret.data or None,
                      bool(self.dingtalk_enabled.data))]

    def fill(self, rules: dict[ReminderKind, Rule], robots: dict[WebhookKind, DistrictWebhook], opened: str) -> None:
        """Show what is stored (on a GET); a secret is never sent back to the browser."""
        for kind, rule in rules.items():
            self[f"{kind.value}_enabled"].data = rule.enabled
            self[f"{kind.value}_days"].data = rule.days
            self[f"{kind.value}_escalate"].data = rule.escalate_after_days
        for kind, prefix in ((WebhookKind.WECOM, "wecom"), (WebhookKind.DINGTALK, "dingtalk")):
            row = robots.get(kind)
            self[f"{prefix}_url"].data = row.url if row else ""
            self[f"{prefix}_enabled"].data = row.enabled if row else True
        self.opened.data = opened


def _rule_fields(form: Any) -> None:
    days = NumberRange(*DAYS_RANGE, message=_l("天数须在0到365之间"))
    escalate = NumberRange(*ESCALATE_RANGE, message=_l("上报天数须在1到90之间"))
    for kind in ReminderKind:
        setattr(form, f"{kind.value}_enabled", BooleanField(kind.label))
        setattr(form, f"{kind.value}_days", IntegerField(
            _l("%(kind)s：天数（N）", kind=kind.label), validators=[InputRequired(_l("请填写天数")), days]))
        setattr(form, f"{kind.value}_escalate", IntegerField(
            _l("%(kind)s：未处理多少天后上报（M）", kind=kind.label),
            validators=[InputRequired(_l("请填写天数")), escalate]))


_rule_fields(RulesForm)
