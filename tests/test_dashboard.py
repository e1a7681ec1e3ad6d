"""The dashboard: the period's cards with 同比 and target completion, the team's own block, the chart data."""

import html
import json
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from crm.demo.district import load_district
from crm.domain import periods
from crm.domain.periods import LOCAL, Period, today
from crm.extensions import db
from crm.models import (
    IssueStatus,
    LeadStage,
    LeadStageChange,
    LeadStatus,
    Project,
    ProjectIssue,
    Role,
    TargetMetric,
    TeamTarget,
)
from crm.reports.charts import OPEN_STAGES as PIPELINE
from crm.reports.year_on_year import compared_period

YEAR = 2025  # a closed year: its 时序进度 is 100%, whatever today is
XSS = "<img src=x onerror=alert(1)>"
YI = 100_000_000


def block(page: str, label: str) -> str:
    """The HTML of one block of cards, found by its aria-label."""
    found = re.search(rf'<section class="cards kpi-cards" aria-label="{label}"[^>]*>(.*?)</section>', page, re.S)
    assert found, f"no block {label}"
    return found.group(1)


def card(section: str, key: str) -> dict[str, str]:
    """A card's figure, 同比 and target line, as the page shows them."""
    found = re.search(rf'<article class="card kpi" data-key="{key}">(.*?)</article>', section, re.S)
    assert found, f"no card {key}"
    text = found.group(1)
    figure = re.search(r'<strong class="figure"[^>]*>([^<]+)</strong>', text).group(1)
    change = re.search(r'<span class="change[^"]*"[^>]*>([^<]+)</span>', text).group(1)
    target = re.search(r'<p class="target">(.*?)</p>', text, re.S)
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", target.group(1))).strip() if target else ""
    return {"figure": figure, "change": change, "last_year": re.search(r"上年同期 \S+～\S+：([^<]+)<", text).group(1),
            "target": html.unescape(plain)}


def compared_days(section: str, key: str) -> str:
    """The days of last year a card says it compares with: 上年同期 2024-01-01～2024-12-06."""
    found = re.search(rf'<article class="card kpi" data-key="{key}">.*?上年同期 (\S+～\S+)：', section, re.S)
    assert found, f"no compared days on card {key}"
    return found.group(1)


@pytest.fixture
def district(make_team, make_project, make_trip, make_visit, make_enterprise):
    """Two teams' work in 2025 and 2024, with the figures worked out by hand in the tests."""
    a, b = make_team(name="上海专班"), make_team(name="深圳专班")
    a1 = make_project(team=a, signed_on=date(YEAR, 3, 5), total_investment_yuan=250_000_000,
                      started_on=date(YEAR, 4, 1), production_on=date(YEAR, 9, 1), industry="新能源")
    make_project(team=a, signed_on=date(YEAR, 5, 1), total_investment_yuan=30_000_000, industry="新材料")
    b1 = make_project(team=b, signed_on=date(YEAR, 6, 1), total_investment_yuan=1_200_000_000, industry="新能源")
    make_project(team=a, signed_on=date(YEAR, 7, 1), total_investment_yuan=900_000_000, verified=False)
    make_project(team=b, signed_on=date(YEAR, 7, 2), total_investment_yuan=800_000_000, voided=True,
                 void_reason="重复录入")
    make_project(team=a, signed_on=date(YEAR - 1, 3, 1), total_investment_yuan=YI)
    make_project(team=b, signed_on=date(YEAR - 1, 8, 1), total_investment_yuan=50_000_000)
    trips = ((a, date(YEAR, 2, 1)), (a, date(YEAR, 8, 1)), (b, date(YEAR, 5, 1)), (a, date(YEAR - 1, 5, 1)))
    for team, day in trips:
        make_trip(team=team, start_on=day, end_on=day)
    shared, own = make_enterprise(), make_enterprise()
    make_visit(team=a, enterprise=shared, visited_on=date(YEAR, 3, 1))
    make_visit(team=b, enterprise=shared, visited_on=date(YEAR, 4, 1))
    make_visit(team=a, enterprise=own, visited_on=date(YEAR, 4, 2))
    issues = [(a1, date(YEAR, 6, 1), None), (a1, date(YEAR, 3, 1), date(YEAR, 4, 1)),
              (a1, date(YEAR - 1, 5, 1), date(YEAR, 2, 1)), (b1, date(YEAR, 10, 1), None)]
    for project, raised, resolved in issues:
        db.session.add(ProjectIssue(project=project, raised_on=raised, description="用地指标", resolved_on=resolved,
                                    status=IssueStatus.CLOSED if resolved else IssueStatus.ASSIGNED))
    db.session.add_all([TeamTarget(team=a, year=YEAR, metric=TargetMetric.SIGNED_PROJECTS, target=4),
                        TeamTarget(team=b, year=YEAR, metric=TargetMetric.SIGNED_PROJECTS, target=6),
                        TeamTarget(team=a, year=YEAR, metric=TargetMetric.SIGNED_INVESTMENT, target=10 * YI)])
    db.session.commit()
    return a, b


