"""到资 and 固投完成额 in the rankings: shown beside the other figures, weighed only once someone chooses.

The admin's rule for the team ranking and the city's for the district ranking gain both metrics at weight 0, so
the scores of today do not move until a weight is set; a team may be set targets for them, typed in 亿元.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import select

from crm.domain.money import YUAN_PER_YI as YI
from crm.domain.periods import Period, today
from crm.extensions import db
from crm.models import FundKind, FundSource, FundsTranche, Role, TargetMetric, TeamTarget
from crm.reports.district_ranking import district_ranking
from crm.reports.scoring import DEFAULT_CITY_WEIGHTS, DEFAULT_WEIGHTS
from crm.reports.team_ranking import team_ranking

YEAR = Period.year(2026)


@pytest.fixture
def teams(make_team, make_project):
    """上海 signs more; 深圳 has more money in place, part of it for fixed assets, and some not yet verified."""
    shanghai, shenzhen = make_team(name="上海专班"), make_team(name="深圳专班")
    big = make_project(team=shanghai, total_investment_yuan=20 * YI, signed_on=date(2026, 2, 1))
    small = make_project(team=shenzhen, total_investment_yuan=5 * YI, signed_on=date(2026, 2, 1))
    for project, amount, kind, verified in ((big, YI, FundKind.FIXED_ASSET, True),
                                            (small, 3 * YI, FundKind.FIXED_ASSET, True),
                                            (small, YI, FundKind.WORKING, True),
                                            (small, 9 * YI, FundKind.FIXED_ASSET, False)):  # unverified: nothing
        db.session.add(FundsTranche(project=project, received_on=date(2026, 5, 1), amount_yuan=amount,
                                    source=FundSource.OUT_OF_PROVINCE, kind=kind, verified=verified))
    db.session.commit()
    return shanghai, shenzhen


def weights_form(**weights: int) -> dict[str, str]:
    return ({f"weight_{m.value}": "0" for m in TargetMetric} | {f"weight_{k}": str(v) for k, v in weights.items()}
            | {"normalisation": "best", "overdue_deduction": "2", "version": "0"})


def test_the_default_rules_weigh_neither_so_todays_scores_stay():
    assert DEFAULT_WEIGHTS[TargetMetric.FUNDS] == DEFAULT_WEIGHTS[TargetMetric.FIXED_ASSET_DONE] == 0
    assert DEFAULT_CITY_WEIGHTS[TargetMetric.FUNDS] == DEFAULT_CITY_WEIGHTS[TargetMetric.FIXED_ASSET_DONE] == 0
    assert sum(DEFAULT_WEIGHTS.values()) == sum(DEFAULT_CITY_WEIGHTS.values()) == 100


def test_the_team_ranking_shows_both_and_scores_them_once_weighed(client, login, admin, teams):
    shanghai, shenzhen = teams
    default = {row.team_name: row.score for row in team_ranking(YEAR, today(), district_id=admin.district_id).rows}
    assert default["上海专班"] > default["深圳专班"]  # signed more; the money in place weighs nothing yet
    login(admin)
    page = client.get("/rankings/weights/2026").text
    assert re.search(r'name="weight_funds"[^>]*value="0"', page) and re.search(
        r'name="weight_fixed_asset"[^>]*value="0"', page)
    response = client.post("/rankings/weights/2026", data=weights_form(funds=60, fixed_asset=40))
    assert response.status_code == 302
    rows = {row.team_name: row for row in team_ranking(YEAR, today(), district_id=admin.district_id).rows}
    # 深圳: 4亿 in place of which 3亿 fixed, the best of both; 上海: 1亿 and 1亿 → 60 × 1/4 + 40 × 1/3
    assert rows["深圳专班"].score == Decimal("100.00") and rows["上海专班"].score == Decimal("28.33")
    assert rows["深圳专班"].rank == 1
    html = client.get("/rankings/teams?year=2026").text
    row = html.split('data-team="深圳专班"')[1].split("</tr>")[0]
    assert 'data-metric="funds">4.00亿元<' in row and 'data-metric="fixed_asset">3.00亿元<' in row
    assert 'data-total="funds">5.00亿元<' in html  # the district's: verified only
    breakdown = client.get(f"/rankings/teams/{shanghai.id}?year=2026").text
    assert re.search(r'<tr data-metric="funds">\s*<td>到资额</td>\s*<td class="number">1.00亿元</td>\s*'
                     r'<td class="number">4.00亿元</td>', breakdown)


def test_the_export_carries_both_figures_and_their_points(client, login, admin, teams):
    """The ranking's sheet has both figures; the sheet of each score's parts their points."""
    login(admin)
    client.post("/rankings/weights/2026", data=weights_form(funds=100))
    response = client.get("/exports/teams.xlsx?year=2026")
    data = response.data
    response.close()
    sheet = pd.read_excel(io.BytesIO(data), engine="calamine", header=None).fillna("")
    header = [str(cell) for cell in sheet.iloc[1]]
    rows = {row[1]: row for row in sheet.values.tolist()[2:] if row[1] in ("上海专班", "深圳专班")}
    funds, fixed = header.index("到资额（亿元）"), header.index("固投完成额（亿元）")
    assert (Decimal(str(rows["深圳专班"][funds])), Decimal(str(rows["深圳专班"][fixed]))) == (4, 3)
    parts = pd.read_excel(io.BytesIO(data), engine="calamine", header=None, sheet_name="得分明细").fillna("")
    points = {(row[1], row[2]): row[6] for row in parts.values.tolist()[2:]}
    assert (points["深圳专班", "到资额（亿元）"], points["上海专班", "到资额（亿元）"]) == (100, 25)
    assert points["深圳专班", "签约投资额（亿元）"] == 0  # weighs nothing now


def test_a_team_is_set_targets_in_yi_and_scored_against_them(client, login, admin, teams):
    shanghai, _ = teams
    login(admin)
    form = {"funds": "2", "fixed_asset": "0.8", "opened": ""}
    page = client.get(f"/teams/{shanghai.id}/targets/2026").text
    form["opened"] = re.search(r'name="opened"[^>]*value="([^"]*)"', page).group(1)
    assert client.post(f"/teams/{shanghai.id}/targets/2026", data=form).status_code == 302
    stored = dict(db.session.execute(select(TeamTarget.metric, TeamTarget.target)
                                     .where(TeamTarget.team_id == shanghai.id)).all())
    assert stored == {TargetMetric.FUNDS: 2 * YI, TargetMetric.FIXED_ASSET_DONE: 80_000_000}
    assert 'value="2.0000"' in client.get(f"/teams/{shanghai.id}/targets/2026").text
    # against the target: 1亿 of 2亿 over the whole year is half the weight; 1亿 fixed is over its 0.8亿 target
    form = weights_form(funds=50, fixed_asset=50) | {"normalisation": "target"}
    assert client.post("/rankings/weights/2026", data=form).status_code == 302
    rows = {row.team_name: row for row in team_ranking(YEAR, today(), district_id=admin.district_id).rows}
    assert rows["上海专班"].score == Decimal("75.00") and rows["深圳专班"].no_targets


@pytest.mark.parametrize("typed", ["两亿", "-1", "1e400"])
def test_an_unreadable_target_is_refused_and_nothing_is_written(client, login, admin, teams, typed):
    shanghai, _ = teams
    login(admin)
    response = client.post(f"/teams/{shanghai.id}/targets/2026", data={"funds": typed, "opened": ""})
    assert response.status_code == 422 and "到资额（亿元）" in response.text
    assert db.session.scalar(select(TeamTarget.id).where(TeamTarget.team_id == shanghai.id)) is None


def test_the_city_may_weigh_the_districts_money_in_place(client, login, home_district, make_district, make_team,
                                                         make_project, make_user):
    other = make_district(name="茅箭区", code="MJ")
    for team, amount in ((make_team(), YI), (make_team(district_id=other.id), 2 * YI)):
        project = make_project(team=team, total_investment_yuan=10 * YI, signed_on=date(2026, 2, 1))
        db.session.add(FundsTranche(project=project, received_on=date(2026, 3, 1), amount_yuan=amount,
                                    source=FundSource.IN_CITY, kind=FundKind.WORKING, verified=True))
    db.session.commit()
    login(make_user(Role.CITY, username="city"))
    assert 'name="weight_funds"' in client.get("/rankings/districts/weights/2026").text
    response = client.post("/rankings/districts/weights/2026", data=weights_form(funds=100))
    assert response.status_code == 302
    rows = {row.team_name: row.score for row in district_ranking(YEAR, today()).rows}
    assert rows == {home_district.name: Decimal("50.00"), "茅箭区": Decimal("100.00")}
    html = client.get("/rankings/districts?year=2026").text
    assert 'data-total="funds">3.00亿元<' in html and 'data-total="fixed_asset">0.00亿元<' in html
