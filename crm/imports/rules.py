"""What every kind of import shares: resolving the names a row gives, finding duplicates, writing in batches.

A kind (crm/imports/project_rows.py and its siblings) subclasses `Rules` and says how its rows are checked
(`check`), which keys make two rows the same record (`keys`), which records on file carry those keys
(`existing`), and how a row is inserted (`records`, `insert`) or applied to the record it duplicates (`apply`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Table, insert

from ..extensions import db
from ..models import User
from ..web.i18n import gettext as _
from .lookups import Lookups
from .outcomes import Fate, ImportOptions, RowOutcome

BATCH = 1000  # rows per executemany, and per progress report
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Existing:
    """A record on file that a row duplicates."""

    id: int
    label: str
    data: dict[str, Any] = field(default_factory=dict)  # what the checks of an update need to know


@dataclass
class CommitContext:
    """What the writing of rows needs: who imports, when, and the ids of the teams and enterprises just created."""

    actor: User
    now: datetime
    options: ImportOptions
    team_ids: dict[str, int]  # "team:<key>" → id
    enterprise_ids: dict[str, int]  # new enterprise key → id
    progress: Progress | None = None
    done: int = 0
    total: int = 0

    def team(self, ref: int | str) -> int:
        return ref if isinstance(ref, int) else self.team_ids[ref]

    def enterprise(self, ref: int | str) -> int:
        return ref if isinstance(ref, int) else self.enterprise_ids[ref]

    def advance(self, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


def batches(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def insert_rows(table: Table, rows: Sequence[dict[str, Any]], ctx: CommitContext, *, returning: bool = False,
                report: bool = True) -> list[int]:
    """Insert rows in batches with one executemany each; with `returning`, the new ids in the rows' order."""
    ids: list[int] = []
    for batch in batches(rows):
        batch = without_nulls(table, batch)
        if returning:
            result = db.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), batch)
            ids.extend(result.scalars())
        else:
            db.session.execute(insert(table), batch)
        if report:
            ctx.advance(len(batch))
    return ids


def without_nulls(table: Table, batch: Sequence[dict[str, Any]]) -> Sequence[dict[str, Any]]:
    """The batch without the columns that are NULL in every row and have no default: fewer values to bind."""
    if not batch:
        return batch
    empty = {key for key in batch[0] if table.c[key].default is None and table.c[key].server_default is None
             and all(row[key] is None for row in batch)}
    if not empty:
        return batch
    return [{key: value for key, value in row.items() if key not in empty} for row in batch]


class Rules:
    """How one kind's rows are checked, matched and written; subclasses fill in the kind's own parts."""

    kind: ClassVar[str]
    label_field: ClassVar[str]
    enterprise_field: ClassVar[str | None] = None  # the field naming an enterprise, for kinds that refer to one
    people_fields: ClassVar[tuple[str, ...]] = ()  # fields naming a user

    def prefetch(self, lookups: Lookups, rows: Sequence[RowOutcome]) -> None:
        """Load in bulk what the rows name."""
        named = [(row.values[self.enterprise_field], row.values.get("credit_code")) for row in rows
                 if self.enterprise_field and self.enterprise_field in row.values]
        people = [row.values[name] for row in rows for name in self.people_fields if name in row.values]
        lookups.prefetch(enterprises=named, people=people)

    def resolve(self, lookups: Lookups, rows: Sequence[RowOutcome]) -> None:
        """Resolve names, check each row, then mark rows repeated in the file (errors) and rows on file."""
        for row in rows:
            if row.fate is Fate.NEW:
                self.refer(lookups, row)
                self.check(row)
        seen: dict[Hashable, int] = {}
        keyed: list[tuple[RowOutcome, list[Hashable]]] = []
        for row in rows:
            if row.fate is not Fate.NEW:
                continue
            keys = self.keys(row.values)
            first = next((seen[key] for key in keys if key in seen), None)
            if first is not None:
                row.error(_("与第%(row)s行是同一条记录", row=first))
                continue
            for key in keys:
                seen[key] = row.row
            keyed.append((row, keys))
        on_file = self.existing([key for _row, keys in keyed for key in keys])
        for row, keys in keyed:
            match = next((on_file[key] for key in keys if key in on_file), None)
            if match is not None:
                row.fate, row.duplicate_of, row.duplicate_label = Fate.DUPLICATE, match.id, match.label
                self.check_update(row, match)

    def refer(self, lookups: Lookups, row: RowOutcome) -> None:
        """Turn the names a row gives into references: ids on file, or keys of new records."""
        values = row.values
        if "team" in values:
            values["team_ref"] = lookups.team(values["team"])
        if self.enterprise_field and self.enterprise_field in values:
            province, city = values.get("origin") or (None, None)
            values["enterprise_ref"] = lookups.enterprise(
                values[self.enterprise_field], values.get("credit_code"), row.row, industry=values.get("industry"),
                province=province, city=city, ownership=values.get("ownership"))
        for name in self.people_fields:
            if name in values:
                user_id, ambiguous = lookups.person(values[name])
                if user_id is None:
                    row.warnings.append(_("“%(name)s”有重名，未设置", name=values[name]) if ambiguous
                                        else _("系统中没有“%(name)s”，未设置", name=values[name]))
                values[name + "_id"] = user_id
        lookups.industry(values.get("industry"))

    def check(self, row: RowOutcome) -> None:
        """Add the errors of rules across fields."""

    def check_update(self, row: RowOutcome, existing: Existing) -> None:
        """Add the errors an update of the record on file would meet."""

    def keys(self, values: dict[str, Any]) -> list[Hashable]:
        raise NotImplementedError

    def existing(self, keys: Iterable[Hashable]) -> dict[Hashable, Existing]:
        raise NotImplementedError

    def insert(self, rows: Sequence[RowOutcome], ctx: CommitContext) -> None:
        raise NotImplementedError

    def apply(self, rows: Sequence[RowOutcome], ctx: CommitContext) -> None:
        """Update the records the rows duplicate with what the rows give (blank cells change nothing)."""
        raise NotImplementedError
