"""The two pages both rankings share: setting the year's scoring rule, and freezing a quarter as published.

Each serves a district's team ranking (its admin's) or, `city`, the city's ranking of its districts (district None).
"""

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..core.stale_edits import StaleEdit
from ..domain.periods import today
from ..extensions import db
from ..reports.scoring import default_rule, rule_for, save_rule, settings_version
from ..web.forms import form_status
from ..web.i18n import gettext as _
from ..web.refusals import refused
from . import services
from .forms import FreezeForm, WeightsForm


def weights_page(year: int, *, city: bool) -> dict[str, object]:
    """What the rule's page shows beside its form: the year, the default rule, where the form goes and back."""
    if not city:
        return {"year": year, "default": default_rule(year)}
    return {"year": year, "default": default_rule(year, city=True), "city": True,
            "action": url_for("rankings.district_weights", year=year), "back": url_for("rankings.districts", year=year)}


def set_weights(form: WeightsForm, year: int, *, district_id: int | None, city: bool) -> ResponseReturnValue:
    """Show the year's rule in its form, or store what the form says; 409 beside the stored rule if it changed."""
    rule, page = rule_for(year, district_id), weights_page(year, city=city)
    if request.method == "GET":
        form.fill(rule, settings_version(year, district_id))
    if not form.validate_on_submit():
        return render_template("rankings/weights.html", form=form, rule=rule, **page), form_status()
    try:
        save_rule(form.rule(year), current_user.id, district_id, version=int(form.version.data))
        db.session.commit()
    except (StaleEdit, StaleDataError, IntegrityError):  # changed, or first set (IntegrityError), by someone else
        db.session.rollback()
        rule = rule_for(year, district_id)
        conflict = form.beside(rule, settings_version(year, district_id))
        return render_template("rankings/weights.html", form=form, rule=rule, conflict=conflict, **page), 409
    if city:
        flash(_("已保存%(year)s年区县排名评分办法", year=year), "success")
        return redirect(url_for("rankings.districts", year=year))
    flash(_("已保存%(year)s年专班排名评分办法", year=year), "success")
    return redirect(url_for("rankings.teams", year=year))


def freeze(form: FreezeForm, *, district_id: int | None, city: bool) -> ResponseReturnValue:
    """Freeze the quarter the form names, computed now and stored; 409 with the frozen one if it is already."""
    page = {"action": url_for("rankings.district_freeze")} if city else {}
    if not form.validate_on_submit():
        return render_template("rankings/freeze.html", form=form, existing=None, **page), 422
    year, quarter = form.year.data, form.quarter.data
    try:
        snapshot = services.freeze_quarter(year, quarter, district_id=district_id, actor_id=current_user.id,
                                           today=today(), confirmed=form.confirm.data)
        db.session.commit()
    except services.AlreadyFrozen as error:
        return render_template("rankings/freeze.html", form=form, existing=error.snapshot, **page), 409
    except services.QuarterNotEnded as error:
        return refused(error, "rankings/freeze.html", form, existing=None, **page)
    except IntegrityError:  # frozen by someone else a moment ago
        db.session.rollback()
        existing = services.snapshot_of(year, quarter, district_id)
        return render_template("rankings/freeze.html", form=form, existing=existing, **page), 409
    return frozen(snapshot.id, year, quarter, city=city)


def frozen(snapshot_id: int, year: int, quarter: int, *, city: bool) -> ResponseReturnValue:
    """Say the quarter is frozen, and show it."""
    if city:
        flash(_("已冻结%(year)s年第%(quarter)s季度区县排名", year=year, quarter=quarter), "success")
        return redirect(url_for("rankings.district_frozen", snapshot_id=snapshot_id))
    flash(_("已冻结%(year)s年第%(quarter)s季度专班排名", year=year, quarter=quarter), "success")
    return redirect(url_for("rankings.frozen", snapshot_id=snapshot_id))
