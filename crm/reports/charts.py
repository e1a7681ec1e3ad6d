"""The dashboard's chart data, for the district or one team, each chart one grouped query.

Money leaves as exact integer yuan and as 亿元 text with two decimals (the number the chart draws); names
(industries, teams) are user text and leave as plain JSON strings, for the page to show as text.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from ..domain.money import Unit, format_amount, format_yi, written
from ..domain.periods import Period
from ..domain.sizes import SIZE_BANDS
from ..extensions import db
from ..models import Lead, LeadStage, LeadStageChange, Project
from ..web.i18n import counts_in_wan
from ..web.i18n import gettext as _
from .district_ranking import district_ranking
from .figures import of_team, utc_bounds
from .rules import counted, in_band
from .sql import year_month
from .team_ranking import team_ranking

CHARTS = ("monthly", "funnel", "industries", "teams", "sizes")
OPEN_STAGES = (LeadStage.CLUE, LeadStage.CONTACTED, LeadStage.NEGOTIATING, LeadStage.AGREED)
# How far along the pipeline each stage is: a lead that reached one has passed those before it (已放弃 is not a step).
STAGE_RANK = {stage: rank for rank, stage in enumerate((*OPEN_STAGES, LeadStage.SIGNED), 1)}
TOP_INDUSTRIES = 10  # the rest are summed as 其他, so the chart stays readable on a phone


def money(yuan: int) -> dict[str, Any]:
    """An amount as the charts use it: yuan, 亿元 for the axis (a plain number), the text a tooltip shows beside
    its 亿元 label, and the amount with its unit in the reader's counting (a phone's key: money.written)."""
    return {"investment_yuan": yuan, "investment_yi": format_yi(yuan), "investment_text": format_amount(yuan, Unit.YI),
            "investment_written": written(yuan, Unit.YI)}


def signed_in(period: Period, team_id: int | None, district_id: int | None) -> tuple[ColumnElement[bool], ...]:
    """Counted projects signed in the period, of the team (or the district) if one is given."""
    return (counted(), Project.signed_on.between(period.start, period.end),
            of_team(Project.team_id, team_id, district_id))


def months_of(period: Period) -> list[tuple[int, int]]:
    """The (year, month) pairs the period touches, in order."""
    months, year, month = [], period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly(period: Period, team_id: int | None = None, district_id: int | None = None) -> dict[str, Any]:
    """Signings per month of the period: how many, and their investment."""
    month_of = year_month(Project.signed_on)
    found = {key: (count, int(total)) for key, count, total in db.session.execute(
        select(month_of, func.count(), func.coalesce(func.sum(Project.total_investment_yuan), 0))
        .where(*signed_in(period, team_id, district_id)).group_by(month_of))}
    rows = []
    for y, m in months_of(period):
        count, total = found.get(f"{y}-{m:02d}", (0, 0))
        label = _("%(month)d月", month=m) if period.start.year == period.end.year else f"{y}-{m:02d}"
        rows.append({"month": f"{y}-{m:02d}", "label": label, "signed": count, **money(total)})
    return {"months": rows}


def funnel(period: Period, team_id: int | None = None, district_id: int | None = None) -> dict[str, Any]:
    """The pipeline as a funnel: of the leads worked in the period, how many ever reached each stage by its end.

    A lead is worked in the period when it was open at some moment of it: created before the period ended, and
    not closed (signed or dropped) before it began unless it moved again during it. It counts in every stage it
    reached, by its stage log up to the period's end, so a lead dropped in 洽谈 counts in 线索, 接洽 and 洽谈, and
    each stage holds no more leads than the one before. 已签约 are its leads whose project was signed in the
    period and counts (verified, not voided), with the projects' investment; such a lead reached every stage.
    Each stage also says what share of the stage before it went on to reach it.
    """
    since, until = utc_bounds(period)
    change = LeadStageChange
    before_start, closing = change.changed_at < since, change.to_stage.in_((LeadStage.SIGNED, LeadStage.DROPPED))
    log = (select(change.lead_id.label("lead_id"),
                  func.max(case(STAGE_RANK, value=change.to_stage)).filter(change.changed_at < until).label("reached"),
                  func.max(change.changed_at).filter(before_start).label("last_before"),
                  func.max(change.changed_at).filter(before_start, closing).label("closed_before"),
                  func.count().filter(change.changed_at >= since, change.changed_at < until).label("moves"))
           .group_by(change.lead_id))
    if team_id is not None:  # a team's funnel reads its own leads' log, not the whole district's
        log = log.where(change.lead_id.in_(select(Lead.id).where(Lead.team_id == team_id)))
    log = log.subquery()
    signed = and_(Project.lead_id == Lead.id, *signed_in(period, None, None))
    # closed before the period began: its last move before then signed or dropped it, and it has not moved since
    closed_before = and_(log.c.closed_before.is_not(None), log.c.closed_before == log.c.last_before,
                         log.c.moves == 0)
    # a lead loaded without a stage log counts by the stage it is in
    rank = case((Project.id.is_not(None), len(STAGE_RANK)),
                else_=func.coalesce(log.c.reached, case(STAGE_RANK, value=Lead.stage), 1))
    intended = Lead.intended_investment_yuan
    columns = [column for stage in OPEN_STAGES for column in (
        func.count().filter(rank >= STAGE_RANK[stage]),
        func.coalesce(func.sum(intended).filter(rank >= STAGE_RANK[stage]), 0))]
    row = db.session.execute(
        select(*columns, func.count(Project.id), func.coalesce(func.sum(Project.total_investment_yuan), 0))
        .select_from(Lead).outerjoin(log, log.c.lead_id == Lead.id).outerjoin(Project, signed)
        .where(of_team(Lead.team_id, team_id, district_id),
               or_(Project.id.is_not(None), and_(Lead.created_at < until, ~closed_before)))).one()
    counts = [(row[2 * i], int(row[2 * i + 1])) for i in range(len(OPEN_STAGES) + 1)]
    stages = []
    for i, (stage, (count, total)) in enumerate(zip((*OPEN_STAGES, LeadStage.SIGNED), counts, strict=True)):
        before = counts[i - 1][0] if i else None
        stages.append({"stage": stage.value, "label": str(stage.label), "count": count, **money(total),
                       "percent_of_previous": percent(count, before)})
    return {"stages": stages}


def percent(part: int, whole: int | None) -> str | None:
    """Part of the whole in per cent with one decimal, as text; None without a whole to compare with."""
    if not whole:
        return None
    return str((Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def industries(period: Period, team_id: int | None = None, district_id: int | None = None) -> dict[str, Any]:
    """Investment signed in the period per industry, largest first; past the top ten, one 其他 row."""
    industry = func.coalesce(Project.industry, "")
    total = func.coalesce(func.sum(Project.total_investment_yuan), 0)
    rows = [{"industry": name or _("未分类"), "signed": count, **money(int(amount))}
            for name, count, amount in db.session.execute(
                select(industry, func.count(), total).where(*signed_in(period, team_id, district_id))
                .group_by(industry).order_by(total.desc(), industry))]
    if len(rows) > TOP_INDUSTRIES:
        rest = rows[TOP_INDUSTRIES:]
        rows = [*rows[:TOP_INDUSTRIES], {"industry": _("其他"), "signed": sum(r["signed"] for r in rest),
                                         **money(sum(r["investment_yuan"] for r in rest))}]
    return {"industries": rows}


def teams(period: Period, today: date, team_id: int | None = None, district_id: int | None = None) -> dict[str, Any]:
    """The district's team ranking scores for the period, best first; the team asked for is marked.

    For the city (no district) the chart ranks its districts instead.
    """
    ranking = (team_ranking(period, today, district_id=district_id) if district_id is not None
               else district_ranking(period, today))
    return {"teams": [{"team_id": row.team_id, "team_name": row.team_name, "rank": row.rank,
                       "score": str(row.score), "mine": row.team_id == team_id} for row in ranking.rows]}


def band_label(low: int, high: int | None) -> str:
    """A size band of floors in 亿元, in the reader's counting (money.written): 1–10亿元, or 100–1,000 million yuan."""
    if counts_in_wan():
        return f"{low}亿元以上" if high is None else f"{low}–{high}亿元"
    if high is None:
        return _("%(low)s百万元以上", low=f"{low * 100:,}")
    return _("%(low)s–%(high)s百万元", low=f"{low * 100:,}", high=f"{high * 100:,}")


def sizes(period: Period, team_id: int | None = None, district_id: int | None = None) -> dict[str, Any]:
    """Projects of 1亿元 or more signed in the period, counted per size band."""
    columns = [func.count().filter(in_band(low, high)) for low, high in SIZE_BANDS]
    counts = db.session.execute(select(*columns).where(*signed_in(period, team_id, district_id))).one()
    return {"sizes": [{"band": band_label(low, high), "low_yi": low, "high_yi": high, "count": count}
                      for (low, high), count in zip(SIZE_BANDS, counts, strict=True)]}


def chart_data(name: str, period: Period, today: date, team_id: int | None = None,
               district_id: int | None = None) -> dict[str, Any]:
    """One chart's data by name (one of CHARTS), with the period it covers: a team's, a district's or the city's."""
    if name == "teams":
        data = teams(period, today, team_id, district_id)
    else:
        data = {"monthly": monthly, "funnel": funnel, "industries": industries, "sizes": sizes}[name](
            period, team_id, district_id)
    return {"chart": name, "period": {"start": period.start.isoformat(), "end": period.end.isoformat(),
                                      "label": period.label}, "team_id": team_id, **data}