def test_district_cards_show_the_period_last_year_and_targets(client, make_user, login, district):
    login(make_user(Role.LEADER))
    response = client.get(f"/?year={YEAR}")
    assert response.status_code == 200
    cards = block(response.text, "主要指标")
    # 2025: 3 counted signings (2.5亿, 0.3亿, 12亿), 2 of them 亿元以上; 2024: 1亿 and 0.5亿.
    assert card(cards, "signed_projects") == {"figure": "3", "change": "+50.0%", "last_year": "2",
                                              "target": "完成年度目标 30.0%（目标 10） 时序进度 100.0%"}
    assert card(cards, "yi_projects") == {"figure": "2", "change": "+100.0%", "last_year": "1", "target": ""}
    # 14.8亿 against 1.5亿: +886.7%; the district's target is team A's 10亿 alone.
    assert card(cards, "signed_investment_yuan") == {
        "figure": "14.80", "change": "+886.7%", "last_year": "1.50",
        "target": "完成年度目标 148.0%（目标 10.00） 时序进度 100.0%"}
    assert card(cards, "trips")["figure"] == "3" and card(cards, "trips")["change"] == "+200.0%"
    # One enterprise visited by both teams counts once; nobody visited anyone in 2024.
    assert card(cards, "enterprises_visited") == {"figure": "2", "change": "—", "last_year": "0", "target": ""}
    assert card(cards, "started_projects")["figure"] == "1" and card(cards, "producing_projects")["figure"] == "1"
    # Open at the end of 2025: A1's June issue and B1's October one; at the end of 2024: the May issue.
    assert card(cards, "open_issues") == {"figure": "2", "change": "+100.0%", "last_year": "1", "target": ""}
    assert "本专班指标" not in response.text  # a leader has no team of their own


def test_member_sees_the_district_and_their_own_team(client, make_user, login, district):
    team_a, team_b = district
    login(make_user(Role.MEMBER, team=team_a))
    page = client.get(f"/?year={YEAR}").text
    assert card(block(page, "主要指标"), "signed_projects")["figure"] == "3"
    mine = block(page, "本专班指标")
    assert '<h2 class="block-title">上海专班</h2>' in page and "深圳专班</h2>" not in page
    assert card(mine, "signed_projects") == {"figure": "2", "change": "+100.0%", "last_year": "1",
                                             "target": "完成年度目标 50.0%（目标 4） 时序进度 100.0%"}
    assert card(mine, "signed_investment_yuan")["figure"] == "2.80"
    assert card(mine, "enterprises_visited")["figure"] == "2"
    assert card(mine, "open_issues") == {"figure": "1", "change": "0.0%", "last_year": "1", "target": ""}
    assert f'data-team="{team_a.id}"' in page and f'data-team="{team_b.id}"' not in page
    scope = re.search(r'<select id="chart-scope">(.*?)</select>', page, re.S).group(1)
    assert re.findall(r"<option[^>]*>([^<]+)</option>", scope) == ["全区", "上海专班"]  # their own team only


