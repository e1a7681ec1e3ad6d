"""The ranking pages: 亿元以上项目榜, 专班排名 with its score breakdown, the scoring rule, and frozen quarters."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from crm.domain.money import YUAN_PER_YI as YI
from crm.domain.periods import Period, today
from crm.extensions import db
from crm.models import (
    AuditEvent,
    Project,
    ProjectStatus,
    RankingSettings,
    RankingSnapshot,
    Role,
    TargetMetric,
    TeamTarget,
)
from crm.reports.figures import METRICS
from crm.reports.scoring import DEFAULT_WEIGHTS, ScoringRule, rule_for, save_rule
from crm.reports.team_ranking import TeamRow, ranked


@pytest.fixture
def app_config(app_config):
    return app_config | {"PAGE_SIZE": 3}  # the ranking spans pages, so ranks and totals must not come from one page


def project_ranking(client, query: str) -> tuple[list[tuple[str, int]], dict[str, int], dict[str, int]]:
    """(code, rank) of every row over all pages, the totals row, and the per-bucket counts."""
    rows: list[tuple[str, int]] = []
    page = 1
    while True:
        response = client.get(f"/rankings/projects?{query}&page={page}")
        assert response.status_code == 200, response.text
        rows += [(code, int(rank)) for code, rank in re.findall(r'<tr data-code="([^"]+)" data-rank="(\d+)"',
                                                                response.text)]
        totals = {key: int(value) for key, value in re.findall(r'data-(count|total-yuan)="(\d+)"', response.text)}
        buckets = {key: int(count) for key, count in
                   re.findall(r'<li data-bucket="(\d+)"><span>[^<]*</span> <strong>(\d+)</strong>', response.text)}
        if "下一页" not in response.text:
            return rows, totals, buckets
        page += 1


def team_table(html: str) -> dict[str, dict[str, str]]:
    """Each team's row of the ranking table: rank, score and the figure of every metric column."""
    table = {}
    for name, rank, score, body in re.findall(
            r'<tr data-team="([^"]+)" data-rank="(\d+)" data-score="([^"]+)">(.*?)</tr>', html, re.S):
        cells = dict(re.findall(r'data-metric="(\w+)">([^<]*)<', body))
        table[name] = {"rank": rank, "score": score, **cells}
    return table


def ranks(client, query: str = "year=2026") -> dict[str, int]:
    response = client.get(f"/rankings/teams?{query}")
    assert response.status_code == 200, response.text
    return {name: int(row["rank"]) for name, row in team_table(response.text).items()}


# 亿元以上项目榜

@pytest.fixture
def ranked_projects(make_project, make_team):
    shanghai, shenzhen = make_team(name="上海专班"), make_team(name="深圳专班")
    make_project(code="P-B", total_investment_yuan=5 * YI, signed_on=date(2026, 3, 1), team=shanghai)
    make_project(code="P-C", total_investment_yuan=5 * YI, signed_on=date(2026, 2, 1), team=shanghai,
                 industry="新能源")
    make_project(code="P-A", total_investment_yuan=5 * YI, signed_on=date(2026, 2, 1), team=shenzhen,
                 status=ProjectStatus.STARTED)
    make_project(code="P-D", total_investment_yuan=20 * YI, signed_on=date(2026, 5, 1), team=shenzhen,
                 industry="新能源")
    make_project(code="P-E", total_investment_yuan=YI, signed_on=date(2026, 12, 31), team=shanghai)  # 1亿: counts
    make_project(code="X-SMALL", total_investment_yuan=YI - 1, signed_on=date(2026, 4, 1))
    make_project(code="X-UNVERIFIED", total_investment_yuan=3 * YI, verified=False)
    make_project(code="X-VOID", total_investment_yuan=3 * YI, voided=True, void_reason="重复登记")
    make_project(code="X-2025", total_investment_yuan=3 * YI, signed_on=date(2025, 12, 31))
    return shanghai, shenzhen


