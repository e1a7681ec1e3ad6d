"""Visit photos: checked by their content, stored under generated names outside static/."""

import os
import secrets
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from ..extensions import db
from ..models import User, Visit, VisitPhoto

# The first bytes of each accepted format; the name and the declared type are never trusted.
SIGNATURES = {b"\xff\xd8\xff": ("image/jpeg", ".jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", ".png")}


class PhotoRefused(ValueError):
    """A file that is not a JPEG or PNG photo, or too large; the message is for the user."""


def photo_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "photos"


def sniff(head: bytes) -> tuple[str, str] | None:
    """The content type and suffix of a JPEG or PNG, from its first bytes."""
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def read_limited(stream: BinaryIO, limit: int) -> bytes:
    """Read at most limit + 1 bytes, so an oversized file is noticed without reading it all."""
    return stream.read(limit + 1)


def add_photo(visit: Visit, stream: BinaryIO, original_name: str | None, *, actor: User) -> VisitPhoto:
    """Store one photo for a visit."""
    limit = current_app.config["PHOTO_MAX_BYTES"]
    content = read_limited(stream, limit)
    if not content:
        raise PhotoRefused(_("照片文件是空的"))
    if len(content) > limit:
        raise PhotoRefused(_("照片不能超过 %(mb)s MB", mb=limit // (1024 * 1024)))
    kind = sniff(content[:8])
    if kind is None:
        raise PhotoRefused(_("只能上传 JPEG 或 PNG 格式的照片"))
    content_type, suffix = kind
    stored_name = secrets.token_hex(16) + suffix
    folder = photo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{stored_name}.part"
    temporary.write_bytes(content)
    os.replace(temporary, folder / stored_name)  # a reader never sees half a file
    photo = VisitPhoto(visit=visit, stored_name=stored_name, content_type=content_type, size_bytes=len(content),
                       original_name=(os.path.basename(original_name or "")[:200] or None), created_by_id=actor.id)
    db.session.add(photo)
    db.session.flush()
    return photo


def photo_path(photo: VisitPhoto) -> Path:
    return photo_folder() / photo.stored_name


def remove_photo_files(photos: list[VisitPhoto]) -> None:
    """Delete the files of photos whose records are gone (after the commit)."""
    for photo in photos:
        photo_path(photo).unlink(missing_ok=True)
