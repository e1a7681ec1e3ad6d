"""Admin pages of the rankings: the year's scoring rule, and freezing a quarter's team ranking."""

from flask import abort
from flask_login import current_user

from ..access.rights import requires
from . import publishing
from .forms import FreezeForm, WeightsForm


@requires("rankings.manage")
def weights(year: int):
    """Set the year's scoring rule: weights, normalisation and the deduction for overdue projects."""
    if not 2000 <= year <= 2100:
        abort(404)
    return publishing.set_weights(WeightsForm(), year, district_id=current_user.district_id, city=False)


@requires("rankings.manage")
def freeze():
    """Freeze a quarter's team ranking as published: computed now, stored, never recomputed."""
    return publishing.freeze(FreezeForm(), district_id=current_user.district_id, city=False)
