"""Leads (线索/在谈项目) from a team's list: checks, duplicates (same enterprise and title), writing with stage log.

A lead comes in at the stage the file gives (线索 when blank); 已签约 is refused (import the signed project
instead) and 已放弃 needs a 放弃原因. Its 登记日期, when given, is its creation date (midnight, local time), so
that reports count it as new in the right period. The owner must be a member of the lead's team.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from datetime import datetime, time
from functools import partial
from typing import Any

from sqlalchemy import select

from ..domain.periods import LOCAL, today
from ..domain.refused import Refused
from ..enterprises.names import fold
from ..extensions import db
from ..leads.services import check_drop_reason, check_stage_by_hand
from ..models import Lead, LeadStage, LeadStageChange, LeadStatus
from ..web.i18n import gettext as _
from .lookups import Lookups, chunks
from .outcomes import RowOutcome
from .rules import CommitContext, Existing, Rules, insert_rows

# A lead rule's refusal as an import row says it, by the field refused.
IMPORT_WORDS = {"stage": lambda: _("“已签约”的线索请作为签约项目导入"),
                "drop_reason": lambda: _("“已放弃”的线索须填写放弃原因")}
UPDATED = ("title", "industry", "expected_sign_on", "next_action", "next_action_on")


class LeadRules(Rules):
    kind = "leads"
    label_field = "title"
    enterprise_field = "enterprise"
    people_fields = ("owner",)

    def refer(self, lookups: Lookups, row: RowOutcome) -> None:
        super().refer(lookups, row)
        owner = row.values.get("owner_id")
        if owner is not None and lookups.user_teams.get(owner) != row.values.get("team_ref"):
            row.warnings.append(_("负责人“%(name)s”不是本专班成员，未设置", name=row.values["owner"]))
            row.values["owner_id"] = None

    def check(self, row: RowOutcome) -> None:
        values = row.values
        stage = values.setdefault("stage", LeadStage.CLUE)
        checks = [partial(check_stage_by_hand, stage)]
        if stage is LeadStage.DROPPED:
            checks.append(partial(check_drop_reason, values.get("drop_reason")))
        for check in checks:  # the lead rules' (crm/leads/services.py), in the import's words
            try:
                check()
            except Refused as refused:
                row.error(IMPORT_WORDS[refused.field]() if refused.field in IMPORT_WORDS else str(refused))
        if (created := values.get("created_on")) is not None and created > today():
            row.error(_("登记日期晚于今天"))
        amount = values.get("intended_investment")
        if amount is not None and amount.currency != "CNY":
            row.warnings.append(_("外币金额已按汇率折算为人民币"))

    def keys(self, values: dict[str, Any]) -> list[Hashable]:
        if "enterprise_ref" not in values or "title" not in values:
            return []
        return [(values["enterprise_ref"], fold(values["title"]))]

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, Existing]:
        ids = sorted({key[0] for key in keys if isinstance(key[0], int)})  # type: ignore[index]
        found: dict[Hashable, Existing] = {}
        for batch in chunks(ids):
            for row in db.session.execute(select(Lead.id, Lead.enterprise_id, Lead.title)
                                          .where(Lead.enterprise_id.in_(batch)).order_by(Lead.id)):
                found.setdefault((row.enterprise_id, fold(row.title)), Existing(row.id, row.title))
        return found

    def insert(self, rows: Sequence[RowOutcome], ctx: CommitContext) -> None:
        records, changes = [], []
        for row in rows:
            values = row.values
            created = ctx.now
            if (day := values.get("created_on")) is not None:
                created = datetime.combine(day, time(), LOCAL)
            stage = values["stage"]
            amount = values.get("intended_investment")
            records.append({
                "team_id": ctx.team(values["team_ref"]), "enterprise_id": ctx.enterprise(values["enterprise_ref"]),
                "title": values["title"], "industry": values.get("industry"),
                "intended_investment_yuan": amount.yuan if amount else None, "stage": stage,
                "status": LeadStatus.CLOSED if stage is LeadStage.DROPPED else LeadStatus.ACTIVE,
                "drop_reason": values.get("drop_reason") if stage is LeadStage.DROPPED else None,
                "owner_id": values.get("owner_id"), "expected_sign_on": values.get("expected_sign_on"),
                "next_action": values.get("next_action"), "next_action_on": values.get("next_action_on"),
                "created_at": created, "updated_at": ctx.now, "version": 1})
            changes.append({"from_stage": None, "to_stage": stage, "changed_at": created,
                            "changed_by_id": ctx.actor.id, "note": _("导入")})
        ids = insert_rows(Lead.__table__, records, ctx, returning=True)
        insert_rows(LeadStageChange.__table__, [change | {"lead_id": lead_id} for change, lead_id in zip(
            changes, ids, strict=True)], ctx, report=False)

    def apply(self, rows: Sequence[RowOutcome], ctx: CommitContext) -> None:
        leads = {lead.id: lead for batch in chunks([row.duplicate_of for row in rows])
                 for lead in db.session.scalars(select(Lead).where(Lead.id.in_(batch)))}
        for row in rows:
            lead, values = leads[row.duplicate_of], row.values
            for key in UPDATED:
                if key in values and getattr(lead, key) != values[key]:
                    setattr(lead, key, values[key])
            if (amount := values.get("intended_investment")) is not None:
                lead.intended_investment_yuan = amount.yuan
            if values.get("owner_id") is not None:
                lead.owner_id = values["owner_id"]
            stage = values["stage"]
            if stage is not lead.stage and lead.stage is not LeadStage.SIGNED:
                if stage is LeadStage.DROPPED:
                    lead.drop_reason, lead.status = values["drop_reason"], LeadStatus.CLOSED
                lead.move_to(stage, by=ctx.actor, note=_("导入"))
            ctx.advance(1)
