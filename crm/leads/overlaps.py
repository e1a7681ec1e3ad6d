"""撞单: noticing when two teams court one enterprise."""

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from ..domain.refused import Refused
from ..extensions import db
from ..models import Lead, LeadStage, LeadStatus, Overlap, Team, User, now_utc
from ..web.i18n import lazy_gettext as _l

ACTIVE_STAGES = (LeadStage.CLUE, LeadStage.CONTACTED, LeadStage.NEGOTIATING, LeadStage.AGREED)


def rival_leads(enterprise_id: int, team_id: int) -> Sequence[Lead]:
    """Active leads of other teams on this enterprise."""
    return db.session.scalars(
        select(Lead).where(Lead.enterprise_id == enterprise_id, Lead.team_id != team_id,
                           Lead.stage.in_(ACTIVE_STAGES), Lead.status != LeadStatus.CLOSED)
        .order_by(Lead.id)).all()


def record_overlaps(rivals: Sequence[Lead], *, team: Team, source: str, source_id: int,
                    actor: User | None) -> list[Overlap]:
    """Write down that `team` went on despite the rivals' leads."""
    overlaps = [Overlap(enterprise_id=lead.enterprise_id, team_id=team.id, lead_id=lead.id, source=source,
                        source_id=source_id, created_by_id=actor.id if actor else None) for lead in rivals]
    db.session.add_all(overlaps)
    db.session.flush()
    return overlaps


def overlap_queue() -> Select[tuple[Overlap]]:
    """Every overlap, unresolved first, newest first within each group."""
    return (select(Overlap).options(joinedload(Overlap.enterprise), joinedload(Overlap.team),
                                    joinedload(Overlap.created_by), joinedload(Overlap.lead).joinedload(Lead.team))
            .order_by(Overlap.resolved_at.is_not(None), Overlap.created_at.desc(), Overlap.id.desc()))


def resolve_overlap(overlap: Overlap, *, actor: User, note: str, lead_team: Team | None = None) -> Overlap:
    """Close an overlap with a note, optionally handing the rival lead to another team."""
    if overlap.resolved_at is not None:
        raise Refused(_l("该撞单已处理"))
    note = note.strip()
    if not note:
        raise Refused(_l("请填写处理说明"))
    lead = overlap.lead
    if lead_team is not None and lead_team.id != lead.team_id:
        lead.team = lead_team
        if lead.owner is not None and lead.owner.team_id != lead_team.id:
            lead.owner = None  # the owner stays with their own team
    overlap.resolved_at = now_utc()
    overlap.resolved_by_id = actor.id
    overlap.resolution = note
    db.session.flush()
    return overlap
