"""The district a piece of work reads, by name and code, the home district, and whose each team is when the work
reads every district (the city's 区县 column)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import District, Team
from ..web.i18n import with_note
from .tenancy import scoped_district


def district_name() -> str:
    """The name of the district the work reads (the city's name when it reads every district)."""
    district_id = scoped_district()
    district = db.session.get(District, district_id) if district_id is not None else None
    return district.name if district is not None else current_app.config.get("CITY_NAME", "")


def district_code() -> str:
    """The code the work's district starts its project codes with (ZW-2026-001)."""
    district_id = scoped_district()
    district = db.session.get(District, district_id) if district_id is not None else None
    return district.code if district is not None else (current_app.config.get("PROJECT_CODE_PREFIX") or "ZW")


def home_district() -> District:
    """The home district: the first there is (a migrated install's own), else one made from the settings."""
    config = current_app.config
    name, code = config.get("DISTRICT_NAME") or "张湾区", config.get("PROJECT_CODE_PREFIX") or "ZW"
    district = db.session.scalar(select(District).order_by(District.id).limit(1))
    if district is None:
        district = District(name=name, code=code)
        db.session.add(district)
        db.session.flush()
    return district


@dataclass(frozen=True)
class DistrictNames:
    """Each district's name, and each team's district's: what the 区县 column of a list of several districts shows
    (every district has its 上海专班 and 成都专班, so a team's name alone does not say whose it is)."""

    of_district: dict[int, str]
    of_team_id: dict[int, str]

    def of(self, district_id: int | None) -> str:
        return self.of_district.get(district_id, "—") if district_id is not None else "—"

    def of_team(self, team_id: int | None) -> str:
        return self.of_team_id.get(team_id, "—") if team_id is not None else "—"

    def team_label(self, team_id: int, name: Any) -> str:
        """A team as a filter offers it: 上海专班（张湾区）."""
        return with_note(name, self.of_team(team_id))


def district_names() -> DistrictNames | None:
    """For work that reads every district (the city's), whose each team is; None for one district's work, whose
    lists would show one district in every row and so show no 区县 column."""
    if scoped_district() is not None:
        return None
    rows = db.session.execute(select(District.id, District.name, Team.id)
                              .outerjoin(Team, Team.district_id == District.id))
    of_district: dict[int, str] = {}
    of_team: dict[int, str] = {}
    for district_id, name, team_id in rows:
        of_district[district_id] = name
        if team_id is not None:
            of_team[team_id] = name
    return DistrictNames(of_district, of_team)


def team_choices(teams: Iterable[tuple[int, Any]]) -> list[tuple[int, Any]]:
    """(id, name) pairs of teams as a filter offers them: for work reading every district, each name with its
    district's, so the city tells one 上海专班 from another; as they are otherwise."""
    pairs = list(teams)
    names = district_names() if pairs else None
    return pairs if names is None else [(team_id, names.team_label(team_id, name)) for team_id, name in pairs]
