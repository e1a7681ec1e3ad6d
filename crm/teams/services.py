"""Rules for teams and their targets."""

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from ..core.stale_edits import check_fingerprint, check_version, fingerprint
from ..extensions import db
from ..models import TargetMetric, Team, TeamTarget


def update_team(team: Team, *, version: int, name: str, base_city: str, leader_id: int | None,
                active: bool) -> Team:
    """Change a team; an edit made from an older version of it is refused (StaleEdit) and nothing applied."""
    check_version(team, version)
    team.name, team.base_city, team.leader_id, team.active = name, base_city, leader_id, active
    flag_modified(team, "name")  # every save is a new version, whatever it changed
    db.session.flush()
    return team


def targets_for(team: Team, year: int) -> dict[TargetMetric, int]:
    """Return a team's targets for a year."""
    rows = db.session.scalars(select(TeamTarget).where(TeamTarget.team_id == team.id, TeamTarget.year == year))
    return {row.metric: row.target for row in rows}


def targets_fingerprint(targets: dict[TargetMetric, int]) -> str:
    """The fingerprint of a year's targets as read: what the targets form carries, and is checked against."""
    return fingerprint((metric.value, target) for metric, target in targets.items())


def set_targets(team: Team, year: int, values: dict[TargetMetric, int | None], *, opened: str | None = None) -> None:
    """Set, change or clear a team's targets for a year.

    Given the fingerprint of the targets the form was opened with, an edit made from other targets than the stored
    ones is refused (StaleSet) and nothing applied. The team's row is locked first (where the database locks rows)
    so that two saves of its targets run one after the other, the second checked against what the first stored.
    """
    db.session.execute(select(Team.id).where(Team.id == team.id).with_for_update())
    existing = {row.metric: row for row in db.session.scalars(
        select(TeamTarget).where(TeamTarget.team_id == team.id, TeamTarget.year == year))}
    if opened is not None:
        check_fingerprint(((metric.value, row.target) for metric, row in existing.items()), opened)
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