def test_quarter_compares_with_the_same_quarter_last_year(client, make_user, login, district):
    login(make_user(Role.LEADER))
    cards = block(client.get(f"/?year={YEAR}&quarter=1").text, "主要指标")
    # Q1 2025: A1 signed 5 March; Q1 2024: the 1亿 signing of 1 March.
    assert card(cards, "signed_projects")["figure"] == "1" and card(cards, "signed_projects")["change"] == "0.0%"
    # Completion is the year to the quarter's end against the yearly target; 时序进度 is 90 of 365 days.
    assert card(cards, "signed_projects")["target"] == "完成年度目标 10.0%（目标 10） 时序进度 24.7%"


@pytest.fixture
def sixth_of_december(monkeypatch):
    """Today is 6 December 2025, 10:00 in the district."""
    monkeypatch.setattr(periods, "now", lambda: datetime(2025, 12, 6, 10, tzinfo=LOCAL))
    return date(2025, 12, 6)


@pytest.fixture
def signings_around_december(make_team, make_project):
    """Three signings in 2025 before 6 December; four in 2024 by 6 December (one of them that day) and two after."""
    team = make_team(name="上海专班")
    for day in (date(2025, 2, 1), date(2025, 10, 20), date(2025, 12, 1)):
        make_project(team=team, signed_on=day, total_investment_yuan=YI)
    for day in (date(2024, 3, 1), date(2024, 10, 8), date(2024, 12, 2), date(2024, 12, 6), date(2024, 12, 7),
                date(2024, 12, 30)):
        make_project(team=team, signed_on=day, total_investment_yuan=YI)
    return team


def test_a_year_in_progress_compares_with_last_years_same_days(client, make_user, login, sixth_of_december,
                                                               signings_around_december):
    login(make_user(Role.LEADER))
    page = client.get("/?year=2025").text
    cards = block(page, "主要指标")
    # 3 against the 4 of 1 January to 6 December 2024 (−25.0%), not against the whole year's 6 (−50.0%)
    assert card(cards, "signed_projects")["change"] == "-25.0%" and card(cards, "signed_projects")["last_year"] == "4"
    assert compared_days(cards, "signed_projects") == "2024-01-01～2024-12-06"
    assert "同比为与上年同期（2024-01-01至2024-12-06）相比" in page


@pytest.mark.parametrize(("query", "days", "last_year", "change"), [
    ("year=2025&quarter=4", "2024-10-01～2024-12-06", "3", "-33.3%"),  # Q4 in progress: 20 Oct and 1 Dec
    ("year=2025&month=12", "2024-12-01～2024-12-06", "2", "-50.0%"),  # December in progress: 1 Dec
    ("year=2025&quarter=1", "2024-01-01～2024-03-31", "1", "0.0%"),  # over: the whole of last year's quarter
    ("year=2024", "2023-01-01～2023-12-31", "0", "—"),  # last year, over: all of 2023
])
def test_a_quarter_or_month_in_progress_compares_up_to_todays_date(client, make_user, login, sixth_of_december,
                                                                   signings_around_december, query, days, last_year,
                                                                   change):
    login(make_user(Role.LEADER))
    cards = block(client.get(f"/?{query}").text, "主要指标")
    assert compared_days(cards, "trips") == compared_days(cards, "signed_projects") == days
    assert (card(cards, "signed_projects")["last_year"], card(cards, "signed_projects")["change"]) == (last_year,
                                                                                                       change)


@pytest.mark.parametrize(("period", "today", "compared"), [
    (Period.year(2028), date(2028, 2, 29), (date(2027, 1, 1), date(2027, 2, 28))),  # last year has no 29 February
    (Period.month(2028, 3), date(2028, 3, 1), (date(2027, 3, 1), date(2027, 3, 1))),
    (Period.month(2025, 2), date(2025, 3, 10), (date(2024, 2, 1), date(2024, 2, 29))),  # over: all of February
    (Period.month(2025, 2), date(2025, 2, 27), (date(2024, 2, 1), date(2024, 2, 27))),
    (Period.year_to_month(2026, 5), date(2026, 5, 31), (date(2025, 1, 1), date(2025, 5, 31))),  # its last day
    (Period.between(date(2026, 11, 15), date(2027, 2, 10)), date(2027, 1, 3), (date(2025, 11, 15), date(2026, 1, 3))),
    (Period.year(2027), date(2026, 12, 6), (date(2026, 1, 1), date(2026, 12, 31))),  # not begun: the whole year
])
def test_the_compared_days_follow_one_rule(period, today, compared):
    last_year = compared_period(period, today)
    assert (last_year.start, last_year.end) == compared


