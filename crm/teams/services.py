"""Rules for teams and their targets."""

from sqlalchemy import select

from ..extensions import db
from ..models import TargetMetric, Team, TeamTarget


def targets_for(team: Team, year: int) -> dict[TargetMetric, int]:
    """Return a team's targets for a year."""
    rows = db.session.scalars(select(TeamTarget).where(TeamTarget.team_id == team.id, TeamTarget.year == year))
    return {row.metric: row.target for row in rows}


def set_targets(team: Team, year: int, values: dict[TargetMetric, int | None]) -> None:
    """Set, change or clear a team's targets for a year."""
    existing = {row.metric: row for row in db.session.scalars(
        select(TeamTarget).where(TeamTarget.team_id == team.id, TeamTarget.year == year))}
    for metric, value in values.items():
        row = existing.get(metric)
        if value is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(TeamTarget(team=team, year=year, metric=metric, target=value))
        else:
            row.target = value
    db.session.flush()