def test_project_ranking_order_ties_and_ranks_across_pages(client, login, member, ranked_projects):
    login(member)
    rows, totals, buckets = project_ranking(client, "year=2026")
    # equal amounts: earlier signing first, then the code
    assert rows == [("P-D", 1), ("P-A", 2), ("P-C", 3), ("P-B", 4), ("P-E", 5)]
    assert totals == {"count": 5, "total-yuan": 36 * YI}
    assert buckets == {"1": 5, "10": 1, "30": 0, "50": 0, "100": 0}
    second = client.get("/rankings/projects?year=2026&page=2").text
    assert "36.00亿元" in second  # the totals row is the whole ranking's, on every page
    assert re.search(r'<tr data-code="P-B" data-rank="4">\s*<td class="rank">4</td>', second)


def test_project_ranking_period_and_size_filters(client, login, member, ranked_projects):
    login(member)
    assert project_ranking(client, "year=2026&quarter=1")[0] == [("P-A", 1), ("P-C", 2), ("P-B", 3)]
    assert project_ranking(client, "start=2026-03-01&end=2026-12-31")[0] == [("P-D", 1), ("P-B", 2), ("P-E", 3)]
    assert [code for code, _ in project_ranking(client, "year=2025")[0]] == ["X-2025"]
    rows, totals, buckets = project_ranking(client, "year=2026&size=10")
    assert rows == [("P-D", 1)] and totals == {"count": 1, "total-yuan": 20 * YI}
    assert buckets == {"1": 1, "10": 1, "30": 0, "50": 0, "100": 0}
    response = client.get("/rankings/projects?year=2026&size=30")
    assert "该时段没有符合条件的亿元以上项目" in response.text


def test_project_ranking_team_industry_and_status_filters(client, login, member, ranked_projects):
    shanghai, shenzhen = ranked_projects
    login(member)
    assert [c for c, _ in project_ranking(client, f"year=2026&team={shanghai.id}")[0]] == ["P-C", "P-B", "P-E"]
    assert [c for c, _ in project_ranking(client, "year=2026&industry=新能源")[0]] == ["P-D", "P-C"]
    assert project_ranking(client, "year=2026&status=started")[0] == [("P-A", 1)]
    rows, totals, _ = project_ranking(client, f"year=2026&team={shenzhen.id}&industry=新能源")
    assert rows == [("P-D", 1)] and totals["count"] == 1


def test_project_ranking_rows_link_to_the_project(client, login, member, ranked_projects):
    login(member)
    html = client.get("/rankings/projects?year=2026&size=10").text
    assert re.search(r'href="/projects/\d+">测试项目\d+</a>', html)
    assert "20.00亿元" in html and "深圳专班" in html and "2026-05-01" in html


@pytest.mark.parametrize("query", ["size=7", "team=x", "team=99999", "status=lost", "industry=不存在",
                                   "year=abc", "year=1900", "quarter=9", "quarter=1&month=2", "ytd=y",
                                   "start=2026-02-30&end=2026-03-01", "start=2026-03-01"])
def test_bad_ranking_filters_answer_400_in_chinese(client, login, member, query):
    login(member)
    response = client.get(f"/rankings/projects?{query}")
    assert response.status_code == 400
    assert "筛选条件有误" in response.text
    assert re.search(r'class="field-error">[^<]*[\u4e00-\u9fff]', response.text)


def test_export_links_only_when_exports_exist(app, client, login, member):
    login(member)
    html = client.get("/rankings/projects").text
    assert ("导出Excel" in html) == ("exports.download" in app.view_functions)  # no link that 404s


def test_export_links_keep_the_query(client, login, member):
    login(member)
    html = client.get("/rankings/projects?year=2026&size=10").text
    assert re.search(r'href="/exports/ranking\.xlsx\?[^"]*size=10', html)
    assert re.search(r'href="/exports/ranking\.csv\?[^"]*year=2026', html)
    # Query words that name the export's own parts are not passed on (they would clash with it).
    response = client.get("/rankings/projects?year=2026&name=x&ext=y")
    assert response.status_code == 200 and 'href="/exports/ranking.xlsx?year=2026"' in response.text


# 专班排名