def test_summary_json_states_year_on_year_by_the_same_rule(runner, sixth_of_december, signings_around_december):
    data = json.loads(runner.invoke(args=["summary", "--year", "2025", "--json"]).output)
    assert data["signed_projects"] == 3
    assert data["year_on_year"]["period_start"] == "2024-01-01" and data["year_on_year"]["period_end"] == "2024-12-06"
    assert data["year_on_year"]["figures"]["signed_projects"] == 4
    assert data["year_on_year"]["change_percent"]["signed_projects"] == "-25.0"
    assert data["year_on_year"]["change_percent"]["trips"] is None  # no trips last year: no per cent


def test_the_citys_cards_are_headed_for_the_city(client, make_user, login, district):
    login(make_user(Role.CITY))
    page = client.get(f"/?year={YEAR}").text
    assert '<h2 class="block-title">全市</h2>' in page and '<h2 class="block-title">全区</h2>' not in page
    assert card(block(page, "主要指标"), "signed_projects")["figure"] == "3"
    scope = re.search(r'<select id="chart-scope">(.*?)</select>', page, re.S).group(1)
    assert re.findall(r"<option[^>]*>([^<]+)</option>", scope)[0] == "全市"
    client.post("/logout")
    login(make_user(Role.LEADER))
    assert '<h2 class="block-title">全区</h2>' in client.get(f"/?year={YEAR}").text


def test_the_citys_card_counts_a_company_held_by_two_districts_once(client, make_user, login, make_district,
                                                                   make_team, make_enterprise, make_visit):
    other = make_district(name="茅箭区", code="MJ")
    here, there = make_team(), make_team(district_id=other.id)
    ours = make_enterprise(name="东风科技有限公司")
    theirs = make_enterprise(name="东风科技有限公司", credit_code=ours.credit_code, district_id=other.id)
    make_visit(team=here, enterprise=ours, visited_on=date(YEAR, 5, 6))
    make_visit(team=there, enterprise=theirs, visited_on=date(YEAR, 5, 7))
    make_visit(team=there, enterprise=make_enterprise(district_id=other.id), visited_on=date(YEAR, 5, 8))
    login(make_user(Role.CITY))
    assert card(block(client.get(f"/?year={YEAR}").text, "主要指标"), "enterprises_visited")["figure"] == "2"
    assert card(block(client.get(f"/?year={YEAR}&district={other.id}").text, "主要指标"),
                "enterprises_visited")["figure"] == "2"


def test_dashboard_shows_this_years_figures(client, make_user, make_project, make_trip, login):
    this_year = today().year
    make_project(signed_on=date(this_year, 1, 5), total_investment_yuan=250_000_000, chief_officer=None)
    make_project(signed_on=date(this_year, 1, 6), total_investment_yuan=30_000_000)
    make_project(signed_on=date(this_year - 1, 1, 6), total_investment_yuan=990_000_000)
    make_project(signed_on=date(this_year, 1, 7), total_investment_yuan=10_000_000, verified=False)
    make_trip(start_on=date(this_year, 1, 2), end_on=date(this_year, 1, 2))
    login(make_user(Role.MEMBER))
    page = client.get("/").text
    cards = block(page, "主要指标")
    assert [card(cards, key)["figure"] for key in ("trips", "signed_projects", "yi_projects",
                                                   "signed_investment_yuan")] == ["1", "2", "1", "2.80"]
    assert f"{this_year}年</strong>" in page
    assert "签约项目2个，其中亿元以上项目1个，总投资2.80亿元" in page
    assert "另有 1 个签约项目待认定" in page
    assert 'data-copy="brief-text"' in page and "已复制" in page
    assert "登记拜访" in page  # members keep their quick actions


