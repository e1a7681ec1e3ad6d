"""Every report figure against a plain count over random data: per team, district, both rankings, all periods."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy import select

from crm.domain.credit_code import make_credit_code
from crm.domain.money import YUAN_PER_YI as YI
from crm.domain.periods import LOCAL, Period
from crm.extensions import db
from crm.models import (
    AgreementKind,
    District,
    Enterprise,
    FundKind,
    FundSource,
    FundsTranche,
    Lead,
    Project,
    ProjectStatus,
    ProjectType,
    TargetMetric,
    Team,
    TeamTarget,
    Trip,
    Visit,
    VisitKind,
)
from crm.reports.district_ranking import district_ranking
from crm.reports.figures import district_figures, districts_figures, team_figures, whole_district
from crm.reports.project_ranking import YiCriteria, yi_ranking, yi_totals
from crm.reports.rules import months_before
from crm.reports.scoring import DEFAULT_WEIGHTS, ScoringRule
from crm.reports.summary import district_summary
from crm.reports.team_ranking import team_ranking

TODAY = date(2026, 11, 20)
AMOUNTS = [YI - 1, YI, YI + 1, 50_000_000, 350_000_000, 10 * YI, 30 * YI - 1, 30 * YI, 50 * YI, 100 * YI, 123_456_789]
PERIODS = [Period.year(2025), Period.year(2026), *(Period.quarter(2026, q) for q in range(1, 5)),
           Period.month(2026, 2), Period.year_to_month(2026, 5), Period.between(date(2025, 11, 15), date(2026, 2, 10)),
           Period.quarter(2026, 2).same_period_last_year()]


def some_day(rng: random.Random) -> date:
    return date(2025, 1, 1) + timedelta(days=rng.randrange(730))


def build(seed: int) -> dict[str, list[Any]]:
    """Random teams, enterprises, trips, visits, leads and projects over 2025–2026, committed once."""
    rng = random.Random(seed)
    district = District(name=f"随机{seed}区", code=f"R{seed}")
    db.session.add(district)
    db.session.flush()
    teams = [Team(name=f"随机{seed}-{n}专班", base_city="上海", active=n != 3, district_id=district.id)
             for n in range(4)]
    enterprises = [Enterprise(name=f"随机企业{seed}-{n}", name_key=f"随机企业{seed}-{n}", district_id=district.id,
                              industry=rng.choice(["新材料", "新能源", None])) for n in range(12)]
    db.session.add_all(teams + enterprises)
    db.session.flush()
    trips = []
    for _ in range(40):
        start = some_day(rng)
        trips.append(Trip(team=rng.choice(teams), destination="深圳", start_on=start,
                          end_on=start + timedelta(days=rng.randrange(4))))
    visits = [Visit(uuid=str(uuid.uuid4()), team=rng.choice(teams), enterprise=rng.choice(enterprises),
                    visited_on=some_day(rng), kind=VisitKind.CALL_ON) for _ in range(150)]
    leads = []
    for _ in range(40):  # created near local midnight, where UTC and local dates differ
        local = datetime.combine(some_day(rng), time(rng.choice([0, 7, 23]), rng.choice([0, 59])), LOCAL)
        leads.append(Lead(team=rng.choice(teams), enterprise=rng.choice(enterprises), title="随机线索",
                          created_at=local))
    projects = []
    for n in range(60):
        signed = some_day(rng)
        started = signed + timedelta(days=rng.randrange(200)) if rng.random() < 0.5 else None
        producing = started + timedelta(days=rng.randrange(200)) if started and rng.random() < 0.5 else None
        status = ProjectStatus.PRODUCING if producing else ProjectStatus.STARTED if started else ProjectStatus.SIGNED
        voided = rng.random() < 0.1
        projects.append(Project(
            code=f"R{seed}-{n:03d}", name=f"随机项目{n}", enterprise=rng.choice(enterprises), team=rng.choice(teams),
            signed_on=rng.choice([signed, date(2026, 3, 31), date(2026, 4, 1)]),
            agreement_kind=AgreementKind.CONTRACT, project_type=ProjectType.NEW,
            total_investment_yuan=rng.choice(AMOUNTS), verified=rng.random() < 0.85, voided=voided,
            void_reason="录入错误" if voided else None, started_on=None, production_on=None, status=status))
        if started:
            projects[-1].started_on = max(started, projects[-1].signed_on)
            projects[-1].production_on = max(producing, projects[-1].started_on) if producing else None
    tranches = []  # money in place: verified or not, of counted projects and of others, either use
    for project in projects:
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            tranches.append(FundsTranche(
                project=project, received_on=max(project.signed_on, some_day(rng)),
                amount_yuan=rng.choice([1, 9_999, 12_345_678, YI, 3 * YI + 7]), source=rng.choice(list(FundSource)),
                kind=rng.choice(list(FundKind)), verified=rng.random() < 0.8))
    targets = [TeamTarget(team=team, year=2026, metric=metric, target=rng.randrange(1, 30) * (
        YI if metric.in_yuan else 1)) for team in teams[:3] for metric in TargetMetric
        if rng.random() < 0.8]
    db.session.add_all(trips + visits + leads + projects + tranches + targets)
    db.session.commit()
    return {"teams": teams, "trips": trips, "visits": visits, "leads": leads, "projects": projects,
            "tranches": tranches}


def plain_figures(data: dict[str, list[Any]], period: Period, team: Team | None) -> dict[str, int]:
    """The figures, counted one record at a time."""
    def mine(record: Any) -> bool:
        return team is None or record.team_id == team.id

    def within(day: date | None) -> bool:
        return day is not None and period.start <= day <= period.end

    counted = [p for p in data["projects"] if p.verified and not p.voided and mine(p)]
    signed = [p for p in counted if within(p.signed_on)]
    visits = [v for v in data["visits"] if mine(v) and within(v.visited_on)]
    arrived = [t for t in data["tranches"] if t.verified and t.project in counted and within(t.received_on)]
    return {
        "trips": sum(1 for t in data["trips"] if mine(t) and within(t.start_on)),
        "visits": len(visits),
        "enterprises_visited": len({v.enterprise_id for v in visits}),
        "new_leads": sum(1 for lead in data["leads"]
                         if mine(lead) and within(lead.created_at.astimezone(LOCAL).date())),
        "signed_projects": len(signed),
        "yi_projects": sum(1 for p in signed if p.total_investment_yuan >= YI),
        "signed_investment_yuan": sum(p.total_investment_yuan for p in signed),
        "started_projects": sum(1 for p in counted if within(p.started_on)),
        "producing_projects": sum(1 for p in counted if within(p.production_on)),
        "funds_yuan": sum(t.amount_yuan for t in arrived),
        "fixed_asset_done_yuan": sum(t.amount_yuan for t in arrived if t.kind is FundKind.FIXED_ASSET),
    }


@pytest.fixture(params=[11, 23])
def data(app, request: pytest.FixtureRequest) -> dict[str, list[Any]]:
    return build(request.param)


def test_team_and_district_figures_match_a_plain_count(data: dict[str, list[Any]]) -> None:
    for period in PERIODS:
        per_team = team_figures(period)
        for team in data["teams"]:
            got = per_team[team.id].as_dict() if team.id in per_team else {k: 0 for k in plain_figures(data, period,
                                                                                                          team)}
            assert got == plain_figures(data, period, team), (period, team.name)
            assert team_figures(period, team.id) == ({team.id: per_team[team.id]} if team.id in per_team else {})
        assert district_figures(period).as_dict() == plain_figures(data, period, None), period
        summary = district_summary(period, TODAY).as_dict()
        assert {k: summary[k] for k in plain_figures(data, period, None)} == plain_figures(data, period, None)


def test_the_city_counts_a_company_held_by_two_districts_once(home_district, make_district, make_team,
                                                             make_enterprise, make_visit) -> None:
    other = make_district(name="茅箭区", code="MJ")
    here, there = make_team(), make_team(district_id=other.id)
    code = make_credit_code(random.Random(5))
    # The same company as each district holds it: two records, one credit code.
    ours = make_enterprise(name="东风科技有限公司", credit_code=code)
    theirs = make_enterprise(name="东风科技有限公司", credit_code=code, district_id=other.id)
    # Records without a code are told apart by the record, even under one name.
    plain_here = make_enterprise(name="汉江商贸", credit_code=None)
    plain_there = make_enterprise(name="汉江商贸", credit_code=None, district_id=other.id)
    for team, enterprise in ((here, ours), (here, ours), (here, plain_here), (there, theirs), (there, plain_there)):
        make_visit(team=team, enterprise=enterprise, visited_on=date(2026, 4, 2))
    period = Period.quarter(2026, 2)
    city = whole_district(period)
    assert (city.visits, city.enterprises_visited) == (5, 3)  # the company once, and each record without a code
    assert district_figures(period, team_figures(period)).enterprises_visited == 3
    assert {district: row.enterprises_visited for district, row in districts_figures(period).items()} == {
        home_district.id: 2, other.id: 2}  # each district counts its own
    ranking = district_ranking(period, TODAY)
    assert ranking.district.enterprises_visited == 3
    assert sum(row.figures.enterprises_visited for row in ranking.rows) == 4
    assert whole_district(period, other.id).enterprises_visited == 2


def test_yi_ranking_matches_a_plain_sort(data: dict[str, list[Any]]) -> None:
    floors = {"1": YI, "10": 10 * YI, "30": 30 * YI, "50": 50 * YI, "100": 100 * YI}
    for period in PERIODS:
        for size, floor in floors.items():
            expected = sorted((p for p in data["projects"] if p.verified and not p.voided
                               and period.start <= p.signed_on <= period.end and p.total_investment_yuan >= floor),
                              key=lambda p: (-p.total_investment_yuan, p.signed_on, p.code))
            criteria = YiCriteria(period=period, size=size)
            assert [row.code for row in db.session.execute(yi_ranking(criteria))] == [p.code for p in expected]
            totals = yi_totals(criteria)
            assert (totals.count, totals.total_yuan) == (len(expected), sum(p.total_investment_yuan for p in expected))
            assert totals.buckets == {key: sum(1 for p in expected if p.total_investment_yuan >= f)
                                      for key, f in floors.items()}
        team = data["teams"][0]
        only_team = YiCriteria(period=period, team_id=team.id)
        assert {row.team_id for row in db.session.execute(yi_ranking(only_team))} <= {team.id}


def plain_score(data: dict[str, list[Any]], period: Period, team: Team, rule: ScoringRule) -> Decimal:
    """The score by its written rule, one team at a time: exact, rounded to 0.01 point (halves up) once, at the end."""
    mine = plain_figures(data, period, team)
    total = Fraction(0)
    year_days = 366 if period.end.year % 4 == 0 else 365
    for metric, weight in rule.weights.items():
        field = {TargetMetric.TRIPS: "trips", TargetMetric.ENTERPRISES_VISITED: "enterprises_visited",
                 TargetMetric.VISITS: "visits", TargetMetric.NEW_LEADS: "new_leads",
                 TargetMetric.SIGNED_PROJECTS: "signed_projects", TargetMetric.YI_PROJECTS: "yi_projects",
                 TargetMetric.SIGNED_INVESTMENT: "signed_investment_yuan",
                 TargetMetric.STARTED_PROJECTS: "started_projects",
                 TargetMetric.PRODUCING_PROJECTS: "producing_projects", TargetMetric.FUNDS: "funds_yuan",
                 TargetMetric.FIXED_ASSET_DONE: "fixed_asset_done_yuan"}[metric]
        if rule.normalisation == "best":
            best = max(plain_figures(data, period, other)[field] for other in data["teams"])
            fraction = Fraction(mine[field], best) if best else Fraction(0)
        else:
            target = db.session.scalar(select(TeamTarget.target).where(
                TeamTarget.team_id == team.id, TeamTarget.year == period.end.year, TeamTarget.metric == metric)) or 0
            basis = Fraction(target * ((period.end - period.start).days + 1), year_days)  # unrounded
            fraction = min(mine[field] / basis, Fraction(1)) if basis > 0 else Fraction(0)
        total += weight * fraction
    if rule.deduct_overdue:
        deadline = months_before(min(period.end, TODAY), 6)
        late = sum(1 for p in data["projects"] if p.team_id == team.id and p.verified and not p.voided
                   and p.status is ProjectStatus.SIGNED and p.started_on is None and p.signed_on < deadline)
        total -= Fraction(rule.overdue_deduction) * late
    with localcontext() as context:
        context.prec = 60
        return (Decimal(total.numerator) / Decimal(total.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@pytest.mark.parametrize("normalisation,deduct", [("best", False), ("target", True)])
def test_team_scores_and_ranks_follow_the_written_rule(data: dict[str, list[Any]], normalisation: str,
                                                       deduct: bool) -> None:
    # 到资 and 固投 weigh nothing by default: here they weigh, so their parts are checked too
    weights = DEFAULT_WEIGHTS | {TargetMetric.FUNDS: 10, TargetMetric.FIXED_ASSET_DONE: 5}
    rule = ScoringRule(year=2026, weights=weights, normalisation=normalisation, deduct_overdue=deduct,
                       overdue_deduction=Decimal("1.5"))
    for period in (Period.year(2026), Period.quarter(2026, 2), Period.year_to_month(2026, 5)):
        ranking = team_ranking(period, TODAY, rule, district_id=data["teams"][0].district_id)
        scores = {row.team_id: row.score for row in ranking.rows}
        assert scores == {team.id: plain_score(data, period, team, rule) for team in data["teams"]}
        for row in ranking.rows:
            # each part is shown rounded; the score is their exact sum, rounded once
            shown_parts = sum(c.points for c in row.contributions) - row.deduction
            assert abs(shown_parts - row.score) <= Decimal("0.005") * len(row.contributions)
            better = [other for other in ranking.rows if other.tie_key > row.tie_key]
            assert row.rank == len(better) + 1
