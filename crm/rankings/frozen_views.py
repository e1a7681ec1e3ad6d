"""Quarters frozen as published: the list, and a frozen ranking read back from its stored rows."""

from flask import abort, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..access.rights import requires
from ..access.visibility import may_see_district, ranked_district
from ..domain.periods import today
from ..extensions import db
from ..models import RankingSnapshot
from ..web.forms import id_arg
from . import services
from .forms import FreezeForm


def snapshot_or_404(snapshot_id: int) -> RankingSnapshot:
    """A frozen team ranking the user may read: their district's (the city reads every district's)."""
    snapshot = db.session.scalar(select(RankingSnapshot).where(RankingSnapshot.id == snapshot_id)
                                 .options(joinedload(RankingSnapshot.frozen_by)))
    if snapshot is None or snapshot.district_id is None or not may_see_district(current_user, snapshot.district_id):
        abort(404)
    return snapshot


@requires("rankings.view")
def frozen_list():
    """Every quarter frozen so far, and (for admins) a form to freeze another."""
    day = today()
    snapshots = services.snapshots(ranked_district(current_user, id_arg("district")))
    return render_template("rankings/frozen_list.html", snapshots=snapshots,
                           freeze_form=FreezeForm(formdata=None, year=day.year, quarter=(day.month + 2) // 3))


@requires("rankings.view")
def frozen(snapshot_id: int):
    """A frozen quarter's team ranking, as it was published."""
    ranking = services.frozen_ranking(snapshot_or_404(snapshot_id))
    return render_template("rankings/frozen.html", ranking=ranking, snapshot=ranking.snapshot)


@requires("rankings.view")
def frozen_team(snapshot_id: int, team_id: int):
    """One team's score in a frozen quarter, taken apart, from the stored row."""
    ranking = services.frozen_ranking(snapshot_or_404(snapshot_id))
    row = next((r for r in ranking.rows if r.team_id == team_id), None)
    if row is None:
        abort(404)
    return render_template("rankings/team.html", ranking=ranking, row=row,
                           back=url_for("rankings.frozen", snapshot_id=snapshot_id), frozen=ranking.snapshot)
