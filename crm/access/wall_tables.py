"""The wall's tables: every table holding a district's records, and how a row belongs to its district.

tenancy.py reads LIMITS to add each model's criteria to every read; tests/test_wall_tables.py holds every table of
the schema to be in LIMITS or in OUTSIDE_THE_WALL, so a new table cannot be left unlimited by oversight.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select

from ..core.database import likely
from ..models import (
    AuditEvent,
    ColourRule,
    Contact,
    DistrictWebhook,
    Enterprise,
    EnterpriseMerge,
    FundsTranche,
    ImportJob,
    ImportMapping,
    Lead,
    LeadStageChange,
    Milestone,
    Overlap,
    PathStep,
    Project,
    ProjectDocument,
    ProjectIssue,
    ProjectNode,
    RankingSettings,
    RankingSnapshot,
    Reminder,
    ReminderPreference,
    ReminderRule,
    ServiceItem,
    Supervision,
    SupervisionAnswer,
    Team,
    TeamTarget,
    Trip,
    User,
    Visit,
    VisitPhoto,
)


def _own(district: int) -> Callable[[Any], Any]:
    return lambda cls: likely(cls.district_id == district)


def _own_or_the_citys(district: int) -> Callable[[Any], Any]:
    return lambda cls: likely(or_(cls.district_id == district, cls.district_id.is_(None)))


def _of_its_team(district: int) -> Callable[[Any], Any]:
    of_teams = select(Team.id).where(Team.district_id == district)
    return lambda cls: likely(cls.team_id.in_(of_teams))


def _of_its_enterprise(district: int) -> Callable[[Any], Any]:
    return lambda cls: likely(cls.enterprise_id.in_(select(Enterprise.id).where(Enterprise.district_id == district)))


def _of_its_lead(district: int) -> Callable[[Any], Any]:
    return lambda cls: likely(cls.lead_id.in_(
        select(Lead.id).join(Team, Team.id == Lead.team_id).where(Team.district_id == district)))


def _of_its_visit(district: int) -> Callable[[Any], Any]:
    return lambda cls: likely(cls.visit_id.in_(
        select(Visit.id).join(Team, Team.id == Visit.team_id).where(Team.district_id == district)))


def _of_its_project(district: int) -> Callable[[Any], Any]:
    return lambda cls: likely(cls.project_id.in_(
        select(Project.id).join(Team, Team.id == Project.team_id).where(Team.district_id == district)))


def _of_its_supervision(district: int) -> Callable[[Any], Any]:
    return lambda cls: likely(cls.supervision_id.in_(
        select(Supervision.id).join(Project, Project.id == Supervision.project_id)
        .join(Team, Team.id == Project.team_id).where(Team.district_id == district)))


def _started_by_its_user(district: int) -> Callable[[Any], Any]:
    return lambda cls: likely(cls.created_by_id.in_(select(User.id).where(User.district_id == district)))


# Every table holding a district's records, and how a row belongs to its district: the one list the wall reads.
LIMITS: dict[type, Callable[[int], Callable[[Any], Any]]] = {
    Team: _own, Enterprise: _own, User: _own, ImportMapping: _own,
    EnterpriseMerge: _own,  # the record of a merge of two of its enterprises, to undo it
    # a district's audit trail: its events only; the city's (district NULL) are no district's to read
    AuditEvent: _own,
    # a district reads its own rules and snapshots, and the city's (its ranking of the districts)
    RankingSettings: _own_or_the_citys, RankingSnapshot: _own_or_the_citys,
    TeamTarget: _of_its_team, Trip: _of_its_team, Visit: _of_its_team, Lead: _of_its_team, Overlap: _of_its_team,
    Project: _of_its_team,
    Contact: _of_its_enterprise,
    LeadStageChange: _of_its_lead,
    VisitPhoto: _of_its_visit,
    Milestone: _of_its_project, ServiceItem: _of_its_project, ProjectIssue: _of_its_project,
    ProjectDocument: _of_its_project, FundsTranche: _of_its_project,
    Supervision: _of_its_project, SupervisionAnswer: _of_its_supervision,  # 督办 and its 办理情况
    ProjectNode: _of_its_project, PathStep: _own, ColourRule: _own,  # the path and its 红黄绿
    Reminder: _own, ReminderRule: _own, ReminderPreference: _own, DistrictWebhook: _own,  # reminders and their channels
    ImportJob: _started_by_its_user,
}

# Tables outside the wall, and why no district's reach is needed to read them.
OUTSIDE_THE_WALL = {
    "district": "the districts themselves: names every user may read",
    "login_attempt": "the sign-in throttle's counts, read before anyone is signed in",
    "recovery_code": "a user's own second-factor codes, read by that user's id during sign-in",
    "user_session": "a user's own sessions, read by that user's id",
    "trip_participant": "links between rows of the wall's tables, read only joined from them",
    "visit_participant": "links between rows of the wall's tables, read only joined from them",
    "project_service_member": "links between rows of the wall's tables, read only joined from them",
}
