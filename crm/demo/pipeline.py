"""The demo's leads and their stage logs: a pipeline that narrows from many clues to the signed projects.

Every signed project comes from a lead that walked 线索 → 接洽 → 洽谈 → 拟签约 → 已签约, its signing logged as
the app logs it (the project's code as the note). The enterprises courted without a signing have reached every
open stage, fewer the further on, and some were dropped on the way; clues from 推介会 and referrals that nobody
has called on yet stay 线索. Last year's courting left leads that were dropped then, and some still open.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..domain.periods import LOCAL
from ..extensions import db
from ..models import Enterprise, Lead, LeadStage, LeadStageChange, LeadStatus, Project, Team, Visit
from .cast import District, new_enterprise
from .dates import random_day, walk
from .last_year import LastYear
from .names import CLUE_DROP_REASONS, CLUE_SOURCES, DROP_REASONS, NEXT_STEPS, PROJECT_KINDS

PATH = (LeadStage.CLUE, LeadStage.CONTACTED, LeadStage.NEGOTIATING, LeadStage.AGREED, LeadStage.SIGNED)
NOTES = {LeadStage.CLUE: "拜访中了解到投资意向", LeadStage.CONTACTED: "已与企业决策层建立联系",
         LeadStage.NEGOTIATING: "进入实质性洽谈", LeadStage.AGREED: "协议文本基本达成一致"}
# This year's courted enterprises that signed nothing (95 visited − 60 signed): how far each lead has got. Fewer
# the further on, so that with the 60 signed leads every stage holds fewer than the one before.
COURTED_REACH = {LeadStage.CLUE: 6, LeadStage.CONTACTED: 13, LeadStage.NEGOTIATING: 9, LeadStage.AGREED: 7}
COURTED_DROPPED = {LeadStage.CONTACTED: 3, LeadStage.NEGOTIATING: 2, LeadStage.AGREED: 1}  # of those, lost there
CLUES = {0: 40, 1: 20}  # years back → clues without a visit found that year
LOST_REACH = (LeadStage.CONTACTED, LeadStage.CONTACTED, LeadStage.NEGOTIATING, LeadStage.NEGOTIATING,
              LeadStage.AGREED)


def build_leads(district: District, projects: list[Project], visits: list[Visit], last_year: LastYear) -> list[Lead]:
    """Add a signed lead for every project, open and dropped leads for the enterprises courted without a signing,
    and the clues; link the visits to their leads."""
    d, rng = district, district.rng
    leads = [signed_lead(d, project, last_year) for project in projects]
    investors = {p.enterprise for p in projects if p.signed_on.year == d.year}
    courted = sorted((e for e in d.first_visit if e not in investors), key=lambda e: (d.first_visit[e], e.name))
    reach = [stage for stage, count in COURTED_REACH.items() for _ in range(count)]
    rng.shuffle(reach)
    to_drop = dict(COURTED_DROPPED)
    for enterprise, stage in zip(courted, reach, strict=True):
        first = last_year.first_visit[enterprise] if enterprise in last_year.met_early else d.first_visit[enterprise]
        dropped = to_drop.get(stage, 0) > 0
        to_drop[stage] = to_drop.get(stage, 0) - dropped
        leads.append(new_lead(d, enterprise, stage, first, dropped=dropped))
    for enterprise in last_year.lost:  # dropped last year, dropped this year, or still open
        outcome = rng.choice(("dropped then", "dropped then", "dropped now", "open"))
        stage = rng.choice(LOST_REACH)
        last = random_day(rng, last_year.first_visit[enterprise], date(d.year - 1, 12, 31)) \
            if outcome == "dropped then" else random_day(rng, d.start, d.end)
        leads.append(new_lead(d, enterprise, stage, last_year.first_visit[enterprise], last=last,
                              dropped=outcome != "open"))
    for back, count in CLUES.items():
        for _ in range(count):
            enterprise = new_enterprise(d, rng.choice(d.teams))
            found = random_day(rng, date(d.year - back, 1, 1), min(date(d.year - back, 12, 31), d.end))
            dropped = rng.random() < 0.3
            leads.append(new_lead(d, enterprise, LeadStage.CLUE, found, dropped=dropped,
                                  last=random_day(rng, found, d.end) if dropped else None,
                                  note=rng.choice(CLUE_SOURCES)))
    link_visits(leads, [*visits, *last_year.visits])
    db.session.add_all(leads)
    return leads


def signed_lead(district: District, project: Project, last_year: LastYear) -> Lead:
    """The lead a project was signed from: first met at the first visit (else some months before), signed on the
    signing day, the project's code as the note."""
    d, enterprise, signed_on = district, project.enterprise, project.signed_on
    if signed_on.year == d.year:
        first = last_year.first_visit[enterprise] if enterprise in last_year.met_early else d.first_visit[enterprise]
    elif signed_on.year == d.year - 1 and last_year.first_visit.get(enterprise, signed_on) < signed_on:
        first = last_year.first_visit[enterprise]
    else:  # courted before the demo's fieldwork began
        first = signed_on - timedelta(days=d.rng.randint(45, 300))
    lead = new_lead(d, enterprise, LeadStage.SIGNED, first, last=project.signed_on, title=project.name,
                    amount=project.total_investment_yuan, signed_note=project.code)
    project.lead = lead
    project.created_at = lead.updated_at  # the signing is registered with the lead's last move
    return lead