def test_dashboard_with_no_data_shows_zeros(client, make_user, login):
    login(make_user(Role.LEADER))
    cards = block(client.get("/").text, "主要指标")
    figures = re.findall(r'<strong class="figure"[^>]*>([^<]+)</strong>', cards)
    assert figures == ["0", "0", "0.00", "0", "0", "0", "0", "0", "0.00", "0.00"]  # 到资额 and 固投完成额 last
    assert re.findall(r'<span class="change[^"]*"[^>]*>([^<]+)</span>', cards) == ["—"] * 10


def test_district_demo_figures_show_for_this_year(client, make_user, login):
    load_district(today().year)
    db.session.commit()
    login(make_user(Role.LEADER))
    page = client.get("/").text
    cards = block(page, "主要指标")
    shown = {key: card(cards, key)["figure"] for key in ("signed_projects", "yi_projects", "signed_investment_yuan",
                                                         "trips", "enterprises_visited")}
    assert shown == {"signed_projects": "60", "yi_projects": "38", "signed_investment_yuan": "572.00",
                     "trips": "192", "enterprises_visited": "95"}
    assert "签约项目60个，其中亿元以上项目38个，总投资572亿元；10支驻外招商专班外出招商192次，拜访企业95家" in page


def test_the_page_runs_as_many_queries_with_more_teams(client, make_user, login, make_team, make_project):
    team = make_team()
    member = make_user(Role.MEMBER, team=team)
    make_project(team=team, signed_on=date(YEAR, 1, 5))
    login(member)

    def queries() -> int:
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/?year={YEAR}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    before = queries()
    for _ in range(5):
        make_project(team=make_team(), signed_on=date(YEAR, 2, 5))
    assert queries() == before


@pytest.mark.parametrize("query", ["year=abc", "quarter=9", "month=3&quarter=1", "start=2025-01-01",
                                   "start=2025-03-01&end=2025-01-01", "ytd=y"])
def test_a_bad_period_is_refused_with_a_message(client, make_user, login, query):
    login(make_user(Role.LEADER))
    page = client.get(f"/?{query}")
    assert page.status_code == 400 and "时段选择有误" in page.text
    data = client.get(f"/dashboard/data/monthly?{query}")
    assert data.status_code == 400 and data.mimetype == "application/json"
    assert data.json["message"].startswith("时段参数有误：")


def test_monthly_chart(client, make_user, login, district):
    team_a, _ = district
    login(make_user(Role.LEADER))
    response = client.get(f"/dashboard/data/monthly?year={YEAR}")
    assert response.headers["Cache-Control"] == "no-store"
    months = response.json["months"]
    assert [m["label"] for m in months] == [f"{n}月" for n in range(1, 13)]
    assert [m["signed"] for m in months] == [0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0]
    assert [months[i]["investment_yuan"] for i in (2, 4, 5)] == [250_000_000, 30_000_000, 1_200_000_000]
    assert months[5]["investment_yi"] == "12.00"
    mine = client.get(f"/dashboard/data/monthly?year={YEAR}&quarter=2&team={team_a.id}").json
    assert [(m["month"], m["signed"]) for m in mine["months"]] == [("2025-04", 0), ("2025-05", 1), ("2025-06", 0)]
    assert mine["team_id"] == team_a.id and mine["period"]["label"] == "2025年第2季度"


def walked(make_lead, team, moves, amount, **fields):
    """A lead whose stage log holds the moves (stage, day at 10:00), the first one creating it as 线索."""
    lead = make_lead(team=team, stage=moves[-1][0], intended_investment_yuan=amount,
                     created_at=datetime.combine(moves[0][1], time(10), LOCAL), **fields)
    for before, (stage, day) in zip((None, *(stage for stage, _day in moves)), moves, strict=False):
        db.session.add(LeadStageChange(lead=lead, from_stage=before, to_stage=stage,
                                       changed_at=datetime.combine(day, time(10), LOCAL)))
    db.session.commit()
    return lead


