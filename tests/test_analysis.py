"""多维分析: every measure by rows and months, quarters or years against plain SQL, its totals, its refusals, who
reads it, the wall, and its export read back."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from crm.analysis.services import pivot_table, written_yi
from crm.domain.money import format_yi
from crm.domain.periods import Period
from crm.extensions import db
from crm.models import FundKind, FundSource, FundsTranche, ProjectStatus, ProjectType, Role
from crm.reports.figures import district_figures
from crm.reports.pivot import PivotQuery, pivot

YI = 100_000_000
YEAR = Period.year(2026)
FIELDS = {"signed": "signed_projects", "yi": "yi_projects", "investment": "signed_investment_yuan",
          "funds": "funds_yuan", "visits": "visits", "enterprises": "enterprises_visited"}


@pytest.fixture
def world(make_district, make_team, make_enterprise, make_project, make_visit, make_user, home_district):
    """Two districts: 张湾区 with two teams, another with one; one company is held by both (one credit code)."""
    other = make_district(name="茅箭区", code="MJ")
    a, b, c = make_team(name="一专班"), make_team(name="二专班"), make_team(name="三专班", district_id=other.id)
    e1 = make_enterprise(industry="新材料", province="上海", credit_code="91310000MA1FL0001X")
    e2 = make_enterprise(industry="电子信息", province="江苏")
    e3 = make_enterprise(district_id=other.id, industry="新材料", province="上海", credit_code="91310000MA1FL0001X")
    e4 = make_enterprise(industry=None, province=None, credit_code=None)
    made = [make_project(team=a, enterprise=e1, signed_on=date(2026, 1, 9), total_investment_yuan=12 * YI),
            make_project(team=a, enterprise=e2, signed_on=date(2026, 2, 1), total_investment_yuan=YI // 2,
                         project_type=ProjectType.EXPANSION, status=ProjectStatus.STARTED,
                         started_on=date(2026, 4, 1)),
            make_project(team=b, enterprise=e4, signed_on=date(2026, 5, 31), total_investment_yuan=YI,
                         industry="电子信息"),
            make_project(team=c, enterprise=e3, signed_on=date(2026, 11, 2), total_investment_yuan=150 * YI,
                         industry="新材料", project_type=ProjectType.UPGRADE),
            make_project(team=b, enterprise=e1, signed_on=date(2026, 3, 3), total_investment_yuan=3 * YI,
                         verified=False),  # not counted: awaiting verification
            make_project(team=b, enterprise=e2, signed_on=date(2026, 3, 3), total_investment_yuan=4 * YI,
                         voided=True, void_reason="重复录入"),  # not counted: voided
            make_project(team=a, enterprise=e1, signed_on=date(2025, 12, 31), total_investment_yuan=5 * YI)]
    for project, day, amount, verified in ((made[0], date(2026, 2, 3), 2 * YI, True),
                                           (made[0], date(2026, 7, 3), YI // 3, True),
                                           (made[3], date(2026, 12, 1), 7 * YI, True),
                                           (made[2], date(2026, 6, 1), YI, False),  # not verified
                                           (made[4], date(2026, 4, 1), YI, True),  # its project does not count
                                           (made[6], date(2026, 1, 5), YI // 7, True)):
        db.session.add(FundsTranche(project=project, received_on=day, amount_yuan=amount, verified=verified,
                                    source=FundSource.OUT_OF_PROVINCE, kind=FundKind.FIXED_ASSET))
    for team, enterprise, day in ((a, e1, date(2026, 1, 5)), (a, e1, date(2026, 2, 5)), (b, e1, date(2026, 2, 6)),
                                  (b, e2, date(2026, 4, 1)), (a, e4, date(2026, 4, 2)), (c, e3, date(2026, 1, 7)),
                                  (a, e2, date(2025, 12, 30))):
        make_visit(team=team, enterprise=enterprise, visited_on=day)
    db.session.commit()
    return {"home": home_district, "other": other,
            "users": {role: make_user(role) for role in Role if role is not Role.CITY},
            "city": make_user(Role.CITY), "other_leader": make_user(Role.LEADER, district_id=other.id)}


# --- the truth, in plain SQL over the tables and Python sums ------------------------------------------------

def day_of(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def bucket(day: date, cols: str) -> str:
    return {"month": f"{day.year}-{day.month:02d}", "quarter": f"{day.year}-Q{(day.month + 2) // 3}",
            "year": str(day.year)}[cols]


def band(yuan: int) -> int:
    return next((index for index, floor in reversed(list(enumerate((1, 10, 30, 50, 100), 1)))
                 if yuan >= floor * YI), 0)


def records(measure: str, period: Period, district_id: int | None) -> list[dict[str, Any]]:
    """Each counted record: its row keys, day, and value (an amount, 1, or the company visited)."""
    where = " AND t.district_id = :district" if district_id else ""
    params = {"start": period.start.isoformat(), "end": period.end.isoformat(), "district": district_id}
    if measure in ("visits", "enterprises"):
        sql = ("SELECT v.team_id, t.district_id, e.industry, e.province, NULL, NULL, NULL, v.visited_on,"
               " COALESCE(e.credit_code, 'id' || CAST(e.id AS VARCHAR(20)))"
               " FROM visit v JOIN team t ON t.id = v.team_id JOIN enterprise e ON e.id = v.enterprise_id"
               " WHERE v.visited_on BETWEEN :start AND :end" + where)
    elif measure == "funds":
        sql = ("SELECT p.team_id, t.district_id, p.industry, e.province, p.total_investment_yuan, p.project_type,"
               " p.status, f.received_on, f.amount_yuan FROM funds_tranche f JOIN project p ON p.id = f.project_id"
               " JOIN team t ON t.id = p.team_id JOIN enterprise e ON e.id = p.enterprise_id"
               " WHERE f.verified AND p.verified AND NOT p.voided AND f.received_on BETWEEN :start AND :end" + where)
    else:
        sql = ("SELECT p.team_id, t.district_id, p.industry, e.province, p.total_investment_yuan, p.project_type,"
               " p.status, p.signed_on, p.total_investment_yuan FROM project p JOIN team t ON t.id = p.team_id"
               " JOIN enterprise e ON e.id = p.enterprise_id"
               " WHERE p.verified AND NOT p.voided AND p.signed_on BETWEEN :start AND :end" + where)
    found = []
    for team, district, industry, province, total, kind, status, day, value in db.session.execute(text(sql), params):
        keys = {"team": team, "district": district, "industry": industry, "province": province,
                "size": band(total) if total is not None else None, "type": kind, "status": status}
        if measure in ("signed", "visits"):
            value = 1
        elif measure == "yi":
            value = 1 if total >= YI else 0
        found.append({"keys": keys, "day": day_of(day), "value": value})
    return found


def truth(measure: str, rows: str, cols: str, period: Period, district_id: int | None = None) -> dict[str, Any]:
    """Cells, row totals, column totals and the grand total, summed (or, for companies, counted once) here."""
    sums: dict[str, dict[Any, Any]] = {name: defaultdict(set if measure == "enterprises" else int)
                                       for name in ("cells", "rows", "cols", "grand")}
    for record in records(measure, period, district_id):
        row, when, value = record["keys"][rows], bucket(record["day"], cols), record["value"]
        for name, key in (("cells", (row, when)), ("rows", row), ("cols", when), ("grand", None)):
            if measure == "enterprises":
                sums[name][key].add(value)
            else:
                sums[name][key] += value
    count = len if measure == "enterprises" else int
    result = {name: {key: count(value) for key, value in sums[name].items()} for name in ("cells", "rows", "cols")}
    result["cells"] = {key: value for key, value in result["cells"].items() if value}
    result["grand"] = count(sums["grand"].get(None, set() if measure == "enterprises" else 0))
    return result


def counted(query: PivotQuery) -> dict[str, Any]:
    found = pivot(query)
    return {"cells": {key: value for key, value in found.cells.items() if value},
            "rows": {key: value for key, value in found.row_totals.items()},
            "cols": found.col_totals, "grand": found.grand}


CASES = [(measure, rows) for measure in FIELDS for rows in ("team", "industry", "province", "district")] + [
    (measure, rows) for measure in ("signed", "yi", "investment", "funds") for rows in ("size", "type", "status")]


@pytest.mark.parametrize("cols", ["month", "quarter", "year"])
@pytest.mark.parametrize(("measure", "rows"), CASES)
def test_every_cell_and_total_is_the_sql_truth(world, measure, rows, cols):
    for district_id in (None, world["home"].id):
        if rows == "district" and district_id:
            continue
        query = PivotQuery(rows, cols, measure, YEAR, district_id)
        expected = truth(measure, rows, cols, YEAR, district_id)
        expected["rows"] = {key: value for key, value in expected["rows"].items() if value or key in
                            counted(query)["rows"]}
        assert counted(query) == expected, (measure, rows, cols, district_id)


@pytest.mark.parametrize("measure", list(FIELDS))
@pytest.mark.parametrize("period", [YEAR, Period.quarter(2026, 1), Period.month(2026, 2),
                                    Period.between(date(2025, 12, 1), date(2026, 2, 28))])
def test_the_grand_total_is_the_dashboards_figure(world, measure, period):
    for district_id in (None, world["home"].id):
        table = pivot_table(PivotQuery("team" if measure != "enterprises" else "industry", "month", measure, period,
                                       district_id))
        assert table.grand == getattr(district_figures(period, district_id=district_id), FIELDS[measure])


def test_enterprises_visited_totals_count_each_company_once(world):
    table = pivot_table(PivotQuery("team", "month", "enterprises", YEAR, None))
    assert table.grand == 3  # e1 (held by both districts: e3 is the same company), e2, e4
    assert sum(total for _label, _cells, total in table.rows) > table.grand


def test_every_figure_is_written_once_as_format_yi_writes_it(world):
    edges = [0, 1, 499_999, 500_000, 1_499_999, 1_500_000, 99_999_999, YI, 123_456_789_012, 5 * 10**16, -500_000,
             -499_999, -1_500_000]
    assert written_yi(np.array(edges, dtype="int64")).tolist() == [format_yi(value) for value in edges]
    for measure in ("investment", "signed"):
        table = pivot_table(PivotQuery("industry", "month", measure, YEAR, None))
        assert table.body == [(label, [table.shown(cell) for cell in cells], table.shown(total))
                              for label, cells, total in table.rows]
        assert table.foot == ([table.shown(cell) for cell in table.totals], table.shown(table.grand))


def test_the_page_shows_the_table_with_its_totals(client, login, world):
    login(world["users"][Role.ADMIN])
    response = client.get("/analysis/?rows=industry&cols=quarter&measure=investment&year=2026")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "电子信息" in page and "未填写" in page and "第4季度" in page and "新材料" not in page
    assert ">13.50<" in page and ">12.50<" in page and "data-pivot=" in page  # 12 + 0.5 + 1 亿元 in 张湾区


@pytest.mark.parametrize(("query", "message"), [
    ("rows=size&measure=visits", "拜访只能按专班、区县、行业或投资方来源省份分析"),
    ("rows=status&measure=enterprises", "拜访只能按专班、区县、行业或投资方来源省份分析"),
    ("rows=type&measure=visits", "拜访只能按专班、区县、行业或投资方来源省份分析"),
    ("rows=district&measure=signed", "不是有效的选择"),
    ("rows=nothing", "不是有效的选择"),
    ("cols=week", "不是有效的选择"),
    ("measure=sales", "不是有效的选择"),
    ("start=2000-01-01&end=2026-12-31&cols=month", "时段太长"),
    ("year=1800", "年份"),
])
def test_combinations_that_cannot_be_are_refused_in_words(client, login, world, query, message):
    login(world["users"][Role.ADMIN])
    response = client.get(f"/analysis/?{query}")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_the_city_alone_splits_by_district(client, login, world):
    login(world["city"])
    response = client.get("/analysis/?rows=district&measure=visits&cols=year&year=2026")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "茅箭区" in page and "张湾区" in page
    response = client.get("/exports/analysis.csv?rows=district&measure=visits&cols=year&year=2026")
    assert response.status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_who_reads_the_analysis(client, login, world, role):
    user = world["city"] if role is Role.CITY else world["users"][role]
    login(user)
    allowed = role in (Role.ADMIN, Role.LEADER, Role.CITY)
    assert client.get("/analysis/").status_code == (200 if allowed else 403)
    response = client.get("/exports/analysis.xlsx")
    assert response.status_code == (200 if allowed else 403)
    response.close()
    assert ('href="/analysis/"' in client.get("/").get_data(as_text=True)) == allowed


def test_a_district_leader_never_sees_another_districts_rows(client, login, world):
    login(world["other_leader"])
    for measure in ("signed", "visits", "funds"):
        page = client.get(f"/analysis/?rows=team&measure={measure}&year=2026&district={world['home'].id}")
        text_ = page.get_data(as_text=True)
        assert page.status_code == 200 and "三专班" in text_ and "一专班" not in text_ and "二专班" not in text_
    assert client.get("/analysis/?rows=district").status_code == 422


@pytest.mark.parametrize("ext", ["xlsx", "csv"])
@pytest.mark.parametrize(("measure", "rows", "cols"), [("investment", "industry", "month"),
                                                      ("enterprises", "team", "quarter"), ("signed", "size", "year"),
                                                      ("funds", "team", "month")])
def test_the_export_read_back_is_the_page_table(client, login, world, ext, measure, rows, cols):
    login(world["city"])
    table = pivot_table(PivotQuery(rows, cols, measure, YEAR, None))
    money = table.money
    response = client.get(f"/exports/analysis.{ext}?rows={rows}&cols={cols}&measure={measure}&year=2026")
    assert response.status_code == 200
    data = response.data
    response.close()
    if ext == "csv":
        lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        frame = pd.read_excel(io.BytesIO(data), engine="calamine", header=None)
        lines = [["" if pd.isna(cell) else str(int(cell)) if isinstance(cell, float) and cell.is_integer()
                  and not money else str(cell) for cell in line] for line in frame.itertuples(index=False)]
    whose = ["区县"] if table.districts else []  # the city's teams: each one's district, after its name
    districts = table.districts or [None] * len(table.rows)
    shown = [[table.row_header, *whose, *table.columns, "合计"]]
    shown += [[label, *([district] if whose else []), *map(table.shown, cells), table.shown(total)]
              for (label, cells, total), district in zip(table.rows, districts, strict=True)]
    shown.append(["合计", *([""] if whose else []), *map(table.shown, table.totals), table.shown(table.grand)])
    def plain(line: list[Any], header: bool) -> list[str]:
        return [str(round(float(cell), 2)) if money and index > len(whose) and not header else str(cell)
                for index, cell in enumerate(line)]
    assert [plain(line, n == 0) for n, line in enumerate(lines[1:])] == [plain(line, n == 0)
                                                                         for n, line in enumerate(shown)]
    assert "多维分析" in lines[0][0]


def test_the_command_writes_the_export(runner, world, tmp_path):
    out = tmp_path / "analysis.csv"
    result = runner.invoke(args=["export", "analysis", "--year", "2026", "--district", "张湾区",
                                 "--filter", "rows=team", "--filter", "measure=funds", "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8-sig")
    assert "一专班" in written and "三专班" not in written
