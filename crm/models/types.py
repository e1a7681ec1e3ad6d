"""Column types shared by the models."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Enum, TypeDecorator
from sqlalchemy.engine import Dialect


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored as UTC on every database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        # SQLite keeps no offset; what we wrote there was UTC.
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Choice(StrEnum):
    """A closed set of values stored as text, each with a label for people."""

    label: Any

    def __new__(cls, value: str, label: Any) -> "Choice":
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        """Return (value, label) pairs for a select field."""
        return [(m.value, m.label) for m in cls]


def choice_type(enum: type[Choice], name: str) -> Enum:
    """Store a Choice as VARCHAR with a CHECK constraint listing its values."""
    return Enum(enum, name=name, native_enum=False, create_constraint=True, length=20,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)


def now_utc() -> datetime:
    """Return the current time, timezone-aware."""
    return datetime.now(UTC)