@pytest.fixture
def field_work(make_team, make_trip, make_visit, make_lead, make_project, make_enterprise):
    """Two teams' work in 2026, and some outside it; returns the teams."""
    shanghai, shenzhen = make_team(name="上海专班"), make_team(name="深圳专班")
    companies = [make_enterprise() for _ in range(3)]
    for day in (date(2026, 1, 5), date(2026, 4, 5), date(2026, 9, 1)):
        make_trip(team=shanghai, start_on=day, end_on=day)
    make_trip(team=shenzhen, start_on=date(2026, 2, 1), end_on=date(2026, 2, 2))
    make_trip(team=shenzhen, start_on=date(2025, 12, 30), end_on=date(2026, 1, 2))  # starts in 2025
    for company, day in ((companies[0], date(2026, 1, 6)), (companies[0], date(2026, 4, 6)),
                         (companies[1], date(2026, 4, 7))):
        make_visit(team=shanghai, enterprise=company, visited_on=day)
    make_visit(team=shenzhen, enterprise=companies[0], visited_on=date(2026, 2, 1))
    make_visit(team=shenzhen, enterprise=companies[2], visited_on=date(2025, 11, 1))
    make_lead(team=shanghai, created_at=datetime(2026, 3, 1, 4, tzinfo=UTC))
    make_lead(team=shenzhen, created_at=datetime(2026, 3, 1, 4, tzinfo=UTC))
    make_lead(team=shenzhen, created_at=datetime(2026, 6, 1, 4, tzinfo=UTC))
    make_project(team=shanghai, total_investment_yuan=12 * YI, signed_on=date(2026, 2, 10),
                 started_on=date(2026, 3, 1), status=ProjectStatus.STARTED)
    make_project(team=shanghai, total_investment_yuan=YI // 2, signed_on=date(2026, 8, 10))
    make_project(team=shenzhen, total_investment_yuan=3 * YI, signed_on=date(2026, 3, 10),
                 started_on=date(2026, 4, 1), production_on=date(2026, 8, 1), status=ProjectStatus.PRODUCING)
    make_project(team=shenzhen, total_investment_yuan=40 * YI, signed_on=date(2026, 3, 11), verified=False)
    return shanghai, shenzhen


def test_team_figures_match_the_records(client, login, member, field_work):
    login(member)
    table = team_table(client.get("/rankings/teams?year=2026").text)
    assert {k: v for k, v in table["上海专班"].items() if k not in ("rank", "score")} == {
        "trips": "3", "enterprises": "2", "visits": "3", "new_leads": "1", "signed": "2", "yi_signed": "1",
        "investment": "12.50亿元", "started": "1", "producing": "0", "funds": "0.00亿元", "fixed_asset": "0.00亿元"}
    assert {k: v for k, v in table["深圳专班"].items() if k not in ("rank", "score")} == {
        "trips": "1", "enterprises": "1", "visits": "1", "new_leads": "2", "signed": "1", "yi_signed": "1",
        "investment": "3.00亿元", "started": "1", "producing": "1", "funds": "0.00亿元", "fixed_asset": "0.00亿元"}
    quarter = team_table(client.get("/rankings/teams?year=2026&quarter=2").text)
    assert (quarter["上海专班"]["trips"], quarter["上海专班"]["visits"], quarter["上海专班"]["enterprises"]) == \
        ("1", "2", "2")
    assert quarter["深圳专班"]["started"] == "1" and quarter["深圳专班"]["signed"] == "0"


def test_page_states_the_rule_time_progress_and_completion(client, login, member, field_work):
    shanghai, _ = field_work
    from crm.teams.services import set_targets
    set_targets(shanghai, 2026, {TargetMetric.SIGNED_INVESTMENT: 25 * YI, TargetMetric.SIGNED_PROJECTS: 2})
    db.session.commit()
    login(member)
    html = client.get("/rankings/teams?year=2026&quarter=1").text
    assert html.count("时序进度：24.7%") == 1  # 90 of 365 days
    assert "三者均相同的并列（如1、2、2、4）" in html and "当期最高专班数值" in html
    row = html.split('data-team="上海专班"')[1].split("</tr>")[0]
    # completion counts from 1 January: 12亿 of 25亿 (48%) is ahead of 24.7%, 1 of 2 projects (50%) too
    assert 'data-completion="investment">48.0%' in row and 'data-completion="signed">50.0%' in row
    assert "滞后" not in row
    html = client.get("/rankings/teams?year=2026&quarter=3").text  # to 30 September: 12.5亿 of 25亿 is behind 75%
    row = html.split('data-team="上海专班"')[1].split("</tr>")[0]
    assert 'class="number completion behind" data-completion="investment">50.0%' in row


def test_equal_teams_share_a_rank_and_the_next_is_skipped(client, login, admin, make_team, make_trip,
                                                          make_project):
    save_rule(ScoringRule(2026, {**{m: 0 for m in DEFAULT_WEIGHTS}, TargetMetric.TRIPS: 100}), None,
              admin.district_id)
    teams = {name: make_team(name=name) for name in ("甲专班", "乙专班", "丙专班", "丁专班", "戊专班")}
    for name, trips, amounts in (("甲专班", 3, [YI]), ("乙专班", 2, [3 * YI]), ("丙专班", 2, [3 * YI]),
                                 ("丁专班", 2, [YI, YI, YI]), ("戊专班", 1, [9 * YI])):
        for _ in range(trips):
            make_trip(team=teams[name])
        for amount in amounts:
            make_project(team=teams[name], total_investment_yuan=amount)
    login(admin)
    # all weight on trips: 乙 丙 丁 score equal and invest equal; 丁 has three 亿元以上 projects, 乙 and 丙 one
    assert ranks(client) == {"甲专班": 1, "丁专班": 2, "乙专班": 3, "丙专班": 3, "戊专班": 5}


def test_tie_rule_numbers_1_2_2_4():
    def row(name: str, score: str, investment: int, yi: int) -> TeamRow:
        from crm.reports.figures import Figures
        return TeamRow(0, name, Figures(signed_investment_yuan=investment, yi_projects=yi), Figures(), {}, (), 0,
                       Decimal(0), Decimal(score))
    rows = ranked([row("丁", "50.00", YI, 1), row("丙", "80.00", 2 * YI, 1), row("甲", "90.00", YI, 1),
                   row("乙", "80.00", 2 * YI, 1)])
    assert [(r.team_name, r.rank) for r in rows] == [("甲", 1), ("丙", 2), ("乙", 2), ("丁", 4)]


def test_score_breakdown_sums_to_the_score(client, login, member, field_work):
    shanghai, shenzhen = field_work
    login(member)
    table = team_table(client.get("/rankings/teams?year=2026").text)
    for team in (shanghai, shenzhen):
        html = client.get(f"/rankings/teams/{team.id}?year=2026").text
        points = [Decimal(p) for p in re.findall(r'class="number points">([\d.]+)<', html)]
        assert len(points) == len(METRICS)
        deduction = Decimal(re.search(r'data-deduction="([\d.]+)"', html).group(1))
        score = Decimal(re.search(r'data-score="(-?[\d.]+)"', html).group(1))
        assert sum(points) - deduction == score == Decimal(table[team.name]["score"])
        assert re.search(r'<tr data-metric="investment">\s*<td>签约投资额</td>\s*<td class="number">', html)
    # best-team normalisation: 上海 leads in trips, so its trips are worth the whole weight
    html = client.get(f"/rankings/teams/{shanghai.id}?year=2026").text
    assert re.search(r'<tr data-metric="trips">.*?<td class="number points">10.00<', html, re.S)
    assert client.get("/rankings/teams/99999?year=2026").status_code == 404
    assert client.get(f"/rankings/teams/{shanghai.id}?quarter=7").status_code == 400


def test_a_prorated_target_is_not_rounded_before_dividing(client, login, member, make_project):
    team = member.team
    make_project(team=team, signed_on=date(2026, 5, 6), total_investment_yuan=2 * YI)
    db.session.add(TeamTarget(team=team, year=2026, metric=TargetMetric.YI_PROJECTS, target=5))
    save_rule(ScoringRule(2026, {metric: 0 for metric in TargetMetric} | {TargetMetric.YI_PROJECTS: 20},
                          normalisation="target"), None, team.district_id)
    db.session.commit()
    login(member)
    # The second quarter has 91 days: 5 × 91/365 = 1.2465…, and 20 × 1 ÷ 1.2465… = 16.04 (16.00 over 1.25).
    assert team_table(client.get("/rankings/teams?year=2026&quarter=2").text)[team.name]["score"] == "16.04"
    html = client.get(f"/rankings/teams/{team.id}?year=2026&quarter=2").text
    part = re.search(r'<tr data-metric="yi_signed">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r'<td class="number[^"]*">([^<]+)</td>', part) == ["1", "1.25", "20", "16.04"]  # shown rounded
    assert 'data-score="16.04"' in html


def test_a_team_without_targets_is_marked_under_target_normalisation(client, login, member, make_team,
                                                                     make_project):
    other = make_team(name="北京专班")
    make_project(team=other, signed_on=date(2026, 2, 6))
    db.session.add(TeamTarget(team=member.team, year=2026, metric=TargetMetric.SIGNED_PROJECTS, target=4))
    save_rule(ScoringRule(2026, dict(DEFAULT_WEIGHTS), normalisation="target"), None, member.team.district_id)
    db.session.commit()
    login(member)
    page = client.get("/rankings/teams?year=2026").text
    marked = dict(re.findall(r'<tr data-team="([^"]+)"[^>]*>(.*?)</tr>', page, re.S))
    # 北京专班 signed a project but has no target to measure it by: 0 points, and the row says why
    assert "未设目标" in marked["北京专班"]
    assert re.search(r'<tr data-team="北京专班" data-rank="\d+" data-score="0.00">', page)
    assert "未设目标" not in marked[member.team.name]


def test_weights_page_changes_the_order(client, login, admin, field_work):
    login(admin)
    assert ranks(client) == {"上海专班": 1, "深圳专班": 2}
    form = {f"weight_{m.value}": "0" for m in DEFAULT_WEIGHTS} | {
        "weight_new_leads": "100", "normalisation": "best", "overdue_deduction": "2", "version": "0"}
    response = client.post("/rankings/weights/2026", data=form)
    assert response.status_code == 302 and response.location == "/rankings/teams?year=2026"
    assert ranks(client) == {"深圳专班": 1, "上海专班": 2}  # 2 new leads against 1
    settings = db.session.scalar(select(RankingSettings))
    assert settings.weights["new_leads"] == 100 and settings.weights["trips"] == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.entity == "RankingSettings", AuditEvent.user_id == admin.id)) == 1
    assert rule_for(2025, admin.district_id).is_default  # other years keep the default rule


