"""One district's rows only: while a district's user is signed in, every ORM query sees that district alone.

Pages, the API, exports and imports all read through the ORM, so a record of another district is never
found, listed, counted or matched: fetching its id gives None (so the views' 404), and lists, totals and
rankings cover the district's teams. Records a district holds directly (teams, enterprises, users, scoring
rules, frozen rankings) are limited by their district; the others by the team or record they belong to.
The city (市招商局) reads every district and is given no limit; nor are the command line and background
jobs, which name their district themselves. Explicit checks in the views stay: this is the second wall.
"""

from functools import lru_cache
from typing import Any

from flask import Flask, current_app
from flask_login import current_user
from sqlalchemy import event, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from .extensions import db
from .models import (
    Contact,
    District,
    Enterprise,
    ImportJob,
    Lead,
    LeadStageChange,
    Milestone,
    Overlap,
    Project,
    ProjectDocument,
    ProjectIssue,
    RankingSettings,
    RankingSnapshot,
    Role,
    ServiceItem,
    Team,
    TeamTarget,
    Trip,
    User,
    Visit,
    VisitPhoto,
)

KEY = "district_id"


def limit_to_district(session: Session, district_id: int | None) -> None:
    """From now on, the session's ORM queries see this district only (None: no limit)."""
    if district_id is None:
        session.info.pop(KEY, None)
    else:
        session.info[KEY] = district_id


@lru_cache(maxsize=1024)
def criteria(district: int) -> tuple[Any, ...]:
    """The WHERE criteria that keep each model's rows to the district (lambdas, so SQLAlchemy caches their SQL).

    Made once per district: every query a district's user makes carries them.
    """
    limits: list[tuple[type, Any]] = [
        (Team, lambda cls: cls.district_id == district),
        (Enterprise, lambda cls: cls.district_id == district),
        (User, lambda cls: cls.district_id == district),
        # a district reads its own rules and snapshots, and the city's (its ranking of the districts)
        (RankingSettings, lambda cls: or_(cls.district_id == district, cls.district_id.is_(None))),
        (RankingSnapshot, lambda cls: or_(cls.district_id == district, cls.district_id.is_(None))),
        (TeamTarget, lambda cls: cls.team_id.in_(select(Team.id).where(Team.district_id == district))),
        (Trip, lambda cls: cls.team_id.in_(select(Team.id).where(Team.district_id == district))),
        (Visit, lambda cls: cls.team_id.in_(select(Team.id).where(Team.district_id == district))),
        (Lead, lambda cls: cls.team_id.in_(select(Team.id).where(Team.district_id == district))),
        (Overlap, lambda cls: cls.team_id.in_(select(Team.id).where(Team.district_id == district))),
        (Project, lambda cls: cls.team_id.in_(select(Team.id).where(Team.district_id == district))),
        (Contact, lambda cls: cls.enterprise_id.in_(select(Enterprise.id).where(Enterprise.district_id == district))),
        (LeadStageChange, lambda cls: cls.lead_id.in_(
            select(Lead.id).join(Team, Team.id == Lead.team_id).where(Team.district_id == district))),
        (VisitPhoto, lambda cls: cls.visit_id.in_(
            select(Visit.id).join(Team, Team.id == Visit.team_id).where(Team.district_id == district))),
        *((child, lambda cls: cls.project_id.in_(  # a project's milestones, service items, issues, documents
            select(Project.id).join(Team, Team.id == Project.team_id).where(Team.district_id == district)))
          for child in (Milestone, ServiceItem, ProjectIssue, ProjectDocument)),
        (ImportJob, lambda cls: cls.created_by_id.in_(select(User.id).where(User.district_id == district))),
    ]
    return tuple(with_loader_criteria(model, limit, include_aliases=True) for model, limit in limits)


@lru_cache(maxsize=1)
def scoped_models() -> dict[Any, Any]:
    """The models the criteria limit, by their table."""
    return {model.__table__: model for model in (Team, Enterprise, User, RankingSettings, RankingSnapshot, TeamTarget,
                                                  Trip, Visit, Lead, Overlap, Project, Contact, LeadStageChange,
                                                  VisitPhoto, Milestone, ServiceItem, ProjectIssue, ProjectDocument,
                                                  ImportJob)}


def limited(statement: Any, district: int, *, orm: bool) -> Any:
    """The select with the district's criteria.

    A select whose columns name a model only inside an aggregate's FILTER (count(*) FILTER (WHERE project…)) runs
    as a Core statement, and the ORM would skip its criteria: naming the model in FROM makes it the ORM's.
    """
    if not orm:
        models = [scoped_models()[table] for table in statement.get_final_froms() if table in scoped_models()]
        if models:
            statement = statement.select_from(*models)
    return statement.options(*criteria(district))


@event.listens_for(Session, "do_orm_execute")
def _only_the_district(state: ORMExecuteState) -> None:
    district = state.session.info.get(KEY)
    if district is not None and state.is_select and not state.execution_options.get("all_districts"):
        state.statement = limited(state.statement, district, orm=state.is_orm_statement)


def scope_request_to_district() -> None:
    """Before each request, once its user is known: limit a district user's session to their district."""
    if current_user.is_authenticated and current_user.role is not Role.CITY:
        limit_to_district(db.session(), current_user.district_id)


def scoped_district(session: Session | None = None) -> int | None:
    """The district the session is limited to, if any."""
    return (session or db.session()).info.get(KEY)


def district_name() -> str:
    """The name of the district the session reads (the city's name when it reads every district)."""
    district_id = scoped_district()
    district = db.session.get(District, district_id) if district_id is not None else None
    return district.name if district is not None else current_app.config.get("CITY_NAME", "")


def district_code() -> str:
    """The code the session's district starts its project codes with (ZW-2026-001)."""
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


def register_district_scope(app: Flask) -> None:
    app.before_request(scope_request_to_district)
