"""The two rankings: 亿元以上项目榜 and 专班排名, the scoring rule, and quarters frozen as published."""

from functools import partial
from typing import Any

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from ..access.rights import requires
from ..access.visibility import ranked_district
from ..domain.periods import Period, today
from ..domain.sizes import SIZE_BUCKETS
from ..extensions import db
from ..models import District, TargetMetric
from ..reports.colours import Colour, team_colours
from ..reports.figures import METRICS
from ..reports.forms import ReportPeriodForm
from ..reports.project_ranking import yi_page, yi_totals
from ..reports.team_ranking import team_ranking
from ..web.forms import id_arg
from ..web.i18n import lazy_gettext as _l
from ..web.pagination import link_args, paginate_fetched
from . import services
from .filter_form import filter_form
from .forms import FreezeForm, ProjectRankingForm
from .labels import METRIC_LABELS, metric_value
from .shown_rows import shown_projects

EXPORT_ENDPOINT = "exports.download"
EXPORT_FORMATS = (("xlsx", _l("导出Excel")), ("csv", _l("导出CSV")))
BUCKET_LABELS = {key: label for key, (_, label) in SIZE_BUCKETS.items()}
# The targets whose completion the ranking's table shows; the others are on each team's page.
MAIN_TARGETS = ((TargetMetric.SIGNED_INVESTMENT, _l("投资额完成率")),
                (TargetMetric.SIGNED_PROJECTS, _l("签约项目完成率")),
                (TargetMetric.YI_PROJECTS, _l("亿元以上完成率")))


def ranking_helpers() -> dict[str, Any]:
    return {"main_targets": MAIN_TARGETS, "metric_labels": METRIC_LABELS, "metric_value": metric_value,
            "metrics": METRICS, "colour_columns": (Colour.RED, Colour.YELLOW)}


def chosen_period(form: ReportPeriodForm) -> Period | None:
    """The period the query string names, or None when it names none that can be."""
    if not form.validate():
        return None
    try:
        return form.report_period()
    except ValueError:  # a period that cannot be (the form catches what it can name)
        return None


def query_args() -> dict[str, str]:
    """The query string minus the page number: what links to other views of the same list keep."""
    return link_args("team_id")  # the ranking's rows link to rankings.team by team_id (`district` is kept)


def export_links(name: str, args: dict[str, str]) -> list[tuple[Any, str]]:
    """Links to the list's export files, once the export feature is installed; none before."""
    if EXPORT_ENDPOINT not in current_app.view_functions:
        return []
    try:
        query = {key: value for key, value in args.items() if key not in ("name", "ext")}
        return [(label, url_for(EXPORT_ENDPOINT, name=name, ext=ext, **query)) for ext, label in EXPORT_FORMATS]
    except BuildError:
        return []


@requires("rankings.view")
def projects():
    """亿元以上项目榜: counted projects of 1亿元 or more signed in the period, largest first, with totals."""
    form = ProjectRankingForm(request.args)
    period = chosen_period(form)
    if period is None:
        return render_template("rankings/projects.html", form=form, filters=filter_form(form, "rankings.projects"),
                               page=None, args={}, exports=[]), 400
    criteria = form.criteria(period)
    totals = yi_totals(criteria)
    page = paginate_fetched(partial(yi_page, criteria), total=totals.count)
    args = query_args()
    first_rank = (page.page - 1) * page.per_page + 1
    return render_template("rankings/projects.html", form=form, filters=filter_form(form, "rankings.projects"),
                           page=page, period=period,
                           rows=shown_projects(page.items, first_rank), totals=totals,
                           args=args, exports=export_links("ranking", args), buckets=BUCKET_LABELS)


@requires("rankings.view")
def teams():
    """专班排名: every team's figures, completion, score and rank for the period."""
    form = ReportPeriodForm(request.args)
    period = chosen_period(form)
    if period is None:
        return render_template("rankings/teams.html", form=form, ranking=None, args={}), 400
    day = today()
    district_id = ranked_district(current_user, id_arg("district"))
    quarter = services.quarter_of(period)
    snapshot = services.snapshot_of(*quarter, district_id) if quarter else None
    freeze_form = None
    if quarter and snapshot is None:
        freeze_form = FreezeForm(formdata=None, year=quarter[0], quarter=quarter[1])
    return render_template("rankings/teams.html", form=form, ranking=team_ranking(period, day, district_id=district_id),
                           args=query_args(), snapshot=snapshot, freeze_form=freeze_form, running=period.end >= day,
                           district=db.session.get(District, district_id), colours=team_colours(day, district_id))


@requires("rankings.view")
def team(team_id: int):
    """One team's score taken apart: each metric's value, basis, weight and points, and the deduction."""
    form = ReportPeriodForm(request.args)
    period = chosen_period(form)
    if period is None:
        abort(400)
    ranking = team_ranking(period, today(), district_id=ranked_district(current_user, id_arg("district")))
    row = next((r for r in ranking.rows if r.team_id == team_id), None)
    if row is None:
        abort(404)
    return render_template("rankings/team.html", ranking=ranking, row=row,
                           back=url_for("rankings.teams", **query_args()), frozen=None)