def test_weights_page_shows_the_defaults_when_unset(client, login, admin):
    login(admin)
    html = client.get("/rankings/weights/2026").text
    assert "本年度尚未设置评分办法" in html
    assert re.search(r'name="weight_yi_signed"[^>]*value="20"', html) and "默认 20" in html
    assert re.search(r'value="best"[^>]*checked|checked[^>]*value="best"', html)
    save_rule(ScoringRule(2026, dict(DEFAULT_WEIGHTS) | {TargetMetric.TRIPS: 30}, "target", True,
                          Decimal("1.5")), admin.id, admin.district_id)
    html = client.get("/rankings/weights/2026").text
    assert "本年度尚未设置评分办法" not in html
    assert re.search(r'name="weight_trips"[^>]*value="30"', html) and 'value="1.50"' in html
    assert client.get("/rankings/weights/1999").status_code == 404


@pytest.mark.parametrize(("field", "value", "message"), [
    ("weight_trips", "101", "权重须为0至100的整数"), ("weight_trips", "-1", "权重须为0至100的整数"),
    ("weight_trips", "1.5", "不是有效的整数"), ("weight_trips", "", "请填写权重"),
    ("overdue_deduction", "0.555", "最多保留两位小数"), ("overdue_deduction", "abc", "扣分须为数字"),
    ("overdue_deduction", "100.01", "扣分须在0至100之间"), ("overdue_deduction", "NaN", "扣分须在0至100之间"),
    ("normalisation", "median", "不是有效的选择"),
])
def test_weights_validation_answers_422_and_writes_nothing(client, login, admin, field, value, message):
    login(admin)
    form = {f"weight_{m.value}": str(w) for m, w in DEFAULT_WEIGHTS.items()} | {
        "normalisation": "best", "overdue_deduction": "2", "version": "0", field: value}
    response = client.post("/rankings/weights/2026", data=form)
    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(select(func.count()).select_from(RankingSettings)) == 0


