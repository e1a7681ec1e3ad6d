"""Signed projects: the list's filters and totals, and a project's page with its timeline."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from crm.extensions import db
from crm.models import ProjectStatus, Role, ServiceItem, ServiceItemStatus
from crm.periods import today


@pytest.fixture
def app_config(app_config):
    return app_config | {"PAGE_SIZE": 3}  # lists span pages, so totals must not come from the page


@pytest.fixture
def member(make_user):
    return make_user(Role.MEMBER, display_name="王立")


def listed(client, query: str = "") -> tuple[list[str], dict[str, int]]:
    """The codes the list shows on every page, and its totals row, for a query string."""
    codes: list[str] = []
    page, totals = 1, {}
    while True:
        response = client.get(f"/projects/?{query}&page={page}")
        assert response.status_code == 200, response.text
        codes += re.findall(r'<tr data-code="([^"]+)"', response.text)
        totals = {key: int(value) for key, value in
                  re.findall(r'data-(count|total-yuan|pending)="(\d+)"', response.text)}
        if "下一页" not in response.text:
            return codes, totals
        page += 1


def test_period_filters_include_both_ends(client, login, member, make_project):
    for code, day in (("A", date(2025, 12, 31)), ("B", date(2026, 1, 1)), ("C", date(2026, 3, 31)),
                      ("D", date(2026, 4, 1))):
        make_project(code=code, signed_on=day)
    login(member)
    assert sorted(listed(client, "year=2026&quarter=1")[0]) == ["B", "C"]
    assert sorted(listed(client, "start=2026-01-01&end=2026-03-31")[0]) == ["B", "C"]
    assert listed(client, "year=2026&month=3")[0] == ["C"]
    assert listed(client, "year=2025")[0] == ["A"]
    assert listed(client)[0] == ["D", "C", "B", "A"]  # newest signing first


@pytest.mark.parametrize("query", ["year=abc", "year=1900", "quarter=9", "start=2026-01-01",
                                   "start=2026-03-01&end=2026-01-01", "start=2026-02-30&end=2026-03-01",
                                   "status=lost", "size=7", "verified=maybe", "team=x"])
def test_bad_filters_answer_400_with_a_message(client, login, member, query):
    login(member)
    response = client.get(f"/projects/?{query}")
    assert response.status_code == 400
    assert "筛选条件有误" in response.text


def test_team_industry_status_and_text_filters(client, login, member, make_project, make_team, make_enterprise):
    other = make_team(name="深圳专班")
    make_project(code="M1", team=member.team, industry="新能源")
    make_project(code="O1", team=other, industry="新材料", status=ProjectStatus.STARTED,
                 started_on=date(2026, 4, 1), name="锂电池隔膜", enterprise=make_enterprise(name="华彩新材股份"))
    login(member)  # every signed-in user sees every team's projects
    assert listed(client, f"team={other.id}")[0] == ["O1"]
    assert listed(client, "industry=新能源")[0] == ["M1"]
    assert listed(client, "status=started")[0] == ["O1"]
    for text in ("隔膜", "o1", "华彩"):
        assert listed(client, f"q={text}")[0] == ["O1"]


def test_size_buckets_are_inclusive_in_yuan(client, login, member, make_project):
    amounts = {"Y0": 99_999_999, "Y1": 100_000_000, "Y9": 999_999_999, "Y10": 1_000_000_000,
               "Y30": 3_000_000_000, "Y50": 5_000_000_000, "Y100": 10_000_000_000}
    for code, yuan in amounts.items():
        make_project(code=code, total_investment_yuan=yuan)
    login(member)
    for bucket, threshold in (("1", 100_000_000), ("10", 1_000_000_000), ("30", 3_000_000_000),
                              ("50", 5_000_000_000), ("100", 10_000_000_000)):
        codes, totals = listed(client, f"size={bucket}")
        expected = {code for code, yuan in amounts.items() if yuan >= threshold}
        assert set(codes) == expected, bucket
        assert totals["total-yuan"] == sum(amounts[code] for code in expected)
    assert "Y0" not in listed(client, "size=1")[0] and "Y1" in listed(client, "size=1")[0]
    assert "Y10" in listed(client, "size=10")[0]


def test_verified_filter_and_pending_count(client, login, member, make_project):
    make_project(code="V1")
    make_project(code="P1", verified=False)
    make_project(code="P2", verified=False)
    make_project(code="X1", verified=False, voided=True, void_reason="重复登记")
    login(member)
    codes, totals = listed(client)
    assert sorted(codes) == ["P1", "P2", "V1"] and totals["pending"] == 2
    assert "2 个待认定" in client.get("/projects/").text
    assert sorted(listed(client, "verified=no")[0]) == ["P1", "P2"]
    assert listed(client, "verified=yes")[0] == ["V1"]


def test_overdue_only_and_badges(client, login, member, make_project):
    now = today()
    make_project(code="LATE", signed_on=now - timedelta(days=250))
    make_project(code="PLAN", signed_on=now - timedelta(days=30), planned_start_on=now - timedelta(days=1))
    make_project(code="FINE", signed_on=now - timedelta(days=30))
    make_project(code="GONE", signed_on=now - timedelta(days=250), voided=True, void_reason="企业撤回")
    login(member)
    assert sorted(listed(client, "overdue=y")[0]) == ["LATE", "PLAN"]
    page = client.get("/projects/?overdue=y").text
    assert "超时限未开工" in page and "逾期未开工" in page


def test_voided_projects_are_hidden_unless_asked_for(client, login, member, make_project):
    make_project(code="KEEP")
    make_project(code="VOID", voided=True, void_reason="重复登记")
    login(member)
    assert listed(client)[0] == ["KEEP"]
    assert sorted(listed(client, "voided=y")[0]) == ["KEEP", "VOID"]


def test_totals_row_is_the_plain_sum_over_every_page(client, login, member, make_project):
    amounts = [150_000_000, 123_456_789, 2_000_000_000, 1, 99_999_999]
    for n, yuan in enumerate(amounts):
        make_project(code=f"S{n}", total_investment_yuan=yuan)
    login(member)
    codes, totals = listed(client)
    assert len(codes) == 5 and totals == {"count": 5, "total-yuan": sum(amounts), "pending": 0}
    assert "23.73亿元" in client.get("/projects/").text  # 2,373,456,579 yuan, two decimals


def statements_run(client, url: str) -> int:
    """How many SQL statements a request runs."""
    statements: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return len(statements)


def test_the_list_runs_the_same_queries_for_any_number_of_rows(client, login, member, make_project):
    login(member)
    counts = []
    for n in range(2):
        for m in range(n + 1):
            make_project(code=f"Q{n}{m}", signed_on=today() - timedelta(days=300), chief_officer=member)
        counts.append(statements_run(client, "/projects/?overdue=y"))
    assert counts[0] == counts[1]


def test_detail_shows_amounts_timeline_days_and_foreign_currency(client, login, member, make_project):
    project = make_project(
        code="ZW-2026-007", signed_on=date(2026, 2, 1), started_on=date(2026, 2, 27),
        production_on=date(2026, 7, 31), status=ProjectStatus.PRODUCING, planned_capacity_on=date(2027, 6, 30),
        total_investment_yuan=852_000_000, currency="USD", original_amount=120_000_000, fx_rate=Decimal("7.1"),
        land_area_mu=Decimal("120.50"), expected_annual_sales_yuan=500_000_000, expected_annual_tax_yuan=35_000_000)
    login(member)
    page = client.get(f"/projects/{project.id}").text
    assert "签约→开工 26 天" in page and "开工→投产 154 天" in page
    assert "8.52亿元" in page and "1.20亿美元" in page and "= 7.1 元" in page
    assert "5.00亿元" in page and "3,500.00万元" in page  # each amount in 亿 from 1亿 up, in 万 below
    assert "120.50 亩" in page and "计划 2027-06-30" in page
    assert client.get("/projects/999999").status_code == 404


def test_another_teams_project_is_readable_but_not_editable(client, login, member, make_project):
    project = make_project(code="OTHER")
    login(member)
    page = client.get(f"/projects/{project.id}").text
    assert "OTHER" in page and f"/projects/{project.id}/edit" not in page


def test_history_includes_the_projects_service_records_even_deleted_ones(client, login, member, make_project):
    project, other = make_project(code="H1"), make_project(code="H2")
    kept = ServiceItem(project=project, name="施工许可")
    gone = ServiceItem(project=project, name="立项备案")
    db.session.add_all([kept, gone, ServiceItem(project=other, name="环评")])
    db.session.commit()
    kept.status = ServiceItemStatus.DONE
    db.session.delete(gone)
    db.session.commit()
    login(member)
    page = client.get(f"/projects/{project.id}").text
    assert "新建代办事项“施工许可”" in page and "状态：待办 → 已办结" in page
    assert "新建代办事项“立项备案”" in page and "删除代办事项“立项备案”" in page
    assert "环评" not in page
