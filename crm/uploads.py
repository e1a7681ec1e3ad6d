"""Uploaded files: checked by their content, stored under generated names outside static/."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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
    return StoredFile(stored_name, content_type, len(content))