def test_all_weights_zero_is_refused(client, login, admin):
    login(admin)
    form = {f"weight_{m.value}": "0" for m in DEFAULT_WEIGHTS} | {"normalisation": "target",
                                                                  "overdue_deduction": "0", "version": "0"}
    response = client.post("/rankings/weights/2026", data=form)
    assert response.status_code == 422 and "权重合计须大于0" in response.text
    assert db.session.scalar(select(func.count()).select_from(RankingSettings)) == 0


def test_overdue_deduction_lowers_the_score(client, login, admin, field_work, make_project):
    shanghai, _ = field_work
    for n in range(2):  # signed long before the period's end and never started: 超时限未开工
        make_project(team=shanghai, code=f"LATE-{n}", signed_on=date(2025, 1, 10), total_investment_yuan=YI)
    login(admin)
    before = Decimal(team_table(client.get("/rankings/teams?year=2026").text)["上海专班"]["score"])
    form = {f"weight_{m.value}": str(w) for m, w in DEFAULT_WEIGHTS.items()} | {
        "normalisation": "best", "deduct_overdue": "y", "overdue_deduction": "3.5", "version": "0"}
    assert client.post("/rankings/weights/2026", data=form).status_code == 302
    after = Decimal(team_table(client.get("/rankings/teams?year=2026").text)["上海专班"]["score"])
    assert before - after == Decimal("7.00")
    html = client.get(f"/rankings/teams/{shanghai.id}?year=2026").text
    assert "超时限未开工扣分（2个项目）" in html and 'data-deduction="7.00"' in html


