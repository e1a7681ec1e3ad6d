"""Rules for leads: creation, editing, stage moves, the list and the team scope (the board is in board.py)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, select, true
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.exc import StaleDataError

from ..access.visibility import sees_all
from ..domain.refused import Refused
from ..enterprises.names import fold
from ..extensions import db
from ..models import Enterprise, Lead, LeadStage, LeadStageChange, LeadStatus, Project, Team, User, Visit
from ..reports.figures import of_district
from ..reports.rules import lead_amount, lead_project
from ..web.i18n import lazy_gettext as _l
from .overlaps import ACTIVE_STAGES, record_overlaps, rival_leads

EDITABLE = ("title", "industry", "intended_investment_yuan", "owner", "expected_sign_on", "next_action",
            "next_action_on", "status")


class LeadsToConfirm(Refused):
    """Leads the user must see before a new one is saved: other teams' active leads on the enterprise (撞单), the
    team's own active leads of the same title on it (a repeat). Either list is empty once the user confirmed it."""

    def __init__(self, rivals: Sequence[Lead], twins: Sequence[Lead]) -> None:
        super().__init__(_l("其他专班已在跟进该企业") if rivals else _l("本专班已有同名线索"))
        self.rivals, self.twins = rivals, twins


def visible_teams(user: User, team_id: int | None, district_id: int | None = None) -> ColumnElement[bool]:
    """A WHERE clause for the leads a user looks at: their own team, or the chosen one (or all) for readers of all,
    of the district the city chose (`district_id`; the reach keeps a district's readers to their own)."""
    if not sees_all(user):
        return Lead.team_id == user.team_id
    return and_(Lead.team_id == team_id if team_id else true(), of_district(Lead.team_id, district_id))


def lead_list(scope: ColumnElement[bool], *, stage: LeadStage | None = None, status: LeadStatus | None = None,
              owner_id: int | None = None, enterprise: str | None = None) -> Select[tuple[Lead]]:
    """The query of the table view, newest first, with its filters applied."""
    # the enterprise is joined once, for the name filter, and loaded from that join (not joined a second time)
    query = (select(Lead).join(Lead.enterprise).where(scope)
             .options(contains_eager(Lead.enterprise), joinedload(Lead.owner), joinedload(Lead.team))
             .order_by(Lead.created_at.desc(), Lead.id.desc()))
    if stage is not None:
        query = query.where(Lead.stage == stage)
    if status is not None:
        query = query.where(Lead.status == status)
    if owner_id:
        query = query.where(Lead.owner_id == owner_id)
    if enterprise:
        query = query.where(Enterprise.name.icontains(enterprise, autoescape=True))
    return query


def lead_amounts(lead_ids: Sequence[int]) -> dict[int, int | None]:
    """The amount each lead is shown with, by the board's rule (intended until signed, then the signing's): one
    query for a page of the list."""
    return dict(db.session.execute(select(Lead.id, lead_amount()).outerjoin(Project, lead_project())
                                   .where(Lead.id.in_(lead_ids))).all())


# The enterprise a form names: the one picked by id if the typed name still reads as its name, else the oldest of
# that name (None: the caller creates it). The one rule is crm/enterprises/resolver.py's; crm/projects calls it here.


def check_owner(team: Team, owner: User | None) -> None:
    """Refuse an owner who is not a member of the lead's team."""
    if owner is not None and owner.team_id != team.id:
        raise Refused(_l("负责人必须是本专班成员"))


def check_visit(visit: Visit | None, team: Team) -> None:
    """Refuse to link a new lead to a visit already linked, or to one of another team (转为线索)."""
    if visit is None:
        return
    if visit.lead_id is not None:
        raise Refused(_l("该拜访已关联线索，不能再转为新线索"))
    if visit.team_id != team.id:
        raise Refused(_l("该拜访属于其他专班，只能转为该专班的线索"), "team_id")


def link_visit(visit: Visit | None, lead: Lead) -> None:
    """Link the visit a lead was made from to it; refused when someone changed the visit meanwhile."""
    if visit is None:
        return
    visit.lead = lead
    try:
        db.session.flush()
    except StaleDataError as error:
        raise Refused(_l("该拜访刚被他人修改，请重新打开拜访后再转为线索")) from error


def twin_leads(enterprise_id: int, team_id: int, title: str) -> list[Lead]:
    """The team's active leads on the enterprise with the title as people read it (width, case and spaces folded)."""
    leads = db.session.scalars(
        select(Lead).where(Lead.enterprise_id == enterprise_id, Lead.team_id == team_id,
                           Lead.stage.in_(ACTIVE_STAGES), Lead.status != LeadStatus.CLOSED).order_by(Lead.id))
    return [lead for lead in leads if fold(lead.title) == fold(title)]


def create_lead(*, actor: User, team: Team, enterprise: Enterprise, title: str, confirm_overlap: bool = False,
                confirm_duplicate: bool = False, visit: Visit | None = None, **fields: Any) -> Lead:
    """Add a lead at stage 线索; when other teams court the enterprise (撞单) or the team already has an active lead
    of that title on it, only once the user has seen them and confirmed. Made from a visit (转为线索), the visit is
    linked to it."""
    check_owner(team, fields.get("owner"))
    check_visit(visit, team)
    known = enterprise.id is not None
    rivals = rival_leads(enterprise.id, team.id) if known else []
    twins = twin_leads(enterprise.id, team.id, title) if known else []
    if (rivals and not confirm_overlap) or (twins and not confirm_duplicate):
        raise LeadsToConfirm([] if confirm_overlap else rivals, [] if confirm_duplicate else twins)
    fields.setdefault("status", LeadStatus.ACTIVE)
    lead = Lead(team=team, enterprise=enterprise, title=title.strip(), **fields)
    lead.move_to(LeadStage.CLUE, by=actor)
    db.session.add(lead)
    db.session.flush()
    link_visit(visit, lead)
    if rivals:
        record_overlaps(rivals, team=team, source="lead", source_id=lead.id, actor=actor)
    return lead


