"""The whole schema, one module per part of the domain."""

from .audit import AuditEvent
from .enterprises import Contact, Enterprise
from .enums import (
                    AgreementKind,
                    FundKind,
                    FundSource,
                    IssueStatus,
                    LeadStage,
                    LeadStatus,
                    Ownership,
                    ProjectStatus,
                    ProjectType,
                    Role,
                    ServiceItemStatus,
                    TargetMetric,
                    VisitKind,
)
from .fieldwork import Trip, Visit, VisitPhoto, trip_participant, visit_participant
from .funds import FundsTranche
from .import_jobs import ImportJob, ImportJobStatus
from .imports import ImportMapping
from .leads import Lead, LeadStageChange, Overlap
from .merges import EnterpriseMerge
from .path import ColourRule, PathNode, PathStep, ProjectNode
from .people import District, LoginAttempt, Team, TeamTarget, User
from .projects import Milestone, Project, ProjectDocument, ProjectIssue, ServiceItem, project_service_member
from .rankings import RankingSettings, RankingSnapshot
from .reminders import DistrictWebhook, Reminder, ReminderKind, ReminderPreference, ReminderRule, WebhookKind
from .sign_in import RecoveryCode, UserSession
from .supervision import Supervision, SupervisionAnswer, SupervisionStatus
from .types import now_utc

__all__ = [
    "AgreementKind", "AuditEvent", "ColourRule", "PathNode", "PathStep", "ProjectNode",
    "FundKind", "FundSource", "FundsTranche", "Contact", "District", "Enterprise", "EnterpriseMerge", "ImportMapping",
    "IssueStatus",
    "Lead",
    "LeadStage",
    "LeadStageChange", "LeadStatus", "LoginAttempt", "Milestone", "Overlap", "Ownership", "Project", "ProjectDocument",
    "ProjectIssue",
    "ImportJob", "ImportJobStatus",
    "ProjectStatus", "ProjectType", "RankingSettings",
    "RankingSnapshot", "RecoveryCode", "Role", "ServiceItem", "ServiceItemStatus", "Team", "TeamTarget",
    "TargetMetric", "Trip", "User", "UserSession", "Visit", "VisitKind", "VisitPhoto", "project_service_member",
    "trip_participant",
    "now_utc", "visit_participant",
    "Supervision", "SupervisionAnswer", "SupervisionStatus",
    "DistrictWebhook", "Reminder", "ReminderKind", "ReminderPreference", "ReminderRule", "WebhookKind",
]

# Core records: every insert, update and delete of these is written to the audit trail.
AUDITED = (District, Team, TeamTarget, User, Enterprise, Contact, Trip, Visit, VisitPhoto, Lead, Overlap, Project,
           Milestone, ServiceItem, ProjectIssue, ProjectDocument, FundsTranche, RankingSettings, RankingSnapshot,
           Supervision, SupervisionAnswer, ProjectNode, PathStep, ColourRule, ReminderRule, ReminderPreference,
           DistrictWebhook)
