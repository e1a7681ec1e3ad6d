"""市级拉练排名: the city's districts ranked side by side, the city's scoring rule, and its frozen quarters."""

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from ..access.rights import requires
from ..access.visibility import is_city
from ..domain.periods import today
from ..extensions import db
from ..models import RankingSnapshot
from ..reports.colours import district_colours
from ..reports.district_ranking import district_ranking
from ..reports.forms import ReportPeriodForm
from . import publishing, services
from .forms import CityWeightsForm, FreezeForm
from .views import chosen_period, export_links, query_args


@requires("districts.view")
def districts():
    """The city's districts for the period: figures, completion, score and rank, with the city's totals."""
    form = ReportPeriodForm(request.args)
    period = chosen_period(form)
    if period is None:
        return render_template("rankings/districts.html", form=form, ranking=None, args={}, exports=[]), 400
    day = today()
    quarter = services.quarter_of(period)
    snapshot = services.snapshot_of(*quarter, None) if quarter else None
    freeze_form = FreezeForm(formdata=None, year=quarter[0], quarter=quarter[1]) if quarter and not snapshot else None
    args = query_args()
    return render_template("rankings/districts.html", form=form, ranking=district_ranking(period, day), args=args,
                           exports=export_links("districts", args), snapshot=snapshot, freeze_form=freeze_form,
                           running=period.end >= day, colours=district_colours(day) if is_city(current_user) else None)


@requires("districts.manage")
def district_weights(year: int):
    """Set the city's rule for ranking its districts in the year."""
    if not 2000 <= year <= 2100:
        abort(404)
    return publishing.set_weights(CityWeightsForm(), year, district_id=None, city=True)


@requires("districts.manage")
def district_freeze():
    """Freeze a quarter's district ranking as the city publishes it."""
    return publishing.freeze(FreezeForm(), district_id=None, city=True)


@requires("districts.view")
def district_frozen_list():
    """Every quarter of the district ranking frozen so far."""
    day = today()
    return render_template("rankings/district_frozen_list.html", snapshots=services.snapshots(None),
                           freeze_form=FreezeForm(formdata=None, year=day.year, quarter=(day.month + 2) // 3))


@requires("districts.view")
def district_frozen(snapshot_id: int):
    """A frozen quarter of the district ranking, as the city published it."""
    snapshot = db.session.scalar(select(RankingSnapshot).where(RankingSnapshot.id == snapshot_id,
                                                               RankingSnapshot.district_id.is_(None)))
    if snapshot is None:
        abort(404)
    ranking = services.frozen_ranking(snapshot)
    return render_template("rankings/districts.html", form=None, ranking=ranking, args={}, exports=[],
                           snapshot=snapshot, frozen=True, freeze_form=None, running=False)
