"""The demo's leads: one per visited enterprise, in every stage, each with its stage log."""

from __future__ import annotations

from datetime import date, timedelta

from ..models import Enterprise, Lead, LeadStage, LeadStageChange, LeadStatus, Project, Visit
from .cast import District
from .dates import random_day, walk
from .names import DROP_REASONS, NEXT_STEPS, PROJECT_KINDS

OPEN_STAGES = (LeadStage.CLUE, LeadStage.CONTACTED, LeadStage.NEGOTIATING, LeadStage.AGREED, LeadStage.DROPPED)
PATHS = {
    LeadStage.CLUE: (LeadStage.CLUE,),
    LeadStage.CONTACTED: (LeadStage.CLUE, LeadStage.CONTACTED),
    LeadStage.NEGOTIATING: (LeadStage.CLUE, LeadStage.CONTACTED, LeadStage.NEGOTIATING),
    LeadStage.AGREED: (LeadStage.CLUE, LeadStage.CONTACTED, LeadStage.NEGOTIATING, LeadStage.AGREED),
    LeadStage.SIGNED: (LeadStage.CLUE, LeadStage.CONTACTED, LeadStage.NEGOTIATING, LeadStage.AGREED,
                       LeadStage.SIGNED),
}
NOTES = {LeadStage.CLUE: "拜访中了解到投资意向", LeadStage.CONTACTED: "已与企业决策层建立联系",
         LeadStage.NEGOTIATING: "进入实质性洽谈", LeadStage.AGREED: "协议文本基本达成一致",
         LeadStage.SIGNED: "正式签约"}


def build_leads(district: District, projects: list[Project], visits: list[Visit]) -> list[Lead]:
    """Add a signed lead for each project this year and open or dropped leads for the other enterprises."""
    d, rng = district, district.rng
    investors = {project.enterprise for project in projects}
    leads = []
    for project in projects:
        project.lead = new_lead(d, project.enterprise, LeadStage.SIGNED, project.name,
                                project.total_investment_yuan, last=project.signed_on)
        leads.append(project.lead)
    courted = sorted((e for e in d.first_visit if e not in investors), key=lambda e: (d.first_visit[e], e.name))
    stages = [OPEN_STAGES[i % len(OPEN_STAGES)] for i in range(len(courted))]
    rng.shuffle(stages)
    for enterprise, stage in zip(courted, stages, strict=True):
        title = enterprise.name[len(enterprise.city or ""):][:2] + rng.choice(PROJECT_KINDS[enterprise.industry or
                                                                                             "装备制造"])
        leads.append(new_lead(d, enterprise, stage, title, rng.randint(5, 300) * 10**7))
    by_pair = {(lead.team, lead.enterprise): lead for lead in leads}
    for visit in visits:
        lead = by_pair.get((visit.team, visit.enterprise))
        if lead and (lead.status is not LeadStatus.CLOSED or visit.visited_on <= lead.updated_at.date()):
            visit.lead = lead
    return leads


def new_lead(district: District, enterprise: Enterprise, stage: LeadStage, title: str, amount: int,
             last: date | None = None) -> Lead:
    """Return a lead that walked the stages up to stage, from the first visit on, logging each move."""
    d, rng = district, district.rng
    team = d.home_team[enterprise]
    owner = rng.choice(d.crews[team])
    first = min(d.first_visit[enterprise], last or d.end)
    if stage is LeadStage.DROPPED:
        path = PATHS[rng.choice((LeadStage.CONTACTED, LeadStage.NEGOTIATING))] + (LeadStage.DROPPED,)
    else:
        path = PATHS[stage]
    moments = walk(rng, first, last or random_day(rng, first, d.end), len(path))
    reason = rng.choice(DROP_REASONS) if stage is LeadStage.DROPPED else None
    log = [LeadStageChange(from_stage=before, to_stage=after, changed_at=at, changed_by=owner,
                           note=reason if after is LeadStage.DROPPED else NOTES[after])
           for before, after, at in zip((None, *path), path, moments, strict=False)]
    closed = stage in (LeadStage.SIGNED, LeadStage.DROPPED)
    status = LeadStatus.CLOSED if closed else LeadStatus.PAUSED if rng.random() < 0.1 else LeadStatus.ACTIVE
    ahead = d.end + timedelta(days=rng.randint(3, 30))
    return Lead(team=team, enterprise=enterprise, title=title, industry=enterprise.industry,
                intended_investment_yuan=amount, stage=stage, status=status, drop_reason=reason, owner=owner,
                expected_sign_on=d.end + timedelta(days=rng.randint(30, 180))
                if stage in (LeadStage.NEGOTIATING, LeadStage.AGREED) else None,
                next_action=None if closed else rng.choice(NEXT_STEPS), next_action_on=None if closed else ahead,
                created_at=moments[0], updated_at=moments[-1], stage_log=log)
