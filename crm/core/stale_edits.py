"""Edits made from an older version of a record: refused, and shown beside the newer values.

A versioned record (its model names `version` as SQLAlchemy's version_id_col) is edited through a form that carries
the version it was opened at. Saving checks it first: an edit from an older version is refused with 409, nothing of
it applied, and the page shows what is stored now beside what the user typed, which stays in the form.

A record whose row is also written by other than its edit form (a user's, at each sign-in) is versioned by hand
instead: its version is raised by bump_version alone, by the changes that would make an open form stale.

A form that covers a set of rows, where clearing a value deletes its row, cannot be guarded by the rows' versions
(a row deleted and made again starts over at 1): it carries the fingerprint of the set as it was read instead, and
saving refuses it (StaleSet) when the stored set's fingerprint differs.
"""

import hashlib
from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import update
from wtforms import Field, HiddenField
from wtforms.fields.choices import SelectFieldBase
from wtforms.validators import ValidationError

from ..extensions import db
from ..web.i18n import lazy_gettext as _l


class StaleEdit(Exception):
    """The edit was made from an older version of the record than the one stored."""

    def __init__(self, record: Any, version: int) -> None:
        super().__init__(f"{type(record).__name__} {record.id} is at version {record.version}, "
                         f"the edit was made from {version}")
        self.record = record


FINGERPRINT_LENGTH = 16  # hex digits: 64 bits, no two states of one form's rows alike by chance


class StaleSet(Exception):
    """The rows a form covers changed since it was opened: their fingerprint is not the one the form carries."""


def fingerprint(pairs: Iterable[tuple[Any, Any]]) -> str:
    """A short hash of a set of (key, value) pairs, in whatever order they are read."""
    text = "\n".join(sorted(f"{key}:{value}" for key, value in pairs))
    return hashlib.sha256(text.encode()).hexdigest()[:FINGERPRINT_LENGTH]


def check_fingerprint(pairs: Iterable[tuple[Any, Any]], opened: str) -> None:
    """Refuse an edit of a set of rows made from another state of them than the stored one."""
    if fingerprint(pairs) != opened:
        raise StaleSet(opened)


def check_version(record: Any, version: int) -> None:
    """Refuse an edit made from another version than the stored one."""
    if version != record.version:
        raise StaleEdit(record, version)


def bump_version(record: Any, version: int | None = None) -> None:
    """Raise the version of a record versioned by hand, in one conditional UPDATE.

    Given the version an edit was made from, only from that one: an edit made from an older version, or racing
    another that raised it first, matches no row and is refused (StaleEdit).
    """
    model = type(record)
    change = update(model).where(model.id == record.id)
    if version is not None:
        change = change.where(model.version == version)
    result = db.session.execute(change.values(version=model.version + 1),
                                execution_options={"synchronize_session": False})
    if result.rowcount != 1:
        raise StaleEdit(record, version)
    db.session.refresh(record, ["version"])


def version_field() -> HiddenField:
    """The hidden field that carries the version a form was opened at."""
    return HiddenField(validators=[valid_version])


def valid_version(form: FlaskForm, field: Field) -> None:
    value = field.data or ""
    if not (value.isdigit() and len(value) < 10):
        raise ValidationError(_l("页面已过期，请刷新后重试"))


def fingerprint_field() -> HiddenField:
    """The hidden field that carries the fingerprint of the rows a form was opened with."""
    return HiddenField(validators=[valid_fingerprint])


def valid_fingerprint(form: FlaskForm, field: Field) -> None:
    value = field.data or ""
    if len(value) != FINGERPRINT_LENGTH or value.strip("0123456789abcdef"):
        raise ValidationError(_l("页面已过期，请刷新后重试"))


def beside_stored(typed: FlaskForm, stored: FlaskForm, version: int) -> list[tuple[str, str, str]]:
    """What a refused edit's 409 page shows: (label, stored, typed) for each field where the two differ.

    The page shows the typed form, keeping what the user typed; it now carries the stored version, so that saving
    it again, a choice made having seen the newer values, applies what they typed.
    """
    typed.version.data = str(version)
    return differences(stored, typed)


def differences(stored: FlaskForm, typed: FlaskForm) -> list[tuple[str, str, str]]:
    """(label, stored, typed) for each field where what was typed differs from what is stored now."""
    rows = []
    for field in typed:
        if field.type in ("HiddenField", "CSRFTokenField") or field.name not in stored:
            continue
        before, after = shown(stored[field.name]), shown(field)
        if before != after:
            rows.append((str(field.label.text), before, after))
    return rows


def shown(field: Field) -> str:
    """A field's value as its form shows it."""
    if isinstance(field, SelectFieldBase):  # a select, radio buttons or checkboxes: the labels chosen
        chosen = [str(choice.label) for choice in field.iter_choices() if choice.selected]
        return "、".join(chosen) or "—"
    if field.type == "BooleanField":
        return str(_l("是") if field.data else _l("否"))
    return (field._value() or "").strip() or "—"
