"""The 月报/季报 page (a period chooser and a preview) and the Word document's download."""

import io

from flask import render_template, request, send_file
from flask_login import current_user

from ..access.rights import requires
from ..access.visibility import viewed_district
from ..domain.periods import today
from ..web.forms import id_arg
from .content import front, gather
from .document import report_document
from .downloads import DOCX, note_download
from .forms import ReportDocumentForm


@requires("reports.document")
def monthly():
    """Choose a month, a quarter or a range; see the report's title and headline figures; download it."""
    form = ReportDocumentForm(request.args)
    period = form.chosen_period()
    if period is None:
        return render_template("report_document/monthly.html", form=form, errors=form.refusal(), shown=None), 422
    district_id = viewed_district(current_user, id_arg("district"))
    shown = front(period, today(), district_id)
    query = form.query(period) | ({"district": str(district_id)} if district_id is not None else {})
    return render_template("report_document/monthly.html", form=form, shown=shown, query=query)


@requires("reports.document")
def download():
    """The report as a .docx file, for the reader's district (the city's: every district, or the one chosen)."""
    form = ReportDocumentForm(request.args)
    period = form.chosen_period()
    if period is None:
        return render_template("report_document/monthly.html", form=form, errors=form.refusal(), shown=None), 422
    content = gather(period, today(), viewed_district(current_user, id_arg("district")))
    data = report_document(content)
    note_download(content, current_user, request.remote_addr)
    return send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True, download_name=f"{content.title}.docx")