def signed_lead(day, amount, make_lead, team, project):
    """A lead that walked every stage in the month before its project was signed on day."""
    days = [day - timedelta(days=n) for n in (30, 20, 10, 4)]
    lead = walked(make_lead, team, [*zip(PIPELINE, days, strict=False), (LeadStage.SIGNED, day)], amount,
                  status=LeadStatus.CLOSED)
    project.lead = lead
    db.session.commit()
    return lead


def test_funnel_chart_counts_the_leads_that_reached_each_stage(client, make_user, login, district, make_lead):
    team_a, team_b = district
    projects = {(p.team_id, p.signed_on): p for p in db.session.scalars(select(Project))}
    clue, met, talks, dropped = LeadStage.CLUE, LeadStage.CONTACTED, LeadStage.NEGOTIATING, LeadStage.DROPPED
    walked(make_lead, team_a, [(clue, date(YEAR, 2, 1))], YI)
    walked(make_lead, team_a, [(clue, date(YEAR - 1, 11, 1)), (met, date(YEAR, 1, 10)), (talks, date(YEAR, 2, 10)),
                               (dropped, date(YEAR, 4, 1))], 2 * YI, drop_reason="外迁", status=LeadStatus.CLOSED)
    signed_lead(date(YEAR, 3, 5), 250_000_000, make_lead, team_a, projects[team_a.id, date(YEAR, 3, 5)])
    signed_lead(date(YEAR - 1, 3, 1), YI, make_lead, team_a, projects[team_a.id, date(YEAR - 1, 3, 1)])
    # signed, but the project awaits verification: it reached 拟签约, it is not counted as signed
    signed_lead(date(YEAR, 7, 1), 9 * YI, make_lead, team_a, projects[team_a.id, date(YEAR, 7, 1)])
    walked(make_lead, team_b, [(clue, date(YEAR - 1, 5, 1)), (dropped, date(YEAR - 1, 6, 1))], YI, drop_reason="外迁",
           status=LeadStatus.CLOSED)  # dropped the year before: not worked this year
    walked(make_lead, team_b, [(clue, date(YEAR - 1, 5, 1)), (met, date(YEAR - 1, 6, 1)),
                               (dropped, date(YEAR - 1, 7, 1)), (met, date(YEAR, 3, 1))],
           3 * YI)  # dropped, then taken up again this year
    make_lead(team=team_b, stage=talks, intended_investment_yuan=None,
              created_at=datetime.combine(date(YEAR, 1, 1), time(10), LOCAL))  # no stage log: counts by its stage
    signed_lead(date(YEAR, 6, 1), 12 * YI, make_lead, team_b, projects[team_b.id, date(YEAR, 6, 1)])
    walked(make_lead, team_b, [(clue, date(YEAR + 1, 1, 5))], YI)  # found after the year
    login(make_user(Role.LEADER))

    def funnel(query):
        stages = client.get(f"/dashboard/data/funnel?{query}").json["stages"]
        assert [s["label"] for s in stages] == ["线索", "接洽", "洽谈", "拟签约", "已签约"]
        return [(s["count"], s["investment_yuan"] // (YI // 10), s["percent_of_previous"]) for s in stages]

    # counts, 千万元, per cent of the stage before
    assert funnel(f"year={YEAR}") == [(7, 295, None), (6, 285, "85.7"), (5, 255, "83.3"), (3, 235, "60.0"),
                                      (2, 145, "66.7")]
    # the team's 0.3亿 project was signed without a lead: the funnel shows the one that came from its lead
    assert funnel(f"year={YEAR}&team={team_a.id}") == [(4, 145, None), (3, 135, "75.0"), (3, 135, "100.0"),
                                                       (2, 115, "66.7"), (1, 25, "50.0")]
    assert funnel(f"year={YEAR}&quarter=1") == [(5, 85, None), (4, 75, "80.0"), (3, 45, "75.0"), (1, 25, "33.3"),
                                                (1, 25, "100.0")]
    assert funnel(f"year={YEAR - 1}") == [(4, 70, None), (2, 40, "50.0"), (1, 10, "50.0"), (1, 10, "100.0"),
                                          (1, 10, "100.0")]


def test_industries_chart_keeps_names_as_data(client, make_user, login, make_project, make_team):
    team = make_team(name=XSS)
    make_project(team=team, signed_on=date(YEAR, 2, 1), total_investment_yuan=3 * YI, industry=XSS)
    make_project(team=team, signed_on=date(YEAR, 3, 1), total_investment_yuan=YI, industry=XSS)
    make_project(team=team, signed_on=date(YEAR, 4, 1), total_investment_yuan=5 * YI, industry="生物医药")
    make_project(team=team, signed_on=date(YEAR, 4, 2), total_investment_yuan=YI, industry=None)
    login(make_user(Role.LEADER))
    response = client.get(f"/dashboard/data/industries?year={YEAR}")
    assert response.mimetype == "application/json"
    assert [(r["industry"], r["signed"], r["investment_yi"]) for r in response.json["industries"]] == [
        ("生物医药", 1, "5.00"), (XSS, 2, "4.00"), ("未分类", 1, "1.00")]
    teams = client.get(f"/dashboard/data/teams?year={YEAR}").json["teams"]
    assert teams[0]["team_name"] == XSS
    page = client.get(f"/?year={YEAR}").text
    assert XSS not in page and html.escape(XSS, quote=False) in page  # the chart scope's option


def test_teams_chart_ranks_by_score(client, make_user, make_team, make_trip, login):
    first, second = make_team(name="北京专班"), make_team(name="广州专班")
    make_trip(team=first, start_on=date(2023, 5, 1), end_on=date(2023, 5, 2))
    login(make_user(Role.MEMBER, team=second))
    # Only 北京专班 went out in 2023: the whole trips weight (10 points) is its; every other metric is 0 for all.
    rows = client.get(f"/dashboard/data/teams?year=2023&team={second.id}").json["teams"]
    assert [(r["team_name"], r["rank"], r["score"], r["mine"]) for r in rows] == [
        ("北京专班", 1, "10.00", False), ("广州专班", 2, "0.00", True)]


def test_sizes_chart_counts_each_band(client, make_user, make_project, make_team, login):
    team = make_team()
    for yi in ("0.5", "1", "9.99", "10", "29", "30", "50", "99", "100", "250"):
        make_project(team=team, signed_on=date(YEAR, 6, 1), total_investment_yuan=int(Decimal(yi) * YI))
    make_project(team=team, signed_on=date(YEAR - 1, 6, 1), total_investment_yuan=500 * YI)
    login(make_user(Role.LEADER))
    sizes = client.get(f"/dashboard/data/sizes?year={YEAR}").json["sizes"]
    assert [(s["band"], s["count"]) for s in sizes] == [
        ("1–10亿元", 2), ("10–30亿元", 2), ("30–50亿元", 1), ("50–100亿元", 2), ("100亿元以上", 2)]


def test_member_may_ask_only_for_their_own_team(client, make_user, make_team, login):
    own, other = make_team(), make_team()
    login(make_user(Role.MEMBER, team=own))
    refused = client.get(f"/dashboard/data/monthly?team={other.id}")
    assert refused.status_code == 403 and refused.json == {"error": "forbidden", "message": "只能查看本专班的数据"}
    assert client.get(f"/dashboard/data/monthly?team={own.id}").status_code == 200
    assert client.get("/dashboard/data/sizes").status_code == 200  # the district, as on the page


def test_leader_may_ask_for_any_team(client, make_user, make_team, login):
    team = make_team()
    login(make_user(Role.LEADER))
    assert client.get(f"/dashboard/data/funnel?team={team.id}").status_code == 200
    missing = client.get(f"/dashboard/data/funnel?team={team.id + 100}")
    assert missing.status_code == 404 and missing.json["message"] == "专班不存在"
    for bad in ("abc", "-1", "1.5", "9" * 30):
        response = client.get(f"/dashboard/data/funnel?team={bad}")
        assert response.status_code == 400 and response.json["message"] == "专班参数须为专班编号"
    unknown = client.get("/dashboard/data/secrets")
    assert unknown.status_code == 404 and unknown.mimetype == "application/json"


def test_chart_data_needs_a_sign_in(client):
    response = client.get("/dashboard/data/monthly")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
