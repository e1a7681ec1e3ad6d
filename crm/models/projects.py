"""Signed projects and the service that sees them through."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Numeric, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.sizes import is_yi
from ..extensions import db
from .enums import AgreementKind, IssueStatus, ProjectStatus, ProjectType, ServiceItemStatus
from .types import UTCDateTime, choice_type, now_utc

if TYPE_CHECKING:
    from .enterprises import Enterprise
    from .funds import FundsTranche
    from .leads import Lead
    from .people import Team, User

project_service_member = Table(
    "project_service_member", db.metadata,
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id"), primary_key=True),
)


class Project(db.Model):
    """A signed investment project credited to one team."""

    __table_args__ = (
        CheckConstraint("total_investment_yuan >= 0", name="total_not_negative"),
        CheckConstraint("fixed_asset_investment_yuan >= 0 AND fixed_asset_investment_yuan <= total_investment_yuan",
                        name="fixed_asset_within_total"),
        CheckConstraint("expected_annual_sales_yuan >= 0", name="sales_not_negative"),
        CheckConstraint("expected_annual_tax_yuan >= 0", name="tax_not_negative"),
        CheckConstraint("jobs >= 0", name="jobs_not_negative"),
        CheckConstraint("land_area_mu >= 0", name="land_not_negative"),
        CheckConstraint("original_amount >= 0 AND fx_rate > 0", name="foreign_amount_positive"),
        CheckConstraint("currency = 'CNY' OR (original_amount IS NOT NULL AND fx_rate IS NOT NULL)",
                        name="foreign_amount_has_rate"),
        CheckConstraint("started_on >= signed_on", name="started_after_signed"),
        CheckConstraint("production_on >= started_on", name="production_after_start"),
        CheckConstraint("capacity_on >= production_on", name="capacity_after_production"),
        CheckConstraint("status != 'terminated' OR termination_reason IS NOT NULL",
                        name="termination_has_reason"),
        CheckConstraint("NOT voided OR void_reason IS NOT NULL", name="void_has_reason"),
        Index("ix_project_team_signed", "team_id", "signed_on"),
        Index("ix_project_signed_total", "signed_on", "total_investment_yuan"),
        # 亿元以上项目榜 and its totals, and the charts of signings: counted projects walked by investment, the
        # period checked and the industry and the district's teams (team_id IN …) read in the index.
        Index("ix_project_counted_investment", "verified", "voided", "total_investment_yuan", "signed_on", "code",
              "industry", "team_id"),
        Index("ix_project_team_industry", "team_id", "industry"),  # a district's industries: its teams' runs
        # The industries in order, each project's team read in the index: SQLite walks it for the district's
        # industries when told the district's limit keeps most projects (crm.core.database.likely).
        Index("ix_project_industry_team", "industry", "team_id"),
        # The list as it opens (counted projects, newest signing first): walked in its order until a page is full.
        # A period's counted signings are read from it alone too (the charts' sums by month, size and industry),
        # for SQLite's planner takes it for them, having no statistics.
        Index("ix_project_counted_signed", "verified", "voided", "signed_on", "id", "team_id", "total_investment_yuan",
              "industry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # e.g. ZW-2026-001, never reused
    name: Mapped[str] = mapped_column(String(200))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)  # the investor
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("lead.id"), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))  # the team credited
    signed_on: Mapped[date] = mapped_column(index=True)
    agreement_kind: Mapped[AgreementKind] = mapped_column(choice_type(AgreementKind, "agreement_kind"))
    project_type: Mapped[ProjectType] = mapped_column(choice_type(ProjectType, "project_type"))
    industry: Mapped[str | None] = mapped_column(String(64))  # indexed with the team, above
    location: Mapped[str | None] = mapped_column(String(100))  # 落户园区

    total_investment_yuan: Mapped[int] = mapped_column(BigInteger)  # CNY, exact: what rankings sum
    fixed_asset_investment_yuan: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")  # ISO 4217 of the signing
    original_amount: Mapped[int | None] = mapped_column(BigInteger)  # whole units of `currency`
    fx_rate: Mapped[Decimal | None] = mapped_column(Numeric(14, 6))  # yuan per unit of `currency`
    expected_annual_sales_yuan: Mapped[int | None] = mapped_column(BigInteger)
    expected_annual_tax_yuan: Mapped[int | None] = mapped_column(BigInteger)
    jobs: Mapped[int | None]
    land_area_mu: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # 亩
    from_event: Mapped[bool] = mapped_column(default=False)  # signed at a promotion event (招商会)
    event_name: Mapped[str | None] = mapped_column(String(200))

    status: Mapped[ProjectStatus] = mapped_column(choice_type(ProjectStatus, "status"),
                                                  default=ProjectStatus.SIGNED, index=True)
    planned_start_on: Mapped[date | None]
    started_on: Mapped[date | None]
    planned_production_on: Mapped[date | None]
    production_on: Mapped[date | None]
    planned_capacity_on: Mapped[date | None]
    capacity_on: Mapped[date | None]
    terminated_on: Mapped[date | None]
    termination_reason: Mapped[str | None] = mapped_column(Text)

    chief_officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)  # 首席服务官
    verified: Mapped[bool] = mapped_column(default=False, index=True)  # 认定: only verified ones count
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    voided: Mapped[bool] = mapped_column(default=False)
    void_reason: Mapped[str | None] = mapped_column(Text)
    remarks: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    enterprise: Mapped[Enterprise] = relationship(back_populates="projects")
    lead: Mapped[Lead | None] = relationship(back_populates="project")
    team: Mapped[Team] = relationship()
    chief_officer: Mapped[User | None] = relationship(back_populates="chief_of", foreign_keys=[chief_officer_id])
    service_team: Mapped[list[User]] = relationship(secondary=project_service_member)
    milestones: Mapped[list[Milestone]] = relationship(back_populates="project", order_by="Milestone.planned_on",
                                                       cascade="all, delete-orphan")
    service_items: Mapped[list[ServiceItem]] = relationship(back_populates="project",
                                                            cascade="all, delete-orphan")
    issues: Mapped[list[ProjectIssue]] = relationship(back_populates="project", cascade="all, delete-orphan")
    documents: Mapped[list[ProjectDocument]] = relationship(back_populates="project", order_by="ProjectDocument.id",
                                                            cascade="all, delete-orphan")
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    tranches: Mapped[list[FundsTranche]] = relationship(back_populates="project", order_by="FundsTranche.received_on",
                                                        cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_yi(self) -> bool:
        """Whether this is a project of 1亿元 or more (亿元以上, inclusive)."""
        return is_yi(self.total_investment_yuan)


class Milestone(db.Model):
    """A further milestone of a project, beyond start and production (e.g. a second line)."""

    __table_args__ = (CheckConstraint("planned_on IS NOT NULL OR achieved_on IS NOT NULL", name="has_a_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    planned_on: Mapped[date | None]
    achieved_on: Mapped[date | None]

    project: Mapped[Project] = relationship(back_populates="milestones")


class ServiceItem(db.Model):
    """A procedure handled for the investor (代办事项)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))  # 立项备案, 用地预审, 施工许可…
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    due_on: Mapped[date | None]
    done_on: Mapped[date | None]
    status: Mapped[ServiceItemStatus] = mapped_column(choice_type(ServiceItemStatus, "status"),
                                                      default=ServiceItemStatus.TODO)
    node: Mapped[str | None] = mapped_column(String(20))  # the path's node it serves (PathNode's value)
    version: Mapped[int] = mapped_column(default=1)  # an edit made from an older version is refused

    project: Mapped[Project] = relationship(back_populates="service_items")
    owner: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class ProjectIssue(db.Model):
    """A problem the investor raised (问题诉求), handled until closed (销号)."""

    __table_args__ = (CheckConstraint("resolved_on >= raised_on", name="resolved_after_raised"),
                      CheckConstraint("handling_on >= raised_on", name="handling_after_raised"),
                      # Open issues on a day start from the few issues, not from every project.
                      Index("ix_project_issue_raised_on", "raised_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    raised_on: Mapped[date]
    description: Mapped[str] = mapped_column(Text)
    responsible_unit: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[IssueStatus] = mapped_column(choice_type(IssueStatus, "status"), default=IssueStatus.ASSIGNED,
                                                index=True)
    handling_on: Mapped[date | None]  # when the responsible unit took it up (办理中)
    resolved_on: Mapped[date | None]  # 销号
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    project: Mapped[Project] = relationship(back_populates="issues")


class ProjectDocument(db.Model):
    """Evidence for a verification (an agreement, a business licence), stored under a generated name."""

    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # agreement, licence, other
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(32))  # from the content: application/pdf, image/jpeg, image/png
    size_bytes: Mapped[int]
    original_name: Mapped[str | None] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    project: Mapped[Project] = relationship(back_populates="documents")
