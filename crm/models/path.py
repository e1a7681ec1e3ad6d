"""A project's path after signing (签约 → … → 上规), each district's shape of it, and its 红黄绿 thresholds."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..web.i18n import lazy_gettext as _l
from .types import Choice, choice_type

if TYPE_CHECKING:
    from .projects import Project


class PathNode(Choice):
    """The nodes after signing, in their usual order; 签约 is the project's own signed_on."""

    REGISTERED = "registered", _l("注册")
    FILED = "filed", _l("立项备案")
    LAND = "land", _l("供地")
    PERMITS = "permits", _l("规划/施工许可")
    STARTED = "started", _l("开工")
    COMPLETED = "completed", _l("竣工")
    PRODUCING = "producing", _l("投产")
    CAPACITY = "capacity", _l("达产")
    IN_STATISTICS = "in_statistics", _l("入统")
    ABOVE_SCALE = "above_scale", _l("上规")


# 开工, 投产 and 达产 keep their dates on the project (planned_start_on, started_on …): one copy of each date.
PROJECT_HELD = ("started", "producing", "capacity")


class ProjectNode(db.Model):
    """One node of a project's path: its planned and actual dates and the unit responsible (责任单位).

    For 开工, 投产 and 达产 the row holds only the unit; their dates are the project's own columns.
    """

    __table_args__ = (
        UniqueConstraint("project_id", "node"),
        CheckConstraint("node NOT IN ('started', 'producing', 'capacity') OR "
                        "(planned_on IS NULL AND actual_on IS NULL)", name="dates_on_the_project"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    node: Mapped[PathNode] = mapped_column(choice_type(PathNode, "node"))
    planned_on: Mapped[date | None]
    actual_on: Mapped[date | None]
    responsible_unit: Mapped[str | None] = mapped_column(String(100))

    project: Mapped[Project] = relationship()


class PathStep(db.Model):
    """A district's setting for one node: on or off, its place in the path, its default days from signing."""

    __table_args__ = (
        UniqueConstraint("district_id", "node"),
        CheckConstraint("offset_days >= 0", name="offset_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    node: Mapped[PathNode] = mapped_column(choice_type(PathNode, "node"))
    enabled: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int]
    offset_days: Mapped[int | None]  # the default planned date: signing + this many days


class ColourRule(db.Model):
    """A district's 红黄绿 thresholds, in days (crm/reports/colours.py applies them)."""

    __table_args__ = (
        CheckConstraint("soon_days >= 0 AND late_days >= 0 AND issue_days >= 0", name="days_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), unique=True)
    soon_days: Mapped[int] = mapped_column(default=15)  # N: yellow when a planned date is this near
    late_days: Mapped[int] = mapped_column(default=30)  # M: yellow up to this many days late, red beyond
    issue_days: Mapped[int] = mapped_column(default=30)  # K: red when an open 问题诉求 is older than this
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
