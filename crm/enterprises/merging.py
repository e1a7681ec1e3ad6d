"""Merging a duplicate enterprise into the one kept: what would change (the preview), the merge, and its undoing.

Every merge leaves an EnterpriseMerge naming the rows it moved and the fields it changed, before and after; undoing
puts exactly those back, or is refused when something changed since in a way that cannot be put back exactly.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..core.audit import plain, record
from ..domain.refused import Refused
from ..extensions import db
from ..models import Contact, Enterprise, EnterpriseMerge, Lead, Overlap, Ownership, Project, User, Visit, now_utc
from ..web.i18n import gettext as _
from ..web.i18n import lazy_gettext as _l
from .resolver import current

# What belongs to an enterprise and moves with it when it is merged into another, by the name the record keeps.
KINDS: tuple[tuple[str, type, Any], ...] = (
    ("visits", Visit, _l("拜访记录")), ("leads", Lead, _l("线索")), ("projects", Project, _l("签约项目")),
    ("contacts", Contact, _l("联系人")), ("overlaps", Overlap, _l("撞单记录")))
REPOINTED = "enterprises"  # enterprises merged earlier into the merged one, which now point at the kept one
KIND_LABELS = {kind: label for kind, _model, label in KINDS} | {REPOINTED: _l("此前并入的企业")}
VERSIONED = (Visit, Lead, Project)  # an edit form opened before a merge or an undo is stale after it
# The fields shown side by side; a kept enterprise takes the merged one's where it has none, and its tags.
FIELDS = (("name", _l("企业名称")), ("credit_code", _l("统一社会信用代码")), ("industry", _l("行业")),
          ("province", _l("省份")), ("city", _l("城市")), ("ownership", _l("企业性质")),
          ("fortune500", _l("世界500强")), ("listed", _l("上市企业")))
FILLED = ("credit_code", "industry", "province", "city", "ownership")
TAGS = ("fortune500", "listed")
SHOWN = 5  # rows of each kind a preview lists
SHOWN_WITH = {Overlap: (joinedload(Overlap.team), joinedload(Overlap.lead))}  # what a preview's rows show of them


class MergeRefused(Refused):
    """A merge, or an undo, that cannot be done; the message is for the user."""


@dataclass(frozen=True)
class Moving:
    """The records of one kind a merge would move: how many, and the first few."""

    kind: str
    label: Any
    count: int
    first: Sequence[Any]


@dataclass(frozen=True)
class Preview:
    """What merging `merged` into `keep` would do, changing nothing."""

    keep: Enterprise
    merged: Enterprise
    fields: list[tuple[Any, Any, Any, Any, bool]]  # label, kept's value, merged's value, the result, changed
    moving: list[Moving]


def kept_changes(keep: Enterprise, merged: Enterprise) -> dict[str, Any]:
    """The fields of `keep` a merge changes and their new values: its blanks filled from `merged`, tags added."""
    changes = {name: getattr(merged, name) for name in FILLED if not getattr(keep, name) and getattr(merged, name)}
    return changes | {name: True for name in TAGS if getattr(merged, name) and not getattr(keep, name)}


def the_pair(keep: Enterprise, merged: Enterprise) -> Enterprise:
    """The enterprise really kept (merges followed); a merge of the merged or into itself is refused."""
    keep = current(keep)
    if merged.merged_into_id is not None:
        raise MergeRefused(_("该企业已合并到其他企业"))
    if keep.id == merged.id:
        raise MergeRefused(_("不能把企业合并到它自己"))
    return keep


def preview(keep: Enterprise, merged: Enterprise) -> Preview:
    """The two enterprises side by side, the values the kept one ends with, and what would move."""
    keep = the_pair(keep, merged)
    changes = kept_changes(keep, merged)
    fields = [(label, getattr(keep, name), getattr(merged, name), changes.get(name, getattr(keep, name)),
               name in changes) for name, label in FIELDS]
    moving = []
    for kind, model, label in KINDS:
        where = model.enterprise_id == merged.id
        count = db.session.scalar(select(func.count()).select_from(model).where(where))
        first = db.session.scalars(select(model).where(where).options(*SHOWN_WITH.get(model, ()))
                                   .order_by(model.id.desc()).limit(SHOWN)).all()
        moving.append(Moving(kind, label, count or 0, first))
    return Preview(keep, merged, fields, moving)


def lock(*enterprises: Enterprise) -> None:
    """Lock the rows in id order: two admins merging or undoing one pair, the second waits."""
    for enterprise in sorted(enterprises, key=lambda e: e.id):
        db.session.refresh(enterprise, with_for_update=True)


def move(model: Any, where: Any, values: dict[str, Any]) -> list[int]:
    """Update the rows `where` selects; return their ids."""
    if model in VERSIONED:
        values = values | {"version": model.version + 1}
    result = db.session.execute(update(model).where(where).values(values).returning(model.id),
                                execution_options={"synchronize_session": "fetch"})
    return sorted(result.scalars().all())


def merge_enterprises(keep: Enterprise, merged: Enterprise, *, actor: User) -> Enterprise:
    """Move everything of `merged` to `keep`, fill keep's blanks from it, mark it merged and record it all."""
    lock(keep, merged)
    keep = the_pair(keep, merged)
    moved = {kind: move(model, model.enterprise_id == merged.id, {"enterprise_id": keep.id})
             for kind, model, _label in KINDS}
    moved[REPOINTED] = move(Enterprise, Enterprise.merged_into_id == merged.id, {"merged_into_id": keep.id})
    changes = kept_changes(keep, merged)
    kept_fields = {name: [plain(getattr(keep, name)), plain(value)] for name, value in changes.items()}
    merged_fields = {"merged_into_id": [None, keep.id]}
    if "credit_code" in changes:
        merged_fields["credit_code"] = [merged.credit_code, None]
        merged.credit_code = None
        db.session.flush()  # the code is unique: it leaves merged before keep takes it
    for name, value in changes.items():
        setattr(keep, name, value)
    merged.merged_into_id = keep.id
    entry = EnterpriseMerge(district_id=keep.district_id, kept_id=keep.id, merged_id=merged.id,
                            merged_by_id=actor.id, moved=moved, kept_fields=kept_fields, merged_fields=merged_fields)
    db.session.add(entry)
    db.session.flush()
    audit("merge", entry, actor, keep, merged)
    return keep


