"""The district a piece of work reads, by name and code, and the home district."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import District
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