# Frozen quarters

def freeze(client, year: int, quarter: int, **extra: str):
    return client.post("/rankings/teams/freeze", data={"year": str(year), "quarter": str(quarter), **extra})


def test_frozen_quarter_keeps_its_figures_when_records_change(client, login, admin, member, field_work):
    login(admin)
    response = freeze(client, 2026, 1)
    assert response.status_code == 302
    snapshot = db.session.scalar(select(RankingSnapshot))
    assert response.location == f"/rankings/frozen/{snapshot.id}"
    assert (snapshot.year, snapshot.quarter, snapshot.frozen_by_id) == (2026, 1, admin.id)
    assert snapshot.settings == ScoringRule(2026, dict(DEFAULT_WEIGHTS)).as_dict()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "freeze")).entity_id == snapshot.id

    project = db.session.scalar(select(Project).where(Project.total_investment_yuan == 12 * YI))
    project.total_investment_yuan = 30 * YI
    db.session.commit()

    client.post("/logout")
    login(member)
    frozen = client.get(f"/rankings/frozen/{snapshot.id}").text
    assert team_table(frozen)["上海专班"]["investment"] == "12.00亿元"
    assert "冻结版本" in frozen and "李主任" in frozen
    live = client.get("/rankings/teams?year=2026&quarter=1").text
    assert team_table(live)["上海专班"]["investment"] == "30.00亿元"
    assert "本季度排名已于" in live and f'href="/rankings/frozen/{snapshot.id}"' in live
    team_page = client.get(f"/rankings/frozen/{snapshot.id}/teams/{field_work[0].id}").text
    assert re.search(r'<tr data-metric="investment">\s*<td>签约投资额</td>\s*<td class="number">12.00亿元', team_page)
    listing = client.get("/rankings/frozen").text
    assert "2026年第1季度" in listing and "李主任" in listing
    assert "冻结季度排名" not in listing  # members see no freezing form


def test_second_freeze_is_refused(client, login, admin, field_work):
    login(admin)
    assert freeze(client, 2026, 2).status_code == 302
    response = freeze(client, 2026, 2)
    assert response.status_code == 409
    assert "已经冻结，不能再次冻结" in response.text
    assert db.session.scalar(select(func.count()).select_from(RankingSnapshot)) == 1


def test_running_quarter_needs_confirmation(client, login, admin, field_work):
    day = today()
    quarter = (day.month + 2) // 3
    login(admin)
    page = client.get(f"/rankings/teams?year={day.year}&quarter={quarter}").text
    assert "本季度尚未结束" in page
    response = freeze(client, day.year, quarter)
    assert response.status_code == 422 and "本季度尚未结束，冻结前请勾选确认" in response.text
    assert db.session.scalar(select(func.count()).select_from(RankingSnapshot)) == 0
    assert freeze(client, day.year, quarter, confirm="y").status_code == 302
    snapshot = db.session.scalar(select(RankingSnapshot))
    assert (snapshot.period_start, snapshot.period_end) == (Period.quarter(day.year, quarter).start,
                                                            Period.quarter(day.year, quarter).end)