def update_lead(lead: Lead, *, actor: User, version: int, enterprise: Enterprise, title: str,
                **fields: Any) -> Lead:
    """Change a lead's fields; an edit made from an older version is refused (StaleDataError), nothing applied."""
    if version != lead.version:
        raise StaleDataError(f"lead {lead.id} is at version {lead.version}, the edit was made from {version}")
    check_owner(lead.team, fields.get("owner"))
    lead.enterprise = enterprise
    lead.title = title.strip()
    for key, value in fields.items():
        if key not in EDITABLE:
            raise TypeError(f"update_lead() got an unexpected field {key!r}")
        setattr(lead, key, value)
    db.session.flush()
    return lead


SIGNED_BY_SIGNING_ONLY = _l("“已签约”只能通过签约登记办理")


def check_stage_by_hand(stage: LeadStage) -> None:
    """A lead may be moved to any stage but 已签约, which comes only from signing a project."""
    if stage is LeadStage.SIGNED:
        raise Refused(SIGNED_BY_SIGNING_ONLY, "stage")


def check_drop_reason(reason: str | None) -> str:
    """A lead is given up only with a reason: the reason, trimmed."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_l("放弃线索须填写原因"), "drop_reason")
    return reason


def stage_refusal(lead: Lead, stage: LeadStage) -> str | None:
    """Why a lead may not be moved to this stage by hand, or None when it may (the one rule of stage moves)."""
    if stage is LeadStage.SIGNED:
        return SIGNED_BY_SIGNING_ONLY
    if lead.stage is LeadStage.SIGNED:
        return _l("已签约的线索不能再变更阶段")
    if stage is lead.stage:
        return _l("线索已处于该阶段")
    return None


def next_stages(lead: Lead) -> list[LeadStage]:
    """The stages a lead may be moved to by hand (已放弃 among them while it may still be dropped)."""
    return [stage for stage in LeadStage if stage_refusal(lead, stage) is None]


def move_stage(lead: Lead, stage: LeadStage, *, actor: User, note: str | None = None,
               reason: str | None = None) -> Lead:
    """Move a lead to another stage and log it; 已放弃 needs a reason, 已签约 comes only from signing."""
    if (refusal := stage_refusal(lead, stage)) is not None:
        raise Refused(refusal)
    if stage is LeadStage.DROPPED:
        return drop_lead(lead, actor=actor, reason=reason or "")
    if lead.stage is LeadStage.DROPPED:  # reopened: the reason stays in the stage log
        lead.drop_reason = None
        lead.status = LeadStatus.ACTIVE
    lead.move_to(stage, by=actor, note=(note or "").strip() or None)
    db.session.flush()
    return lead


def drop_lead(lead: Lead, *, actor: User, reason: str) -> Lead:
    """Give up a lead, saying why."""
    reason = check_drop_reason(reason)
    if lead.stage in (LeadStage.SIGNED, LeadStage.DROPPED):
        raise Refused(_l("该线索不能再放弃"))
    lead.drop_reason = reason
    lead.status = LeadStatus.CLOSED
    lead.move_to(LeadStage.DROPPED, by=actor, note=reason)
    db.session.flush()
    return lead


def team_members(team_id: int | None) -> Sequence[User]:
    """The active people of a team (or of every team) who may own a lead."""
    query = select(User).where(User.active.is_(True), User.team_id.is_not(None)).options(joinedload(User.team))
    if team_id:
        query = query.where(User.team_id == team_id)
    return db.session.scalars(query.order_by(User.team_id, User.display_name)).all()


def enterprise_suggestions(team_id: int | None, limit: int = 300) -> Sequence[str]:
    """Names for the enterprise field's list: those the team has visited or has leads on, else the newest."""
    query = select(Enterprise.name).where(Enterprise.merged_into_id.is_(None))
    if team_id:
        worked_on = select(Lead.enterprise_id).where(Lead.team_id == team_id).union(
            select(Visit.enterprise_id).where(Visit.team_id == team_id))
        query = query.where(Enterprise.id.in_(worked_on))
    return db.session.scalars(query.order_by(Enterprise.id.desc()).limit(limit)).all()



def stage_history(lead: Lead) -> Sequence[LeadStageChange]:
    """A lead's stage log, oldest first, with who made each change."""
    return db.session.scalars(select(LeadStageChange).where(LeadStageChange.lead_id == lead.id)
                              .options(joinedload(LeadStageChange.changed_by))
                              .order_by(LeadStageChange.changed_at, LeadStageChange.id)).all()


def lead_visits(lead: Lead) -> Sequence[Visit]:
    """The visits logged for a lead, newest first."""
    return db.session.scalars(select(Visit).where(Visit.lead_id == lead.id)
                              .order_by(Visit.visited_on.desc(), Visit.id.desc())).all()
