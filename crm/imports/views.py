"""Bringing spreadsheets in: upload, confirm the columns, preview every row, then import all or nothing."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge

from ..access.rights import may, requires
from ..extensions import db
from ..models import ImportJob, ImportJobStatus
from ..web.errors import render_error
from ..web.forms import form_status
from ..web.i18n import gettext as _
from . import jobs, runner
from .cli import column_letter
from .fields import FIELDS
from .forms import KIND_LABELS, UploadForm, chosen_mapping, import_form, mapping_form, parse_rates, team_choices
from .preview_rows import rows_page
from .reading import ImportRefused

TOO_LARGE = frozenset({"too_large", "too_many_rows", "too_many_cells", "memory", "timeout"})  # answered 413

LIST_ENDPOINTS = {"enterprises": "enterprises.index", "leads": "leads.table", "projects": "projects.index",
                  "visits": "visits.index"}
DETAIL_ENDPOINTS = {"enterprises": ("enterprises.detail", "enterprise_id"), "leads": ("leads.detail", "lead_id"),
                    "projects": ("projects.detail", "project_id"), "visits": ("visits.detail", "visit_id")}


def render_upload(form: FlaskForm, *, error: str | None = None, status: int = 200):
    return render_template("imports/index.html", form=form, error=error, jobs=jobs.recent_jobs(),
                           kinds=KIND_LABELS), status


def too_large(error: RequestEntityTooLarge):
    """A request past the app's limit is refused before any view reads it: say so as for any file over 20 MB."""
    # The body past the limit is never read: the page saying so (its forms among them) sees an empty form.
    empty = request.parameter_storage_class()
    request.__dict__.update(form=empty, files=empty)
    if not may(current_user, "imports.run"):
        return render_error(403)
    return render_upload(UploadForm(formdata=None), error=_("文件超过20MB，请拆分后再导入"), status=413)


@requires("imports.run")
def index():
    """Choose what to import and upload the file."""
    form = UploadForm()
    if not form.validate_on_submit():
        return render_upload(form, status=form_status())
    try:
        job = jobs.receive_upload(form.file.data.stream, form.file.data.filename, kind=form.kind.data,
                                  sheet=form.sheet.data or None, rates=parse_rates(form.rates.data),
                                  actor=current_user)
    except ImportRefused as refused:
        return render_upload(form, error=refused.message, status=413 if refused.reason in TOO_LARGE else 400)
    db.session.commit()
    return redirect(url_for("imports.mapping", job_id=job.id))


@requires("imports.run")
def mapping(job_id: int):
    """Show each column's field; on confirming, remember the mapping and check every row in the background."""
    job = db.get_or_404(ImportJob, job_id)
    if job.status not in jobs.MAPPABLE or job.stored_name is None:
        flash(_("这个导入已经开始或已经结束，不能再修改列对应"), "info")
        return redirect(url_for("imports.job", job_id=job.id))
    columns = job.layout["columns"]
    form = mapping_form(job.kind, columns)
    if not form.validate_on_submit():
        return render_mapping(job, form, columns), form_status()
    try:
        jobs.confirm_mapping(job, chosen_mapping(form, columns), actor=current_user)
    except ImportRefused as refused:
        db.session.rollback()
        return render_mapping(job, form, columns, error=refused.message), form_status()
    db.session.commit()
    runner.start(job_id, "preview")
    return redirect(url_for("imports.job", job_id=job_id))


def render_mapping(job: ImportJob, form: FlaskForm, columns: list[Any], *, error: str | None = None) -> str:
    """The mapping page: each column with its samples and the field it goes to, and any field still missing."""
    layout = jobs.layout_from_record(job.layout)
    return render_template("imports/mapping.html", job=job, form=form, layout=layout, columns=columns,
                           samples=job.layout.get("samples", {}), missing=layout.missing(), error=error,
                           fields={spec.name: spec for spec in FIELDS[job.kind]}, kinds=KIND_LABELS,
                           letter=column_letter)


def render_preview(job: ImportJob, form: FlaskForm | None = None, *, error: str | None = None, status: int = 200):
    summary = job.summary or {}
    return render_template(
        "imports/preview.html", job=job, summary=summary, counts=summary.get("counts", {}), error=error,
        form=form or import_form(summary.get("new_teams", []), jobs.team_options()),
        page=rows_page(job.rows or [], job.kind), detail=DETAIL_ENDPOINTS[job.kind], kinds=KIND_LABELS), status


@requires("imports.run")
def job_page(job_id: int):
    """A job's page: its progress while it runs, then its preview, its result, or why it failed."""
    job = db.get_or_404(ImportJob, job_id)
    state = jobs.job_state(job)  # a job seen to have died is recorded as failed
    if job.status is ImportJobStatus.UPLOADED:
        return redirect(url_for("imports.mapping", job_id=job.id))
    if not state.finished:
        return render_template("imports/progress.html", job=job, state=state, kinds=KIND_LABELS)
    if job.status is ImportJobStatus.PREVIEWED:
        return render_preview(job)
    if job.status is ImportJobStatus.DONE:
        return render_template("imports/result.html", job=job, summary=job.summary or {},
                               result=(job.summary or {}).get("result", {}), list_endpoint=LIST_ENDPOINTS[job.kind],
                               kinds=KIND_LABELS)
    return render_template("imports/failed.html", job=job, state=state, kinds=KIND_LABELS)


@requires("imports.run")
def progress(job_id: int):
    """Where a job is, as JSON, for its page to poll."""
    job = db.get_or_404(ImportJob, job_id)
    state = jobs.job_state(job)  # a job seen to have died is recorded as failed
    response = jsonify(state.as_dict() | {"url": url_for("imports.job", job_id=job.id)})
    response.headers["Cache-Control"] = "no-store"
    return response


@requires("imports.run")
def start_import(job_id: int):
    """Import a previewed file as chosen: checked again and written, all rows or none, in the background."""
    job = db.get_or_404(ImportJob, job_id)
    if job.status is not ImportJobStatus.PREVIEWED:
        flash(_("这个导入已经开始或已经结束，请刷新页面"), "info")
        return redirect(url_for("imports.job", job_id=job.id))
    new_teams = (job.summary or {}).get("new_teams", [])
    form = import_form(new_teams, jobs.team_options())
    if not form.validate_on_submit():
        return render_preview(job, form, status=422)
    choices: dict[str, Any] = team_choices(form, new_teams)
    try:
        jobs.queue_import(job, duplicates=form.duplicates.data, confirm_new=form.confirm_new.data,
                          team_choices=choices, actor=current_user)
    except ImportRefused as refused:
        db.session.rollback()
        return render_preview(job, form, error=refused.message, status=409 if refused.reason == "busy" else 422)
    db.session.commit()
    runner.start(job_id, "import", address=request.remote_addr)
    return redirect(url_for("imports.job", job_id=job_id))
