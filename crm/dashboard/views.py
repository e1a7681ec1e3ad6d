"""The dashboard: the district's figures at a glance."""

from flask import Blueprint, render_template

from ..auth.access import requires
from ..periods import Period, today
from ..reports.summary import brief, district_summary

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@requires("dashboard.view")
def index():
    """Show the district summary for the current year."""
    period = Period.year(today().year)
    summary = district_summary(period, today())
    return render_template("dashboard/index.html", period=period, summary=summary, brief=brief(summary, today()))
