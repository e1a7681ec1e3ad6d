"""Signed projects: the list's filters and totals, and a project's page with its timeline."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from crm.domain.periods import Period, today
from crm.extensions import db
from crm.models import ProjectStatus, Role, ServiceItem, ServiceItemStatus
from crm.projects.aftercare.services import assign_service
from crm.projects.lifecycle.verification import verify
from crm.reports.figures import district_figures


@pytest.fixture
def app_config(app_config):
    return app_config | {"PAGE_SIZE": 3}  # lists span pages, so totals must not come from the page


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


def test_several_refused_filters_read_as_one_sentence(client, login, member):
    login(member)
    text = client.get("/projects/?year=abc&team=x").text
    assert "筛选条件有误" in text and "；" in text and "。；" not in text


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


def standing_lines(html: str) -> dict[str, tuple[int, int]]:
    """The totals lines above the list: {standing: (count, yuan)}."""
    return {standing: (int(count), int(yuan)) for standing, count, yuan in re.findall(
        r'data-standing="(\w+)" data-standing-count="(\d+)" data-standing-yuan="(\d+)"', html)}


def test_verified_filter_and_pending_count(client, login, member, make_project):
    make_project(code="V1")
    make_project(code="P1", verified=False)
    make_project(code="P2", verified=False)
    make_project(code="X1", verified=False, voided=True, void_reason="重复登记")
    login(member)
    codes, totals = listed(client)
    assert codes == ["V1"] and totals["pending"] == 2  # what the figures count, by default
    page = client.get("/projects/").text
    assert "另有 2 个待认定" in page and 'href="/projects/?verified=all"' in page
    assert sorted(listed(client, "verified=no")[0]) == ["P1", "P2"]
    assert listed(client, "verified=yes")[0] == listed(client, "verified=")[0] == ["V1"]
    assert sorted(listed(client, "verified=all")[0]) == ["P1", "P2", "V1"]


def test_pending_rows_are_totalled_apart_from_the_counted(client, login, member, make_project):
    make_project(code="V1", total_investment_yuan=300_000_000)
    make_project(code="V2", total_investment_yuan=120_000_000)
    make_project(code="P1", verified=False, total_investment_yuan=50_000_000)
    make_project(code="X1", voided=True, void_reason="重复登记", total_investment_yuan=900_000_000)
    login(member)
    assert standing_lines(client.get("/projects/").text) == {"counted": (2, 420_000_000)}
    page = client.get("/projects/?verified=all").text
    assert standing_lines(page) == {"counted": (2, 420_000_000), "pending": (1, 50_000_000)}
    assert "已认定：2 个项目" in page and "待认定：1 个项目" in page and "合计：" not in page
    page = client.get("/projects/?verified=all&voided=y").text
    assert standing_lines(page) == {"counted": (2, 420_000_000), "pending": (1, 50_000_000),
                                    "voided": (1, 900_000_000)}
    assert standing_lines(client.get("/projects/?verified=no").text) == {"pending": (1, 50_000_000)}


def test_the_lists_totals_are_the_figures_of_the_year(client, login, member, make_project):
    amounts = [150_000_000, 2_000_000_000, 99_999_999]
    for n, yuan in enumerate(amounts):
        make_project(code=f"F{n}", total_investment_yuan=yuan, signed_on=date(2026, 2, 1 + n))
    make_project(code="P", verified=False, signed_on=date(2026, 3, 1))
    make_project(code="X", voided=True, void_reason="撤回", signed_on=date(2026, 3, 1))
    make_project(code="OLD", signed_on=date(2025, 3, 1))
    figures = district_figures(Period.year(2026))
    login(member)
    _codes, totals = listed(client, "year=2026")
    assert (totals["count"], totals["total-yuan"]) == (figures.signed_projects, figures.signed_investment_yuan)
    assert (totals["count"], totals["total-yuan"]) == (3, sum(amounts))


def test_year_to_month_lists_january_to_the_month(client, login, member, make_project):
    for code, day in (("JAN", date(2026, 1, 5)), ("MAY", date(2026, 5, 31)), ("JUN", date(2026, 6, 1)),
                      ("LAST", date(2025, 5, 5))):
        make_project(code=code, signed_on=day)
    login(member)
    assert listed(client, "year=2026&month=5")[0] == ["MAY"]
    assert listed(client, "year=2026&month=5&ytd=y")[0] == ["MAY", "JAN"]
    page = client.get("/projects/?year=2026&month=5&ytd=y").text
    assert 'name="ytd"' in page and 'href="/exports/projects.xlsx?year=2026&amp;month=5&amp;ytd=y"' in page
    response = client.get("/projects/?year=2026&ytd=y")
    assert response.status_code == 400 and "累计须选择截止月份" in response.text


def test_the_city_narrows_the_list_to_one_district(client, login, make_user, make_district, make_team,
                                                   make_enterprise, make_project):
    other = make_district(name="茅箭区", code="MJ")
    make_project(code="ZW1", total_investment_yuan=200_000_000)
    make_project(code="MJ1", team=make_team(district_id=other.id), enterprise=make_enterprise(district_id=other.id))
    login(make_user(Role.CITY))
    assert sorted(listed(client)[0]) == ["MJ1", "ZW1"]
    codes, totals = listed(client, f"district={other.id}")
    assert codes == ["MJ1"] and totals["count"] == 1
    page = client.get(f"/projects/?district={other.id}").text
    assert 'name="district"' in page and f'href="/exports/projects.csv?district={other.id}"' in page
    assert client.get("/projects/?district=999999").status_code == 400


def test_a_districts_user_is_offered_no_district_and_ignores_one(client, login, member, make_district,
                                                                 make_team, make_project):
    other = make_district(name="茅箭区", code="MJ")
    make_project(code="ZW1")
    login(member)
    page = client.get(f"/projects/?district={other.id}")
    assert page.status_code == 200 and 'name="district"' not in page.text
    assert re.findall(r'<tr data-code="([^"]+)"', page.text) == ["ZW1"]


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


def test_history_says_what_was_done_in_words_and_times(client, login, member, make_user, make_project):
    project = make_project(code="H3", verified=False)
    admin = make_user(Role.ADMIN, display_name="李主任")
    leader, helper = make_user(Role.LEADER, display_name="赵区长"), make_user(Role.MEMBER, display_name="钱专员")
    verify(project, actor=admin, note="合同已核")
    assign_service(project, actor=admin, chief_officer=leader, members=[helper])
    db.session.commit()
    login(member)
    page = client.get(f"/projects/{project.id}").text
    assert "认定了项目“合同已核”" in page and "调整了服务专班“加入：钱专员" in page
    assert "verified项目" not in page and "service_team" not in page
    assert re.search(r"认定时间：— → \d{4}-\d\d-\d\d \d\d:\d\d<", page)
    shown_text = re.sub(r"<[^>]+>", "", page.split('id="history-heading"')[-1])  # what a reader sees
    assert "认定时间" in shown_text and not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", shown_text)
