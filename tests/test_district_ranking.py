"""市级拉练排名: the city's districts ranked by the shared figures, under the city's rule, frozen by quarter."""

import io
import json
import re
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from crm.domain.money import YUAN_PER_YI as YI
from crm.domain.periods import Period, today
from crm.extensions import db
from crm.models import Role, TargetMetric, TeamTarget
from crm.reports.district_ranking import district_ranking
from crm.reports.scoring import DEFAULT_CITY_WEIGHTS, ScoringRule, save_rule

Q1 = Period.quarter(2026, 1)


@pytest.fixture
def city(home_district, make_district, make_team, make_enterprise, make_trip, make_visit, make_project, make_user):
    """张湾区 (home) and 茅箭区 with known Q1 figures, and the city's user."""
    other = make_district(name="茅箭区", code="MJ")
    zw, mj = make_team(name="上海专班"), make_team(name="上海专班", district_id=other.id)
    for team, trips, amounts in ((zw, 3, [3 * YI, 2 * YI, YI // 2]), (mj, 1, [4 * YI])):
        enterprise = make_enterprise(district_id=team.district_id, name=f"{team.district_id}号企业")
        for n in range(trips):
            trip = make_trip(team=team, start_on=date(2026, 2, 1 + n), end_on=date(2026, 2, 2 + n))
            make_visit(team=team, trip=trip, enterprise=enterprise, visited_on=date(2026, 2, 1 + n))
        for amount in amounts:
            make_project(team=team, enterprise=enterprise, total_investment_yuan=amount, signed_on=date(2026, 3, 1))
    make_project(team=mj, enterprise=make_enterprise(district_id=other.id), signed_on=date(2026, 5, 1))  # Q2
    return {"home": home_district, "other": other, "user": make_user(Role.CITY, username="city")}


def test_districts_are_ranked_by_their_teams_figures(city):
    ranking = district_ranking(Q1, today())
    rows = {row.team_name: row for row in ranking.rows}
    zw, mj = rows["张湾区"].figures, rows["茅箭区"].figures
    assert (zw.signed_projects, zw.yi_projects, zw.signed_investment_yuan, zw.trips, zw.enterprises_visited) == (
        3, 2, 550_000_000, 3, 1)
    assert (mj.signed_projects, mj.yi_projects, mj.signed_investment_yuan, mj.trips, mj.enterprises_visited) == (
        1, 1, 400_000_000, 1, 1)
    assert ranking.district.signed_projects == 4 and ranking.district.enterprises_visited == 2
    assert [row.team_name for row in ranking.rows] == ["张湾区", "茅箭区"] and ranking.rows[0].rank == 1
    # best-district normalisation: 张湾区 is best (or level) on every figure; nobody started or produced in Q1
    none_yet = (TargetMetric.STARTED_PROJECTS, TargetMetric.PRODUCING_PROJECTS)
    assert ranking.rows[0].score == Decimal(sum(w for m, w in DEFAULT_CITY_WEIGHTS.items() if m not in none_yet))


def test_equal_districts_share_a_rank_and_are_listed_by_name(city, make_district):
    make_district(name="郧阳区", code="YY")
    make_district(name="丹江口市", code="DJ")
    ranking = district_ranking(Q1, today())
    tail = [(row.team_name, row.rank) for row in ranking.rows[2:]]
    assert tail == sorted(tail) and {rank for _name, rank in tail} == {3}


def test_the_city_sets_the_rule_and_the_ranking_follows(client, login, city):
    login(city["user"])
    page = client.get("/rankings/districts/weights/2026")
    assert page.status_code == 200 and 'name="weight_visits"' not in page.text  # not a district figure
    form = {f"weight_{m.value}": "0" for m in TargetMetric} | {"weight_trips": "100", "normalisation": "best",
                                                               "overdue_deduction": "2", "version": "0"}
    response = client.post("/rankings/districts/weights/2026", data=form)
    assert response.status_code == 302 and response.location == "/rankings/districts?year=2026"
    rows = {row.team_name: row.score for row in district_ranking(Q1, today()).rows}
    assert rows == {"张湾区": Decimal("100.00"), "茅箭区": Decimal("33.33")}
    html = client.get("/rankings/districts?year=2026&quarter=1").text
    assert 'data-district="张湾区" data-rank="1" data-score="100.00"' in html and "全市合计" in html


def test_a_frozen_quarter_keeps_its_rows(client, login, city, make_project):
    login(city["user"])
    response = client.post("/rankings/districts/freeze", data={"year": "2026", "quarter": "1"})
    assert response.status_code == 302
    frozen_url = response.location
    before = client.get(frozen_url).text
    make_project(team=db.session.get(type(city["other"]), city["other"].id).teams[0], signed_on=date(2026, 3, 9),
                 total_investment_yuan=50 * YI)
    assert client.get(frozen_url).text.count('data-district="茅箭区" data-rank="2"') == 1
    assert 'data-district="茅箭区" data-rank="2"' in before
    assert 'data-district="茅箭区" data-rank="1"' in client.get("/rankings/districts?year=2026&quarter=1").text
    again = client.post("/rankings/districts/freeze", data={"year": "2026", "quarter": "1"})
    assert again.status_code == 409


def test_command_line_and_export(city, runner, client, login, tmp_path):
    result = runner.invoke(args=["rankings", "districts", "--year", "2026", "--quarter", "1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["district"] for d in data["districts"]] == ["张湾区", "茅箭区"]
    assert data["city"]["signed_investment_yuan"] == 950_000_000
    path = tmp_path / "districts.xlsx"
    result = runner.invoke(args=["export", "districts", "--year", "2026", "--quarter", "1", "-o", str(path)])
    assert result.exit_code == 0, result.output
    with path.open("rb") as file:
        sheet = pd.read_excel(file, engine="calamine", header=None)
    names = sheet.iloc[:, 1].astype(str).tolist()
    assert names.index("张湾区") < names.index("茅箭区") and "全市合计" in names
    login(city["user"])
    response = client.get("/exports/districts.xlsx?year=2026&quarter=1")
    data = response.data
    response.close()
    assert response.status_code == 200
    assert "茅箭区" in pd.read_excel(io.BytesIO(data), engine="calamine", header=None).iloc[:, 1].tolist()


def test_a_district_without_targets_says_so_on_the_page_and_in_the_export(client, login, city):
    zhangwan_team = city["home"].teams[0]
    db.session.add(TeamTarget(team=zhangwan_team, year=2026, metric=TargetMetric.SIGNED_PROJECTS, target=8))
    save_rule(ScoringRule(2026, dict(DEFAULT_CITY_WEIGHTS), normalisation="target"), None, None)
    db.session.commit()
    rows = {row.team_name: row for row in district_ranking(Q1, today()).rows}
    assert rows["茅箭区"].no_targets and rows["茅箭区"].score == 0 and not rows["张湾区"].no_targets
    login(city["user"])
    page = client.get("/rankings/districts?year=2026&quarter=1").text
    shown = dict(re.findall(r'<tr data-district="([^"]+)"[^>]*>(.*?)</tr>', page, re.S))
    assert "未设目标" in shown["茅箭区"] and "未设目标" not in shown["张湾区"]
    response = client.get("/exports/districts.xlsx?year=2026&quarter=1")
    data = response.data
    response.close()
    sheet = pd.read_excel(io.BytesIO(data), engine="calamine", header=None).fillna("")
    header = sheet.iloc[1].tolist()
    assert header[:4] == ["排名", "区县", "得分", "备注"]
    notes = {row[1]: row[3] for row in sheet.values.tolist()[2:] if row[1] in ("张湾区", "茅箭区")}
    assert notes == {"张湾区": "", "茅箭区": "未设目标"}
    assert any("未设目标、按目标折算的得分为0：茅箭区。" in str(cell) for cell in sheet.iloc[:, 0])


def test_the_exports_rule_line_speaks_of_districts(client, login, city):
    login(city["user"])
    response = client.get("/exports/districts.xlsx?year=2026&quarter=1")
    data = response.data
    response.close()
    lines = [str(cell) for cell in pd.read_excel(io.BytesIO(data), engine="calamine", header=None).iloc[:, 0]]
    rule = next(line for line in lines if line.startswith("排名依次比较"))
    assert "本区县数值 ÷ 当期最高区县数值" in rule and "专班" not in rule


def test_a_member_may_not_read_the_city_ranking(client, login, make_user, city):
    login(make_user(Role.MEMBER))
    assert client.get("/rankings/districts").status_code == 403
    assert client.get("/exports/districts.csv").status_code == 403


def test_the_demo_city_ranks_zhangwan_first_in_the_first_quarter(runner, demo_output):
    result = runner.invoke(args=["rankings", "districts", "--year", str(today().year), "--quarter", "1", "--json"])
    rows = json.loads(result.output)["districts"]
    assert len(rows) >= 3 and rows[0]["district"] == "张湾区" and rows[0]["rank"] == 1
    assert rows[1]["rank"] == 2


def test_a_rule_is_kept_per_district_and_for_the_city(city):
    from crm.reports.scoring import city_rule_for, rule_for, save_rule
    save_rule(ScoringRule(2026, dict(DEFAULT_CITY_WEIGHTS) | {TargetMetric.TRIPS: 40}), None, None)
    save_rule(ScoringRule(2026, dict(DEFAULT_CITY_WEIGHTS) | {TargetMetric.TRIPS: 7}), None, city["home"].id)
    db.session.commit()
    assert city_rule_for(2026).weights[TargetMetric.TRIPS] == 40
    assert rule_for(2026, city["home"].id).weights[TargetMetric.TRIPS] == 7
    assert rule_for(2026, city["other"].id).is_default


def test_the_page_is_called_what_the_menu_calls_it(client, login, city):
    login(city["user"])
    page = client.get("/rankings/districts").text
    menu = re.search(r'<a href="/rankings/districts">(.*?)</a>', page)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert menu and heading and title
    assert heading.group(1).strip() == menu.group(1) and title.group(1).startswith(menu.group(1))
