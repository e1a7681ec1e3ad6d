"""The district demo: a year whose figures are those of the district report."""

from __future__ import annotations

import random
from datetime import date

from ..access.districts import home_district
from ..auth.services import hash_password
from ..domain.periods import today as local_today
from ..extensions import db
from .cast import District, build_people
from .districts import CITY_LOGIN, build_neighbours, drive_neighbours
from .fieldwork import build_fieldwork
from .funds import add_tranches
from .last_year import build_last_year
from .logins import DEMO_PASSWORD, DemoLogins
from .path import build_path, settle_old_issues
from .pipeline import build_leads
from .signings import build_projects
from .supervision import build_supervision


def load_district(year: int, seed: int = 1, today: date | None = None, *, neighbours: bool = True) -> DemoLogins:
    """Fill an empty database with the year's demo data (and, unless told not to, the neighbour districts and
    the city's login); the caller commits."""
    end = min(today or local_today(), date(year, 12, 31))
    if end < date(year, 1, 1):
        raise ValueError(f"{year} has not begun yet")
    session = db.session
    before = session.info.get("audit_off")
    session.info["audit_off"] = True  # demo rows are not changes anyone made
    try:
        # argon2 is slow on purpose: hash the shared password once for every demo user.
        password_hash = hash_password(DEMO_PASSWORD)
        district = District(random.Random(seed), year, end, password_hash, home_district().id)
        build_people(district)
        session.flush()  # ids for the created_by columns that have no relationship
        visits = build_fieldwork(district)
        projects = build_projects(district)
        # last year draws from a generator of its own too: this year's trips, visits and signings stay as they are
        last_year = build_last_year(district, random.Random(seed + 2000), projects)
        build_leads(district, projects, visits, last_year)
        paths = random.Random(seed + 3000)  # a generator of its own: the figures stay
        build_path(paths, projects, end)
        settle_old_issues(paths, projects, district.start, end)
        # money in place (到资) last, from a generator of its own: it changes none of the figures above
        add_tranches(random.Random(seed + 5000), projects, end, district.admin)
        build_supervision(district, random.Random(seed + 3000), projects)  # 督办: a generator of its own too
        # the neighbours draw from a generator of their own: 张湾区's figures stay those of the report
        if neighbours:
            made = build_neighbours(random.Random(seed + 1000), year, end, password_hash)
            drive_neighbours(seed, made, end)
        session.flush()
    finally:
        if before is None:
            session.info.pop("audit_off", None)
        else:
            session.info["audit_off"] = before
    team = district.teams[0]
    crew = district.crews[team]
    return DemoLogins.of(district.admin.username, team.leader.username if team.leader else "leader01",
                         crew[0].username, crew[1].username, CITY_LOGIN if neighbours else None,
                         district.security.username, district.auditor.username)
