"""Uploaded files: checked by their content, stored under generated names outside static/.

A stored file belongs to the database transaction that stores it: it stays only if that transaction commits. A
form refused after a file was written (a later photo refused, a rule refusing the record, a database error) rolls
back, and the files it wrote go with it, so no file is left that no record points to.
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from ..extensions import db

UNCOMMITTED = "uploads_uncommitted"  # session.info key: the files written in the open transaction

# The first bytes of each format we accept; a file's name and declared type are never trusted.
JPEG = {b"\xff\xd8\xff": ("image/jpeg", ".jpg")}
PNG = {b"\x89PNG\r\n\x1a\n": ("image/png", ".png")}
PDF = {b"%PDF-": ("application/pdf", ".pdf")}


class UploadRefused(ValueError):
    """The file is empty, too large, or not of an accepted format: `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "empty", "too_large" or "wrong_type"


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    content_type: str
    size_bytes: int


def sniff(head: bytes, accepted: dict[bytes, tuple[str, str]]) -> tuple[str, str] | None:
    """The content type and suffix of an accepted format, from a file's first bytes."""
    for signature, kind in accepted.items():
        if head.startswith(signature):
            return kind
    return None


def store_upload(stream: BinaryIO, *, folder: Path, accepted: dict[bytes, tuple[str, str]],
                 limit: int) -> StoredFile:
    """Check a file by its content and size, then store it under a random name."""
    content = stream.read(limit + 1)  # one byte past the limit is enough to notice an oversized file
    if not content:
        raise UploadRefused("empty")
    if len(content) > limit:
        raise UploadRefused("too_large")
    found = sniff(content[:8], accepted)
    if found is None:
        raise UploadRefused("wrong_type")
    content_type, suffix = found
    stored_name = secrets.token_hex(16) + suffix
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{stored_name}.part"
    temporary.write_bytes(content)
    os.replace(temporary, folder / stored_name)  # a reader never sees half a file
    keep_if_committed(folder / stored_name)
    return StoredFile(stored_name, content_type, len(content))


def keep_if_committed(path: Path) -> None:
    """Tie a written file to the session's transaction: deleted unless that transaction commits."""
    if not event.contains(Session, "after_transaction_end", remove_uncommitted):
        event.listen(Session, "after_commit", forget_committed)
        event.listen(Session, "after_transaction_end", remove_uncommitted)
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that the transaction's end, commit or not, is seen
    session.info.setdefault(UNCOMMITTED, []).append(path)


def forget_committed(session: Session) -> None:
    """The outermost transaction committed: its files are the records' now."""
    if not session.in_nested_transaction():  # a savepoint released commits nothing yet
        session.info.pop(UNCOMMITTED, None)


def remove_uncommitted(session: Session, transaction: SessionTransaction, *args: Any) -> None:
    """The outermost transaction ended without a commit (rolled back, or closed): delete what it wrote."""
    if transaction.parent is not None:
        return
    for path in session.info.pop(UNCOMMITTED, []):
        path.unlink(missing_ok=True)
