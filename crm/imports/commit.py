"""Writing an import: all rows or none, in the caller's transaction.

`commit_import(preview, actor=…, progress=…)` writes what a preview showed: it creates the new teams (base city
待定) and enterprises the user confirmed, inserts the new rows with bulk executemany inserts, updates or leaves
the duplicates as chosen, and records one "import" audit event (kind, file, row counts). It flushes and
returns an `ImportResult`; the caller commits, or rolls back on any exception, so that nothing is half written.
Build the preview in the same request or command that commits, so that it reflects the database being written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..access.rights import may
from ..core import audit
from ..extensions import db
from ..models import Enterprise, Team, User, now_utc
from ..web.i18n import gettext as _
from .kinds import RULES
from .lookups import name_key
from .outcomes import Fate
from .preview import Preview
from .reading import ImportRefused
from .rules import CommitContext, Progress, insert_rows

NEW_TEAM_CITY = "待定"  # 驻点城市 of a team created by an import, to be set on the team's page


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    kind: str
    audit_event_id: int
    inserted: int
    updated: int
    unchanged: int  # duplicates left as they were
    skipped: int  # blank, totals and note rows
    teams_created: list[str]
    enterprises_created: int

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped, "teams_created": self.teams_created,
                "enterprises_created": self.enterprises_created}


def refusal(preview: Preview, actor: User) -> ImportRefused | None:
    """Why the import may not run, or None."""
    if not may(actor, "imports.run"):
        return ImportRefused(_("只有管理员可以导入"), "forbidden")
    if preview.errors:
        return ImportRefused(_("有%(n)s行有错误，未导入任何数据；请改正后重新导入", n=len(preview.errors)), "errors")
    if preview.needs_confirmation:
        return ImportRefused(_("表中有系统里没有的专班或企业，请确认新建后再导入"), "confirm")
    return None


def create_teams(names: dict[str, str], district_id: int | None) -> dict[str, int]:
    """Add the confirmed new teams to the importing admin's district (audited one by one)."""
    teams = {key: Team(district_id=district_id, name=name[:64], base_city=NEW_TEAM_CITY) for key, name in names.items()}
    db.session.add_all(teams.values())
    db.session.flush()
    return {"team:" + key: team.id for key, team in teams.items()}


def create_enterprises(preview: Preview, ctx: CommitContext) -> dict[str, int]:
    """Add the confirmed new enterprises in bulk; return their ids by key."""
    new = preview.new_enterprises
    rows = [{"name": e.name, "name_key": name_key(e.name), "credit_code": e.credit_code, "industry": e.industry,
             "province": e.province, "city": e.city, "ownership": e.ownership, "fortune500": False, "listed": False,
             "merged_into_id": None, "created_at": ctx.now, "created_by_id": ctx.actor.id,
             "district_id": ctx.actor.district_id} for e in new]
    ids = insert_rows(Enterprise.__table__, rows, ctx, returning=True, report=False)
    return {e.key: enterprise_id for e, enterprise_id in zip(new, ids, strict=True)}


def commit_import(preview: Preview, *, actor: User, progress: Progress | None = None) -> ImportResult:
    """Write the preview's rows, all or none; flush, and leave the commit to the caller."""
    if (refused := refusal(preview, actor)) is not None:
        raise refused
    rules = RULES[preview.kind]
    new = [row for row in preview.rows if row.fate is Fate.NEW]
    update = preview.options.duplicates == "update"
    duplicates = [row for row in preview.rows if row.fate is Fate.DUPLICATE]
    ctx = CommitContext(actor, now_utc(), preview.options, {}, {}, progress,
                        total=len(new) + (len(duplicates) if update else 0))
    ctx.team_ids = create_teams(preview.lookups.new_teams, actor.district_id)
    ctx.enterprise_ids = create_enterprises(preview, ctx)
    if new:
        rules.insert(new, ctx)
    if update and duplicates:
        rules.apply(duplicates, ctx)
    counts = preview.counts()
    written = {"inserted": len(new), "updated": len(duplicates) if update else 0,
               "unchanged": 0 if update else len(duplicates), "skipped": counts["skipped"],
               "teams_created": preview.new_teams, "enterprises_created": len(ctx.enterprise_ids)}
    event = audit.record("import", user_id=actor.id, entity=preview.kind, detail=json.dumps(
        {"file": preview.table.file_name, "rows": counts["rows"]} | written, ensure_ascii=False))
    db.session.flush()
    if ctx.progress is not None and ctx.total == 0:
        ctx.progress(0, 0)
    return ImportResult(preview.kind, audit_event_id=event.id, **written)