def new_lead(district: District, enterprise: Enterprise, stage: LeadStage, first: date, *, dropped: bool = False,
             last: date | None = None, title: str | None = None, amount: int | None = None,
             note: str | None = None, signed_note: str | None = None) -> Lead:
    """Return a lead that walked the stages from first up to stage (then, if dropped, to 已放弃), logging each move;
    its last move is on the day last (else a day up to the demo's today)."""
    d, rng = district, district.rng
    team = d.home_team[enterprise]
    owner = rng.choice(d.crews[team])
    path = PATH[:PATH.index(stage) + 1] + ((LeadStage.DROPPED,) if dropped else ())
    moments = walk(rng, first, last or random_day(rng, first, d.end), len(path))
    reasons = CLUE_DROP_REASONS if stage is LeadStage.CLUE else DROP_REASONS
    reason = rng.choice(reasons) if dropped else None
    notes = NOTES | {LeadStage.DROPPED: reason, LeadStage.SIGNED: signed_note}
    if note:
        notes[LeadStage.CLUE] = note
    log = [LeadStageChange(from_stage=before, to_stage=after, changed_at=at, changed_by=owner, note=notes[after])
           for before, after, at in zip((None, *path), path, moments, strict=False)]
    final = path[-1]
    closed = final in (LeadStage.SIGNED, LeadStage.DROPPED)
    status = LeadStatus.CLOSED if closed else LeadStatus.PAUSED if rng.random() < 0.1 else LeadStatus.ACTIVE
    if title is None:
        trade = enterprise.name[len(enterprise.city or ""):][:2]
        title = trade + rng.choice(PROJECT_KINDS[enterprise.industry or "装备制造"])
    return Lead(team=team, enterprise=enterprise, title=title, industry=enterprise.industry,
                intended_investment_yuan=amount or rng.randint(5, 300) * 10**7, stage=final, status=status,
                drop_reason=reason, owner=owner,
                expected_sign_on=d.end + timedelta(days=rng.randint(30, 180))
                if final in (LeadStage.NEGOTIATING, LeadStage.AGREED) else None,
                next_action=None if closed else rng.choice(NEXT_STEPS),
                next_action_on=None if closed else d.end + timedelta(days=rng.randint(3, 30)),
                created_at=moments[0], updated_at=moments[-1], stage_log=log)


def link_visits(leads: list[Lead], visits: list[Visit]) -> None:
    """Link each visit to its team's lead on the enterprise that was open that day."""
    by_pair: dict[tuple[Team, Enterprise], list[Lead]] = {}
    for lead in leads:
        by_pair.setdefault((lead.team, lead.enterprise), []).append(lead)
    for visit in visits:
        for lead in by_pair.get((visit.team, visit.enterprise), []):
            opened, moved = (moment.astimezone(LOCAL).date() for moment in (lead.created_at, lead.updated_at))
            if opened <= visit.visited_on and (lead.status is not LeadStatus.CLOSED or visit.visited_on <= moved):
                visit.lead = lead
                break
