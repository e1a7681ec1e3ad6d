"""A project's records read through the API: its tranches of money in place (到资) and what they come to."""

from flask import jsonify

from ..access.rights import requires
from ..domain.periods import today
from ..extensions import db
from ..models import FundsTranche, Project
from ..reports.funds import project_funds
from ..web.i18n import gettext as _
from .errors import ApiError


@requires("projects.view")
def tranches(project_id: int):
    """The project's tranches, newest first, and its counted money in place to today with its 到资率."""
    project = db.session.get(Project, project_id)
    if project is None:  # none, or another district's (the wall)
        raise ApiError(404, _("没有找到这个项目"))
    counted = project_funds(project, today())
    rows = sorted(project.tranches, key=lambda t: (t.received_on, t.id), reverse=True)
    return jsonify(project_id=project.id, funds_yuan=counted.funds_yuan,
                   fixed_asset_done_yuan=counted.fixed_asset_done_yuan,
                   rate=str(counted.rate) if counted.rate is not None else None,
                   tranches=[tranche_json(t) for t in rows])


def tranche_json(tranche: FundsTranche) -> dict:
    return {"id": tranche.id, "received_on": tranche.received_on.isoformat(), "amount_yuan": tranche.amount_yuan,
            "currency": tranche.currency, "original_amount": tranche.original_amount,
            "fx_rate": str(tranche.fx_rate) if tranche.fx_rate is not None else None,
            "source": tranche.source.value, "kind": tranche.kind.value, "verified": tranche.verified}
