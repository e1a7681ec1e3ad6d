"""The reminders' pages: a person's list and settings, and the district's rules and robots (the office's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access.rights import requires
from ..core.stale_edits import StaleSet, differences
from ..domain.periods import today
from ..domain.refused import Refused
from ..extensions import db
from ..models import ReminderKind
from ..web.i18n import gettext as _
from ..web.pagination import link_args, paginate_rows
from ..web.refusals import refused
from . import services
from .forms import CHANNELS, FilterForm, RulesForm, SettingsForm
from .links import record_url
from .rules import DAYS_MEAN, district_rules


@requires("reminders.view")
def index():
    """The person's own reminders, newest first; unread only, unread first, one kind."""
    form = FilterForm(request.args)
    form.validate()
    page = paginate_rows(services.user_reminders(current_user, form.filters()))
    return render_template("reminders/index.html", page=page, form=form, today=today(), args=link_args(),
                           unread=services.unread_count(current_user))


@requires("reminders.view")
def open_record(reminder_id: int):
    """Mark the reminder read and go to the record it is about."""
    reminder = services.mark_read(current_user, reminder_id)
    if reminder is None:
        abort(404)  # another person's reminder is not shown to exist
    target = record_url(reminder)
    db.session.commit()
    return redirect(target)


@requires("reminders.view")
def read(reminder_id: int):
    """Mark one reminder read, back to the list as it was filtered."""
    if services.mark_read(current_user, reminder_id) is None:
        abort(404)
    db.session.commit()
    return redirect(url_for("reminders.index", **link_args()))


@requires("reminders.view")
def read_all():
    """Mark every unread reminder of the person read."""
    count = services.mark_all_read(current_user)
    db.session.commit()
    flash(_("已将 %(count)s 条提醒标为已读", count=count), "success")
    return redirect(url_for("reminders.index"))


def saved_or_refused(form: Any, template: str, save: Callable[[], None], stored: Callable[[], Any],
                     context: dict[str, Any], done: str) -> Any:
    """Carry a settings form out: 422 with the reason when refused, 409 beside the stored values when stale."""
    try:
        if not form.validate():
            raise Refused(form.problems())
        save()
    except Refused as error:
        return refused(error, template, form=form, **context)
    except StaleSet:
        db.session.rollback()
        current = stored()
        form.opened.data = current.opened.data  # saving again now is a choice made having seen the stored values
        conflict = [row for row in differences(current, form) if row[0] != str(form["dingtalk_secret"].label.text)] \
            if "dingtalk_secret" in form else differences(current, form)
        return render_template(template, form=form, conflict=conflict, **context), 409
    db.session.commit()
    flash(done, "success")
    return redirect(request.path)


def stored_settings() -> SettingsForm:
    form = SettingsForm(formdata=None)
    form.fill(current_user, services.preferences(current_user), services.settings_fingerprint(current_user))
    return form


@requires("reminders.view")
def settings():
    """The person's e-mail, weekly or daily mail, and how each kind of reminder reaches them."""
    context = {"kinds": list(ReminderKind), "channels": CHANNELS,
               "offers_weekly": services.offers_weekly_digest(current_user)}
    if request.method != "POST":
        return render_template("reminders/settings.html", form=stored_settings(), **context)
    form = SettingsForm()
    return saved_or_refused(form, "reminders/settings.html", lambda: services.save_preferences(
        current_user, email=form.email.data, weekly_digest=bool(form.weekly_digest.data), channels=form.channels(),
        opened=form.opened.data), stored_settings, context, _("提醒设置已保存"))


def stored_rules() -> RulesForm:
    district_id = current_user.district_id
    form = RulesForm(formdata=None)
    form.fill(district_rules(district_id), services.robots(district_id), services.rules_fingerprint(district_id))
    return form


@requires("reminders.manage")
def rules():
    """The district's reminder rules (each kind's N and M days) and its group robots."""
    district_id = current_user.district_id
    context = {"kinds": list(ReminderKind), "days_mean": DAYS_MEAN, "secret_set": services.has_secret(district_id)}
    if request.method != "POST":
        return render_template("reminders/rules.html", form=stored_rules(), **context)
    form = RulesForm()
    return saved_or_refused(form, "reminders/rules.html", lambda: services.save_district_settings(
        district_id, rules=form.rules(), hooks=form.robots(), opened=form.opened.data), stored_rules, context,
        _("提醒规则已保存"))
