"""Merging a duplicate enterprise: choosing the one to keep, the preview, the confirmation, and undoing it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access.rights import requires
from ..auth.fresh import fresh_sign_in_required
from ..extensions import db
from ..models import Enterprise, EnterpriseMerge
from ..web.forms import form_status
from ..web.i18n import gettext as _
from . import merging, services
from .forms import ContactForm, MergeForm, MergePreviewForm, UndoMergeForm
from .views import page_url, render_detail, to_kept


@requires("enterprises.merge")
@fresh_sign_in_required
def merge(enterprise_id: int):
    """Choose the enterprise to keep (GET); merge into it, as its preview showed (POST)."""
    merged = db.get_or_404(Enterprise, enterprise_id)
    if merged.merged_into_id is not None:
        return to_kept(merged)
    form = MergeForm()
    if not form.validate_on_submit():
        return merge_page(form, merged, form_status())
    try:
        kept = merging.merge_enterprises(chosen(form.keep_id.data), merged, actor=current_user)
    except merging.MergeRefused as error:
        return merge_refused(form, merged, str(error))
    db.session.commit()
    flash(_("已将「%(merged)s」合并到「%(kept)s」", merged=merged.name, kept=kept.name), "success")
    return redirect(url_for("enterprises.detail", enterprise_id=kept.id))


@requires("enterprises.merge")
@fresh_sign_in_required
def merge_preview(enterprise_id: int):
    """What merging into the chosen enterprise would do, changing nothing, with the button that does it."""
    merged = db.get_or_404(Enterprise, enterprise_id)
    if merged.merged_into_id is not None:
        return to_kept(merged)
    form = MergePreviewForm(request.args)
    if not form.validate():
        return merge_page(form, merged, 422)
    try:
        shown = merging.preview(chosen(form.keep_id.data), merged)
    except merging.MergeRefused as error:
        return merge_refused(form, merged, str(error))
    confirm = MergeForm(formdata=None, keep_id=shown.keep.id)
    return render_template("enterprises/merge_preview.html", preview=shown, keep=shown.keep, merged=merged,
                           form=confirm, page_url=page_url)


@requires("enterprises.merge")
@fresh_sign_in_required
def undo_merge(enterprise_id: int):
    """Undo a merge into this enterprise: exactly what it moved and changed goes back, or it is refused."""
    kept = db.get_or_404(Enterprise, enterprise_id)
    form = UndoMergeForm()
    if not form.validate_on_submit():
        return render_detail(kept, ContactForm(formdata=None), 422)
    entry = db.session.get(EnterpriseMerge, form.merge_id.data)
    if entry is None or entry.kept_id != kept.id:
        abort(404)
    try:
        merged = merging.undo_merge(entry, actor=current_user)
    except merging.MergeRefused as error:
        db.session.rollback()
        flash(str(error), "error")
        return render_detail(kept, ContactForm(formdata=None), 422)
    db.session.commit()
    flash(_("已撤销合并，「%(merged)s」已恢复为独立企业", merged=merged.name), "success")
    return redirect(url_for("enterprises.detail", enterprise_id=merged.id))


def chosen(keep_id: int) -> Enterprise:
    """The enterprise of the id typed or picked as the one to keep."""
    keep = db.session.get(Enterprise, keep_id)
    if keep is None:
        raise merging.MergeRefused(_("没有编号为 %(id)s 的企业", id=keep_id))
    return keep


def merge_page(form: MergeForm | MergePreviewForm, merged: Enterprise, status: int) -> tuple[str, int]:
    """The merge page, with the enterprises a search (`q`) finds to keep instead."""
    q = request.args.get("q", "").strip()[:200]
    return render_template("enterprises/merge.html", form=form, merged=merged, q=q,
                           candidates=services.merge_candidates(merged, q)), status


def merge_refused(form: MergeForm | MergePreviewForm, merged: Enterprise, message: str) -> tuple[str, int]:
    """Nothing merged: the merge page again with the reason beside the enterprise to keep."""
    db.session.rollback()
    form.keep_id.errors.append(message)
    return merge_page(form, merged, 422)
