"""Visit photos: checked by their content, stored under generated names outside static/."""

import os
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from werkzeug.datastructures import FileStorage

from ..core.uploads import JPEG, PNG, UploadRefused, store_upload
from ..domain.refused import Refused
from ..extensions import db
from ..models import User, Visit, VisitPhoto
from ..web.i18n import gettext as _


def photo_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "photos"


def add_photo(visit: Visit, stream: BinaryIO, original_name: str | None, *, actor: User) -> VisitPhoto:
    """Store one photo for a visit; a file that is not a JPEG or PNG photo, or too large, is refused."""
    limit = current_app.config["PHOTO_MAX_BYTES"]
    try:
        stored = store_upload(stream, folder=photo_folder(), accepted=JPEG | PNG, limit=limit)
    except UploadRefused as refused:
        messages = {"empty": _("照片文件是空的"), "too_large": _("照片不能超过 %(mb)s MB", mb=limit // (1024 * 1024)),
                    "wrong_type": _("只能上传 JPEG 或 PNG 格式的照片")}
        raise Refused(messages[refused.reason]) from refused  # about the whole upload: the API names its field
    photo = VisitPhoto(visit=visit, stored_name=stored.stored_name, content_type=stored.content_type,
                       size_bytes=stored.size_bytes, created_by_id=actor.id,
                       original_name=os.path.basename(original_name or "")[:200] or None)
    db.session.add(photo)
    db.session.flush()
    return photo


def save_photos(visit: Visit, uploads: list[FileStorage], *, actor: User) -> None:
    """Store a form's photos; each file stays only if the request's transaction commits (crm/core/uploads.py)."""
    for upload in uploads:
        add_photo(visit, upload.stream, upload.filename, actor=actor)


def photo_path(photo: VisitPhoto) -> Path:
    return photo_folder() / photo.stored_name


def remove_photo_files(photos: list[VisitPhoto]) -> None:
    """Delete the files of photos whose records are gone (after the commit)."""
    for photo in photos:
        photo_path(photo).unlink(missing_ok=True)
