"""Admin pages of the rankings: the year's scoring rule, and freezing a quarter's team ranking."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..access.rights import requires
from ..core.stale_edits import StaleEdit
from ..domain.periods import today
from ..extensions import db
from ..reports.scoring import default_rule, rule_for, save_rule, settings_version
from ..web.forms import form_status
from ..web.i18n import gettext as _
from . import services
from .forms import FreezeForm, WeightsForm


@requires("rankings.manage")
def weights(year: int):
    """Set the year's scoring rule: weights, normalisation and the deduction for overdue projects."""
    if not 2000 <= year <= 2100:
        abort(404)
    district_id = current_user.district_id
    rule = rule_for(year, district_id)
    form = WeightsForm()
    if request.method == "GET":
        form.fill(rule, settings_version(year, district_id))
    if not form.validate_on_submit():
        return render_template("rankings/weights.html", form=form, year=year, rule=rule,
                               default=default_rule(year)), form_status()
    try:
        save_rule(form.rule(year), current_user.id, district_id, version=int(form.version.data))
        db.session.commit()
    except (StaleEdit, StaleDataError, IntegrityError):  # changed, or first set (IntegrityError), by another admin
        db.session.rollback()
        rule = rule_for(year, district_id)
        conflict = form.beside(rule, settings_version(year, district_id))
        return render_template("rankings/weights.html", form=form, year=year, rule=rule, conflict=conflict,
                               default=default_rule(year)), 409
    flash(_("已保存%(year)s年专班排名评分办法", year=year), "success")
    return redirect(url_for("rankings.teams", year=year))


@requires("rankings.manage")
def freeze():
    """Freeze a quarter's team ranking as published: computed now, stored, never recomputed."""
    form = FreezeForm()
    if not form.validate_on_submit():
        return render_template("rankings/freeze.html", form=form, existing=None), 422
    year, quarter = form.year.data, form.quarter.data
    try:
        snapshot = services.freeze_quarter(year, quarter, district_id=current_user.district_id,
                                           actor_id=current_user.id, today=today(), confirmed=form.confirm.data)
        db.session.commit()
    except services.AlreadyFrozen as refused:
        return render_template("rankings/freeze.html", form=form, existing=refused.snapshot), 409
    except services.QuarterNotEnded:
        form.confirm.errors = [_("本季度尚未结束，冻结前请勾选确认")]
        return render_template("rankings/freeze.html", form=form, existing=None), 422
    except IntegrityError:  # frozen by someone else a moment ago
        db.session.rollback()
        return render_template("rankings/freeze.html", form=form,
                               existing=services.snapshot_of(year, quarter, current_user.district_id)), 409
    flash(_("已冻结%(year)s年第%(quarter)s季度专班排名", year=year, quarter=quarter), "success")
    return redirect(url_for("rankings.frozen", snapshot_id=snapshot.id))
