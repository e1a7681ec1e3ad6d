"""What the user chose for an import, and the fate of one row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Fate(StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class ImportOptions:
    """The user's choices for one import."""

    duplicates: str = "skip"  # "update" or "skip" the rows matching a record on file
    confirm_new: bool = False  # create the new teams and enterprises the rows name
    rates: Mapping[str, Decimal] = field(default_factory=dict)  # yuan per unit, e.g. {"USD": Decimal("7.1")}
    team_choices: Mapping[str, int] = field(default_factory=dict)  # a team name in the file → a team on file

    def __post_init__(self) -> None:
        if self.duplicates not in ("update", "skip"):
            raise ValueError("duplicates must be 'update' or 'skip'")


@dataclass
class RowOutcome:
    """One row's fate."""

    row: int  # as the user sees it: 1-based, title rows counted
    fate: Fate
    label: str = ""  # what the row is: a project's or an enterprise's name
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicate_of: int | None = None  # id of the record on file
    duplicate_label: str | None = None
    values: dict[str, Any] = field(default_factory=dict, repr=False)

    def error(self, message: str) -> None:
        self.reasons.append(message)
        self.fate = Fate.ERROR

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "fate": self.fate.value, "label": self.label, "reasons": self.reasons,
                "warnings": self.warnings, "duplicate_of": self.duplicate_of, "duplicate_label": self.duplicate_label}


