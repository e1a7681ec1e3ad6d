"""市级拉练排名: the city's districts ranked side by side, the city's scoring rule, and its frozen quarters."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..access.rights import requires
from ..core.stale_edits import StaleEdit
from ..domain.periods import today
from ..extensions import db
from ..models import RankingSnapshot
from ..reports.district_ranking import district_ranking
from ..reports.forms import ReportPeriodForm
from ..reports.scoring import city_rule_for, default_rule, save_rule, settings_version
from ..web.forms import form_status
from ..web.i18n import gettext as _
from . import services
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
                           running=period.end >= day)


@requires("districts.manage")
def district_weights(year: int):
    """Set the city's rule for ranking its districts in the year."""
    if not 2000 <= year <= 2100:
        abort(404)
    rule = city_rule_for(year)
    form = CityWeightsForm()
    if request.method == "GET":
        form.fill(rule, settings_version(year, None))
    page = {"year": year, "default": default_rule(year, city=True), "city": True,
            "action": url_for("rankings.district_weights", year=year),
            "back": url_for("rankings.districts", year=year)}
    if not form.validate_on_submit():
        return render_template("rankings/weights.html", form=form, rule=rule, **page), form_status()
    try:
        save_rule(form.rule(year), current_user.id, None, version=int(form.version.data))
        db.session.commit()
    except (StaleEdit, StaleDataError, IntegrityError):  # changed, or first set (IntegrityError), by someone else
        db.session.rollback()
        rule = city_rule_for(year)
        conflict = form.beside(rule, settings_version(year, None))
        return render_template("rankings/weights.html", form=form, rule=rule, conflict=conflict, **page), 409
    flash(_("已保存%(year)s年区县排名评分办法", year=year), "success")
    return redirect(url_for("rankings.districts", year=year))


@requires("districts.manage")
def district_freeze():
    """Freeze a quarter's district ranking as the city publishes it."""
    form = FreezeForm()
    page = {"action": url_for("rankings.district_freeze")}
    if not form.validate_on_submit():
        return render_template("rankings/freeze.html", form=form, existing=None, **page), 422
    year, quarter = form.year.data, form.quarter.data
    try:
        snapshot = services.freeze_quarter(year, quarter, district_id=None, actor_id=current_user.id, today=today(),
                                           confirmed=form.confirm.data)
        db.session.commit()
    except services.AlreadyFrozen as refused:
        return render_template("rankings/freeze.html", form=form, existing=refused.snapshot, **page), 409
    except services.QuarterNotEnded:
        form.confirm.errors = [_("本季度尚未结束，冻结前请勾选确认")]
        return render_template("rankings/freeze.html", form=form, existing=None, **page), 422
    except IntegrityError:
        db.session.rollback()
        return render_template("rankings/freeze.html", form=form, existing=services.snapshot_of(year, quarter, None),
                               **page), 409
    flash(_("已冻结%(year)s年第%(quarter)s季度区县排名", year=year, quarter=quarter), "success")
    return redirect(url_for("rankings.district_frozen", snapshot_id=snapshot.id))


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
