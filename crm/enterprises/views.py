"""Enterprises: the shared register (企业库) and its contacts (merging duplicates: merge_views)."""

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..access.rights import requires
from ..core.stale_edits import StaleEdit, beside_stored
from ..extensions import db
from ..models import Contact, Enterprise
from ..web.forms import form_status
from ..web.i18n import gettext as _
from ..web.pagination import paginate
from . import contacts, merging, services
from .forms import ContactForm, EnterpriseForm, FilterForm
from .resolver import current


def page_url(section: str, record_id: int) -> str | None:
    """The address of a record's page when the app serves one (visits, leads, projects), else None."""
    path = f"/{section}/{record_id}"
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return request.script_root + path


def to_kept(enterprise: Enterprise):
    """Send a change to a merged enterprise to the one that was kept."""
    kept = current(enterprise)
    flash(_("该企业已合并到「%(name)s」，请在保留的企业上操作", name=kept.name), "info")
    return redirect(url_for("enterprises.detail", enterprise_id=kept.id))


@requires("enterprises.view")
def index():
    """List the enterprises, searched by name or credit code and filtered."""
    form = FilterForm(request.args, list(services.industries()))
    if not form.validate():
        return render_template("enterprises/index.html", form=form, page=None, criteria={}), 400
    criteria = form.criteria()
    page = paginate(services.search_enterprises(**criteria))
    return render_template("enterprises/index.html", form=form, page=page, criteria=criteria)


@requires("enterprises.view")
def detail(enterprise_id: int):
    """Show an enterprise with its contacts and the work on it the viewer may see."""
    return render_detail(db.get_or_404(Enterprise, enterprise_id), ContactForm())


def render_detail(enterprise: Enterprise, contact_form: ContactForm, status: int = 200,
                  revealed: frozenset[int] = frozenset()):
    """Render an enterprise's page, with the contact form as given and the contacts revealed to the viewer."""
    kept = current(enterprise) if enterprise.merged_into_id is not None else None
    in_full = {c.id for c in enterprise.contacts if contacts.shown_in_full(current_user, c)} | revealed
    return render_template("enterprises/detail.html", enterprise=enterprise, kept=kept, contact_form=contact_form,
                           page_url=page_url, limit=services.ACTIVITY_LIMIT, in_full=in_full,
                           merges=merging.merges_into(enterprise), merge_kinds=merging.KIND_LABELS,
                           **services.enterprise_activity(enterprise, current_user)), status


@requires("enterprises.edit")
def create():
    """Add an enterprise."""
    return save(EnterpriseForm(), None)


@requires("enterprises.edit")
def edit(enterprise_id: int):
    """Change an enterprise."""
    enterprise = db.get_or_404(Enterprise, enterprise_id)
    if enterprise.merged_into_id is not None:
        return to_kept(enterprise)
    # A submission carries every field, its version among them: nothing is taken from the stored enterprise.
    shown = request.method == "GET"
    return save(EnterpriseForm(obj=enterprise if shown else None, enterprise=enterprise), enterprise)


def save(form: EnterpriseForm, enterprise: Enterprise | None):
    """Save the form; a taken credit code is refused, a look-alike name asks for confirmation."""
    def page(**extra):
        return render_template("enterprises/form.html", form=form, enterprise=enterprise,
                               industries=services.industries(), **extra)
    if not form.validate_on_submit():
        return page(), form_status()
    try:
        saved = services.save_enterprise(enterprise, actor=current_user, confirmed=form.confirm.data,
                                         **form.payload())
        db.session.commit()
    except (StaleEdit, StaleDataError):
        db.session.rollback()
        return page(conflict=stale_conflict(form, enterprise.id)), 409
    except services.DuplicateCreditCode as error:
        db.session.rollback()
        form.credit_code.errors.append(_("该统一社会信用代码已登记在另一家企业名下"))
        return page(duplicate=error.existing), 422
    except services.LookAlikes as error:
        db.session.rollback()
        return page(look_alikes=error.matches), 422
    except IntegrityError:  # another user saved the same credit code a moment ago
        db.session.rollback()
        form.credit_code.errors.append(_("该统一社会信用代码刚被登记，请刷新后核对"))
        return page(), 422
    flash(_("已保存企业 %(name)s", name=saved.name), "success")
    return redirect(url_for("enterprises.detail", enterprise_id=saved.id))


def stale_conflict(typed: EnterpriseForm, enterprise_id: int) -> list[tuple[str, str, str]]:
    """What is stored now beside what the user typed; the form keeps what they typed, at the stored version."""
    enterprise = db.get_or_404(Enterprise, enterprise_id)
    stored = EnterpriseForm(formdata=None, obj=enterprise, enterprise=enterprise)
    stored.confirm.data = typed.confirm.data  # a choice of this save, not a value of the enterprise
    return beside_stored(typed, stored, enterprise.version)


@requires("enterprises.edit")
def add_contact(enterprise_id: int):
    """Add a person at an enterprise."""
    enterprise = db.get_or_404(Enterprise, enterprise_id)
    if enterprise.merged_into_id is not None:
        return to_kept(enterprise)
    form = ContactForm()
    if not form.validate_on_submit():
        return render_detail(enterprise, form, 422)
    contacts.add_contact(enterprise, added_by=current_user, name=form.name.data, title=form.title.data,
                         phone=form.phone.data, wechat=form.wechat.data)
    db.session.commit()
    flash(_("已添加联系人 %(name)s", name=form.name.data.strip()), "success")
    return redirect(url_for("enterprises.detail", enterprise_id=enterprise.id, _anchor="contacts"))


@requires("enterprises.edit")  # the district's people: the city, which only reads, sees numbers masked
def reveal_contact(enterprise_id: int, contact_id: int):
    """Show a contact's phone and WeChat ID in full (查看完整号码), recorded in the audit trail."""
    contact = db.get_or_404(Contact, contact_id)
    if contact.enterprise_id != enterprise_id:
        abort(404)
    contacts.reveal_contact(contact, viewer=current_user, address=request.remote_addr)
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":  # js/contact-reveal.js, filling in the page in place
        response = jsonify(phone=contact.phone or "", wechat=contact.wechat or "")
    else:
        response = make_response(render_detail(contact.enterprise, ContactForm(formdata=None),
                                               revealed=frozenset({contact.id})))
    response.headers["Cache-Control"] = "no-store"  # personal information: kept by no cache
    return response


@requires("enterprises.edit")
def delete_contact(enterprise_id: int, contact_id: int):
    """Remove a person from an enterprise."""
    contact = db.get_or_404(Contact, contact_id)
    if contact.enterprise_id != enterprise_id:
        abort(404)
    name = contact.name
    contacts.delete_contact(contact)
    db.session.commit()
    flash(_("已删除联系人 %(name)s", name=name), "success")
    return redirect(url_for("enterprises.detail", enterprise_id=enterprise_id, _anchor="contacts"))