def audit(action: str, entry: EnterpriseMerge, actor: User, keep: Enterprise, merged: Enterprise) -> None:
    """Say in the audit trail which enterprise was merged into (or taken back out of) which, and what moved."""
    moved = {kind: len(ids) for kind, ids in entry.moved.items()}
    record(action=action, user_id=actor.id, entity="Enterprise", entity_id=keep.id, detail=json.dumps(
        {"merge_id": entry.id, "merged_id": merged.id, "merged_name": merged.name, "kept_name": keep.name,
         "moved": moved, "kept_fields": entry.kept_fields}, ensure_ascii=False))
    db.session.flush()
    for enterprise in (keep, merged):
        db.session.expire(enterprise, ["contacts", "projects"])


def merges_into(enterprise: Enterprise) -> Sequence[EnterpriseMerge]:
    """The merges into an enterprise, newest first."""
    return db.session.scalars(select(EnterpriseMerge).where(EnterpriseMerge.kept_id == enterprise.id)
                              .options(joinedload(EnterpriseMerge.merged), joinedload(EnterpriseMerge.merged_by),
                                       joinedload(EnterpriseMerge.undone_by))
                              .order_by(EnterpriseMerge.id.desc())).all()


def still_there(model: Any, ids: list[int], where: Any) -> int:
    """How many of the rows `ids` still satisfy `where`."""
    return db.session.scalar(select(func.count()).select_from(model).where(model.id.in_(ids), where)) or 0


def why_not_undoable(entry: EnterpriseMerge, keep: Enterprise, merged: Enterprise) -> str | None:
    """Why the merge cannot be undone exactly, or None when it can."""
    if entry.undone_at is not None:
        return _("这次合并已撤销")
    if keep.merged_into_id is not None:
        return _("「%(name)s」已合并到其他企业，请先撤销那次合并", name=keep.name)
    if merged.merged_into_id != keep.id:
        return _("「%(name)s」已不是合并到本企业的状态", name=merged.name)
    for kind, model, label in KINDS:
        ids = entry.moved.get(kind, [])
        if ids and (gone := len(ids) - still_there(model, ids, model.enterprise_id == keep.id)):
            return _("合并移来的%(kind)s中有 %(n)s 条已删除或移到其他企业，无法准确撤销", kind=label, n=gone)
    ids = entry.moved.get(REPOINTED, [])
    if ids and still_there(Enterprise, ids, Enterprise.merged_into_id == keep.id) < len(ids):
        return _("此前合并到「%(name)s」的企业后来又有变动，无法准确撤销", name=merged.name)
    labels = dict(FIELDS)
    for name, (_before, after) in entry.kept_fields.items():
        if plain(getattr(keep, name)) != after:
            return _("合并后「%(field)s」已修改，无法准确撤销", field=labels[name])
    return None


def stored(name: str, value: Any) -> Any:
    """A field's value as the record holds it (JSON), back as the model takes it."""
    return Ownership(value) if name == "ownership" and value is not None else value


def undo_merge(entry: EnterpriseMerge, *, actor: User) -> Enterprise:
    """Put back exactly what a merge moved and changed; the merged enterprise is restored and returned."""
    keep, merged = entry.kept, entry.merged
    lock(keep, merged)
    db.session.refresh(entry, with_for_update=True)
    if (reason := why_not_undoable(entry, keep, merged)) is not None:
        raise MergeRefused(reason)
    for kind, model, _label in KINDS:
        if ids := entry.moved.get(kind):
            move(model, model.id.in_(ids), {"enterprise_id": merged.id})
    if ids := entry.moved.get(REPOINTED):
        move(Enterprise, Enterprise.id.in_(ids), {"merged_into_id": merged.id})
    for name, (before, _after) in entry.kept_fields.items():
        setattr(keep, name, stored(name, before))
    db.session.flush()  # the credit code leaves keep before merged takes it back
    for name, (before, _after) in entry.merged_fields.items():
        setattr(merged, name, stored(name, before))
    entry.undone_at, entry.undone_by_id = now_utc(), actor.id
    db.session.flush()
    audit("merge_undone", entry, actor, keep, merged)
    return merged
