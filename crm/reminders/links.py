"""Where a reminder's record is opened: the page of the record that fell due."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for

from ..models import Reminder

# record_type → (endpoint, its argument, the page's anchor); project-held records open their project's page there.
PAGES: dict[str, tuple[str, str, str | None]] = {
    "lead": ("leads.detail", "lead_id", None),
    "visit": ("visits.detail", "visit_id", None),
    "project": ("projects.detail", "project_id", None),
    "node": ("projects.detail", "project_id", "path"),
    "service_item": ("projects.detail", "project_id", "service"),
    "issue": ("projects.detail", "project_id", "service"),
    "supervision": ("projects.detail", "project_id", "supervision"),
}


def record_url(reminder: Reminder, **options: Any) -> str:
    """The address of the reminder's record (pass _external=True for a mail or a group message)."""
    endpoint, argument, anchor = PAGES[reminder.record_type.split(":")[0]]  # node:<node> opens the path
    value = reminder.record_id if argument != "project_id" else reminder.project_id
    return url_for(endpoint, **{argument: value}, _anchor=anchor, **options)


def external_url(reminder: Reminder, base_url: str) -> str:
    """The record's absolute address under the site's base URL, outside any request (a mail, a group message)."""
    endpoint, argument, anchor = PAGES[reminder.record_type.split(":")[0]]
    value = reminder.record_id if argument != "project_id" else reminder.project_id
    parts = urlsplit(base_url)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, {argument: value}, force_external=True) + (f"#{anchor}" if anchor else "")
