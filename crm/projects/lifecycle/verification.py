"""Verification (认定) of signed projects, and the evidence documents it rests on."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ...access.rights import may
from ...core import audit
from ...core.uploads import JPEG, PDF, PNG, UploadRefused, store_upload
from ...domain.refused import Refused
from ...extensions import db
from ...models import Project, ProjectDocument, User, now_utc
from ...reports.rules import pending
from ...web.i18n import gettext as _
from ...web.i18n import lazy_gettext as _l

DOCUMENT_KINDS = {"agreement": _l("协议"), "licence": _l("营业执照"), "receipt": _l("到资凭证（银行回单）"),
                  "other": _l("其他")}
SUFFIXES = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}
UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|]')


def refuse_unless_verifier(actor: User) -> None:
    if not may(actor, "projects.verify"):
        raise Refused(_("只有管理员可以认定项目"))


def verify(project: Project, *, actor: User, note: str | None = None) -> Project:
    """Verify (认定) a signing, so that it counts in summaries and rankings."""
    refuse_unless_verifier(actor)
    if project.voided:
        raise Refused(_("项目已作废，不能认定"))
    if project.verified:
        raise Refused(_("项目已认定"))
    project.verified, project.verified_at, project.verified_by_id = True, now_utc(), actor.id
    if note and note.strip():
        audit.record("verified", user_id=actor.id, entity="Project", entity_id=project.id, detail=note.strip())
    db.session.flush()
    return project


def withdraw_verification(project: Project, *, actor: User, reason: str | None) -> Project:
    """Withdraw a verification, with the reason on the audit trail; the project stops counting."""
    refuse_unless_verifier(actor)
    reason = (reason or "").strip()
    if not project.verified:
        raise Refused(_("项目尚未认定"))
    if not reason:
        raise Refused(_("撤销认定须填写原因"))
    project.verified, project.verified_at, project.verified_by_id = False, None, None
    audit.record(action="verification_withdrawn", user_id=actor.id, entity="Project", entity_id=project.id,
                 detail=reason)
    db.session.flush()
    return project


def pending_projects() -> Select:
    """Signed projects awaiting verification, oldest signing first."""
    return (select(Project).where(pending())
            .options(selectinload(Project.enterprise), selectinload(Project.team), selectinload(Project.documents))
            .order_by(Project.signed_on, Project.id))


def document_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "documents"


def clean_name(name: str | None) -> str | None:
    """The last part of an uploaded file's name, without characters unsafe in a file name."""
    base = UNSAFE_IN_NAMES.sub("", os.path.basename((name or "").replace("\\", "/"))).strip(" .")
    return base[:200] or None


def add_document(project: Project, stream: BinaryIO, original_name: str | None, kind: str, *,
                 actor: User) -> ProjectDocument:
    """Store one evidence document (PDF, JPEG or PNG, checked by its content) for a project: the office's."""
    refuse_unless_verifier(actor)
    return store_document(project, stream, original_name, kind, actor=actor)


def store_document(project: Project, stream: BinaryIO, original_name: str | None, kind: str, *,
                   actor: User) -> ProjectDocument:
    """Store one document for a project, the caller having checked the actor may (a tranche's receipt: its team)."""
    if kind not in DOCUMENT_KINDS:
        raise Refused(_("请选择材料类别"))
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    try:
        stored = store_upload(stream, folder=document_folder(), accepted=PDF | JPEG | PNG, limit=limit)
    except UploadRefused as refused:
        messages = {"empty": _("文件是空的"), "too_large": _("文件不能超过 %(size)s", size=size_text(limit)),
                    "wrong_type": _("只能上传 PDF、JPEG 或 PNG 格式的文件")}
        raise Refused(messages[refused.reason]) from refused
    document = ProjectDocument(project=project, kind=kind, stored_name=stored.stored_name,
                               content_type=stored.content_type, size_bytes=stored.size_bytes,
                               original_name=clean_name(original_name), uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    return document


def size_text(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size / 1024:g} KB"


def document_path(document: ProjectDocument) -> Path:
    return document_folder() / document.stored_name


def download_name(document: ProjectDocument) -> str:
    """The name a download is saved under: the original one, with the suffix its content calls for."""
    name = clean_name(document.original_name) or f"{document.project.code}-{document.kind}"
    suffixes = SUFFIXES[document.content_type]
    return name if name.lower().endswith(suffixes) else name + suffixes[0]