@pytest.mark.parametrize("data", [{"year": "1999", "quarter": "1"}, {"year": "2026", "quarter": "5"},
                                  {"year": "", "quarter": "1"}, {"year": "abc", "quarter": "1"}])
def test_freeze_refuses_bad_quarters(client, login, admin, data):
    login(admin)
    response = client.post("/rankings/teams/freeze", data=data)
    assert response.status_code == 422 and "未能冻结" in response.text
    assert db.session.scalar(select(func.count()).select_from(RankingSnapshot)) == 0


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEAD, Role.LEADER])
def test_only_admins_freeze_or_set_weights(client, login, make_user, role):
    login(make_user(role))
    assert freeze(client, 2026, 1).status_code == 403
    form = {f"weight_{m.value}": "10" for m in DEFAULT_WEIGHTS} | {"normalisation": "best",
                                                                   "overdue_deduction": "2"}
    assert client.post("/rankings/weights/2026", data=form).status_code == 403
    assert client.get("/rankings/weights/2026").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(RankingSnapshot)) == 0
    assert db.session.scalar(select(func.count()).select_from(RankingSettings)) == 0
    for url in ("/rankings/projects", "/rankings/teams", "/rankings/frozen"):
        assert client.get(url).status_code == 200
    html = client.get("/rankings/teams?year=2026&quarter=1").text
    assert "评分办法</a>" not in html and "/rankings/teams/freeze" not in html


def test_admin_sees_the_weights_link_and_freeze_form(client, login, admin):
    login(admin)
    html = client.get("/rankings/teams?year=2026&quarter=1").text
    assert 'href="/rankings/weights/2026"' in html and 'action="/rankings/teams/freeze"' in html
    assert "本季度尚未结束" not in html  # 2026 Q1 has ended


# The city narrows the 亿元以上项目榜 to one district

def test_the_city_narrows_the_project_ranking_to_one_district(client, login, make_user, make_district, make_team,
                                                              make_enterprise, make_project, ranked_projects):
    other = make_district(name="茅箭区", code="MJ")
    theirs = make_team(name="茅箭专班", district_id=other.id)
    for code, yuan in (("M-1", 8 * YI), ("M-2", 2 * YI)):
        make_project(code=code, team=theirs, enterprise=make_enterprise(district_id=other.id),
                     total_investment_yuan=yuan, signed_on=date(2026, 4, 1))
    login(make_user(Role.CITY))
    rows, totals, _buckets = project_ranking(client, "year=2026")
    assert len(rows) == 7 and totals == {"count": 7, "total-yuan": 46 * YI}
    rows, totals, buckets = project_ranking(client, f"year=2026&district={other.id}")
    assert rows == [("M-1", 1), ("M-2", 2)] and totals == {"count": 2, "total-yuan": 10 * YI}
    assert buckets["1"] == 2 and buckets["10"] == 0
    page = client.get(f"/rankings/projects?year=2026&district={other.id}").text
    assert 'name="district"' in page and f'href="/exports/ranking.csv?year=2026&amp;district={other.id}"' in page
    assert client.get("/rankings/projects?year=2026&district=999999").status_code == 400


def test_a_districts_reader_is_offered_no_district_choice(client, login, member, make_district, ranked_projects):
    other = make_district(name="茅箭区", code="MJ")
    login(member)
    page = client.get("/rankings/projects?year=2026").text
    assert 'name="district"' not in page
    rows, totals, _buckets = project_ranking(client, f"year=2026&district={other.id}")
    assert len(rows) == 5 and totals["count"] == 5  # their own district, whatever the query names


@pytest.mark.parametrize(("page", "query", "shown"), [
    ("/rankings/projects", "start=2026-07-01&end=2026-09-30", "2026-07-01至2026-09-30"),
    ("/rankings/teams", "start=2026-07-01&end=2026-09-30", "2026-07-01至2026-09-30"),
    ("/rankings/teams", "year=2026&quarter=3", "2026年第3季度（2026-07-01至2026-09-30）"),
])
def test_a_rankings_period_is_written_once(client, login, member, page, query, shown):
    login(member)
    heading = re.search(r'<p class="ranking-period">(.*?)</p>', client.get(f"{page}?{query}").text, re.S)
    assert heading is not None and heading.group(1).strip().endswith(shown)
    assert heading.group(1).count("2026-07-01") == 1
