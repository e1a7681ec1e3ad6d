"""The report leaving through the browser: the file answered, and its download noted in the audit trail."""

from __future__ import annotations

import json

from ..core.audit import record
from ..core.database import written_apart
from ..extensions import db
from ..models import User
from .content import ReportContent

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def note_download(content: ReportContent, user: User, address: str | None) -> None:
    """Note in the audit trail who took which report, as an export is noted (kept even if the answer fails)."""
    detail = {"export": "report", "format": "docx", "via": "web", "title": content.title,
              "filters": {"start": content.period.start.isoformat(), "end": content.period.end.isoformat(),
                          "district": content.district_id}}
    with written_apart(db.session):
        record(action="export", user_id=user.id, address=address, district_id=content.district_id,
               detail=json.dumps(detail, ensure_ascii=False, sort_keys=True))
