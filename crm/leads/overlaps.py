"""撞单: noticing when two teams court one enterprise."""

from collections.abc import Sequence

from sqlalchemy import select

from ..extensions import db
from ..models import Lead, LeadStage, LeadStatus, Overlap, Team, User

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
