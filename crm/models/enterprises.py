"""Enterprises the district courts, and the people met there."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import Ownership
from .types import UTCDateTime, choice_type, now_utc

if TYPE_CHECKING:
    from .projects import Project


class Enterprise(db.Model):
    """A company as one district holds it, shared by the district's teams so that overlaps are noticed."""

    __table_args__ = (UniqueConstraint("district_id", "credit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)  # normalised name, for duplicates
    credit_code: Mapped[str | None] = mapped_column(String(18))  # 统一社会信用代码, once per district
    industry: Mapped[str | None] = mapped_column(String(64), index=True)
    province: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str | None] = mapped_column(String(32))
    ownership: Mapped[Ownership | None] = mapped_column(choice_type(Ownership, "ownership"))
    fortune500: Mapped[bool] = mapped_column(default=False)  # 世界500强
    listed: Mapped[bool] = mapped_column(default=False)  # 上市
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)  # an edit made from an older version is refused

    contacts: Mapped[list[Contact]] = relationship(back_populates="enterprise")
    projects: Mapped[list[Project]] = relationship(back_populates="enterprise")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Enterprise {self.name}>"


class Contact(db.Model):
    """A person at an enterprise; the phone and WeChat ID are personal information (个人信息保护法).

    The team that holds a contact (the team of whoever added it; none when the office or an import added it) and
    the district's admins see them in full; everyone else sees them masked and may reveal one, which is logged.
    """

    # The audit trail notes that a number changed, never the number.
    audit_exclude = frozenset({"phone", "wechat"})

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))  # the team that holds the contact
    name: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    wechat: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    enterprise: Mapped[Enterprise] = relationship(back_populates="contacts")
