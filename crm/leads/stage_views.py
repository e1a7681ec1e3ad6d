"""Moving a lead through its stages, and signing an agreed lead as a project."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..access.changes import editable_or_404
from ..access.rights import requires
from ..domain.money import Unit
from ..domain.refused import Refused
from ..extensions import db
from ..models import Lead, LeadStage
from ..projects.records import services as projects
from ..web.errors import render_error
from ..web.forms import form_status
from ..web.i18n import gettext as _
from . import services
from .forms import SignForm, StageForm, amount_text
from .pages import render_detail


@requires("leads.edit")
def move(lead_id: int):
    """Move a lead to another stage; 已放弃 needs a reason."""
    lead = editable_or_404(Lead, lead_id, current_user)
    form = StageForm()
    if not form.validate_on_submit():
        return render_detail(lead, error=form.problem(), status=422)
    try:
        services.move_stage(lead, LeadStage(form.stage.data), actor=current_user, note=form.note.data,
                            reason=form.reason.data)
        db.session.commit()
    except Refused as error:
        db.session.rollback()
        return render_detail(lead, error=error.message, status=422)
    except StaleDataError:
        db.session.rollback()
        return render_error(409)
    flash(_("已移至“%(stage)s”", stage=lead.stage.label), "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))


def unsignable(lead: Lead, refusal: str):
    """A lead that cannot be signed now: back to its page with the reason (a 422 when a signing was sent)."""
    if request.method == "GET":
        flash(refusal, "error")
        return redirect(url_for("leads.detail", lead_id=lead.id))
    return render_detail(lead, error=refusal, status=422)


def sign_form(lead: Lead) -> SignForm:
    """The signing form, at first with the lead's title, industry and intended investment."""
    form = SignForm()
    if request.method == "GET":
        form.name.data, form.industry.data = lead.title, lead.industry
        form.investment.data = amount_text(lead.intended_investment_yuan, Unit.WAN)
    return form


def signed_meanwhile(lead_id: int, form: SignForm):
    """Someone signed at the same moment: the code or the lead was taken. Nothing was saved (409)."""
    db.session.rollback()
    lead = db.get_or_404(Lead, lead_id)
    flash(_("签约未保存：与他人同时提交，请核对后重新提交"), "error")
    return render_template("leads/sign.html", lead=lead, form=form), 409


@requires("leads.edit")
def sign(lead_id: int):
    """Record the signing of an agreed lead as a project."""
    lead = editable_or_404(Lead, lead_id, current_user)
    if (refusal := projects.signing_refusal(lead)) is not None:
        return unsignable(lead, refusal)
    form = sign_form(lead)
    if not form.validate_on_submit():
        return render_template("leads/sign.html", lead=lead, form=form), form_status()
    try:
        project = projects.sign_lead(lead, actor=current_user, **form.payload())
        db.session.commit()
    except (IntegrityError, StaleDataError):
        return signed_meanwhile(lead_id, form)
    flash(_("项目已签约，编号 %(code)s", code=project.code), "success")
    return redirect(url_for("leads.detail", lead_id=lead.id))
