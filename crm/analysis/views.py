"""多维分析: a figure split by rows and months, quarters or years, with its totals, chart and export links."""

from flask import render_template, request
from flask_login import current_user

from ..access.rights import requires
from ..access.visibility import is_city
from ..domain.refused import Refused
from ..reports.pivot import MEASURES
from ..web.forms import id_arg
from ..web.refusals import refused
from .forms import AnalysisForm
from .services import form_query, pivot_table

TEMPLATE = "analysis/index.html"
APPLICABLE = {key: list(measure.dimensions) for key, measure in MEASURES.items()}  # for the form's script


@requires("analysis.view")
def index():
    """The table the query asks for (this year's signings by team and month when it asks for none)."""
    form = AnalysisForm(request.args, city=is_city(current_user))
    try:
        query = form_query(form, current_user, id_arg("district"))
    except Refused as error:
        return refused(error, TEMPLATE, form, table=None, args={}, applicable=APPLICABLE)
    args = {key: value for key, value in request.args.items() if value}
    return render_template(TEMPLATE, form=form, table=pivot_table(query), args=args, applicable=APPLICABLE)
