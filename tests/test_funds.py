"""到资: a project's tranches entered by its team on the project page, verified by the office, and counted only
then, by the one rule (crm/reports/funds.py) the figures, the summary and the project page read."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from crm.domain.periods import Period, today
from crm.extensions import db
from crm.models import FundKind, FundSource, FundsTranche, ProjectDocument, Role
from crm.reports.figures import district_figures, team_figures
from crm.reports.funds import project_funds

TODAY = today()
SIGNED = TODAY - timedelta(days=100)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def project(make_project):
    return make_project(signed_on=SIGNED, total_investment_yuan=500_000_000)


@pytest.fixture
def member(make_user, project):
    return make_user(Role.MEMBER, team=project.team)


def entry(**fields):
    return {"received_on": (TODAY - timedelta(days=10)).isoformat(), "amount": "8000", "source": "province_out",
            "kind": "fixed_asset"} | fields


def tranches(project) -> list[tuple]:
    db.session.expire_all()
    return [(t.amount_yuan, t.currency, t.original_amount, t.source, t.kind, t.verified)
            for t in db.session.scalars(select(FundsTranche).where(FundsTranche.project_id == project.id))]


def test_the_team_enters_a_tranche_that_counts_once_the_office_verifies_it(client, login, member, admin, project):
    login(member)
    response = client.post(f"/projects/{project.id}/funds", data=entry())
    assert response.status_code == 302 and response.location.endswith(f"/projects/{project.id}#funds")
    assert tranches(project) == [(80_000_000, "CNY", None, FundSource.OUT_OF_PROVINCE, FundKind.FIXED_ASSET, False)]
    year = Period.year(TODAY.year) if SIGNED.year == TODAY.year else Period(SIGNED, TODAY)
    assert project_funds(project, TODAY).funds_yuan == 0  # not yet verified: nothing counts
    assert team_figures(year)[project.team_id].funds_yuan == 0
    page = client.get(f"/projects/{project.id}").text
    assert "待核实" in page and 'data-funds="0"' in page

    tranche_id = db.session.scalar(select(FundsTranche.id))
    assert client.post(f"/projects/{project.id}/funds/{tranche_id}/verify").status_code == 403  # the office's
    client.post("/logout")
    login(admin)
    assert client.post(f"/projects/{project.id}/funds/{tranche_id}/verify").status_code == 302
    counted = project_funds(project, TODAY)
    assert (counted.funds_yuan, counted.fixed_asset_done_yuan, str(counted.rate)) == (80_000_000, 80_000_000, "16.0")
    figures = team_figures(year)[project.team_id]
    assert (figures.funds_yuan, figures.fixed_asset_done_yuan) == (80_000_000, 80_000_000)
    assert district_figures(year).funds_yuan == 80_000_000
    page = client.get(f"/projects/{project.id}").text
    assert 'data-funds="80000000"' in page and 'data-rate="16.0"' in page and "已核实" in page


def test_a_foreign_tranche_is_kept_in_its_currency_at_its_rate(client, login, member, project):
    login(member)
    response = client.post(f"/projects/{project.id}/funds",
                           data=entry(amount="500万美元", fx_rate="7.1", kind="working", source="city_in"))
    assert response.status_code == 302
    assert tranches(project) == [(35_500_000, "USD", 5_000_000, FundSource.IN_CITY, FundKind.WORKING, False)]


@pytest.mark.parametrize(("fields", "message"), [
    ({"received_on": (SIGNED - timedelta(days=1)).isoformat()}, "到资日期不能早于签约日期"),
    ({"received_on": (TODAY + timedelta(days=1)).isoformat()}, "到资日期不能晚于今天"),
    ({"amount": "很多"}, "金额格式不正确"),
    ({"amount": "0"}, "到资金额须大于0"),
    ({"amount": "500万美元"}, "汇率"),
    ({"source": "abroad"}, "资金来源"),
    ({"received_on": "2026-02-30"}, "到资日期"),
])
def test_a_tranche_that_cannot_be_is_refused_in_words_and_nothing_is_written(client, login, member, project,
                                                                             fields, message):
    login(member)
    response = client.post(f"/projects/{project.id}/funds", data=entry(**fields))
    assert response.status_code == 422 and message in response.text
    assert tranches(project) == []


def test_a_receipt_is_kept_with_the_tranche_and_downloads(client, login, member, project):
    login(member)
    data = entry() | {"receipt": (io.BytesIO(PDF), "回单.pdf")}
    sent = client.post(f"/projects/{project.id}/funds", data=data, content_type="multipart/form-data")
    assert sent.status_code == 302
    tranche = db.session.scalar(select(FundsTranche))
    assert tranche.document.kind == "receipt" and tranche.document.original_name == "回单.pdf"
    download = client.get(f"/projects/{project.id}/documents/{tranche.document_id}")
    assert download.status_code == 200 and download.data == PDF
    download.close()


def test_a_team_removes_its_unverified_tranche_and_only_the_office_a_verified_one(client, login, member, admin,
                                                                                  project):
    login(member)
    client.post(f"/projects/{project.id}/funds", data=entry())
    client.post(f"/projects/{project.id}/funds", data=entry(amount="100"))
    first, second = db.session.scalars(select(FundsTranche.id).order_by(FundsTranche.id)).all()
    assert client.post(f"/projects/{project.id}/funds/{first}/remove").status_code == 302
    client.post("/logout")
    login(admin)
    client.post(f"/projects/{project.id}/funds/{second}/verify")
    client.post("/logout")
    login(member)
    refused = client.post(f"/projects/{project.id}/funds/{second}/remove")
    assert refused.status_code == 422 and "已核实的到资只有管理员可以删除" in refused.text
    client.post("/logout")
    login(admin)
    assert "删除已核实的到资须填写原因" in client.post(f"/projects/{project.id}/funds/{second}/remove").text
    assert client.post(f"/projects/{project.id}/funds/{second}/remove", data={"reason": "重复登记"}).status_code == 302
    assert tranches(project) == []


def test_another_districts_tranche_is_not_there(client, login, make_district, make_team, make_user, make_project):
    elsewhere = make_district(name="茅箭区", code="MJ")
    theirs = make_project(team=make_team(name="外区专班", district_id=elsewhere.id), signed_on=SIGNED)
    tranche = FundsTranche(project=theirs, received_on=TODAY, amount_yuan=1_000_000, source=FundSource.IN_CITY,
                           kind=FundKind.WORKING, verified=True)
    db.session.add(tranche)
    db.session.commit()
    login(make_user(Role.ADMIN))
    assert client.post(f"/projects/{theirs.id}/funds/{tranche.id}/verify").status_code == 404
    assert client.post(f"/projects/{theirs.id}/funds/{tranche.id}/remove", data={"reason": "x"}).status_code == 404
    assert client.post(f"/projects/{theirs.id}/funds", data=entry()).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(FundsTranche)) == 1
    assert db.session.scalar(select(func.count()).select_from(ProjectDocument)) == 0


def test_the_summary_gives_the_funds_figures(runner, make_project, project):
    db.session.add(FundsTranche(project=project, received_on=TODAY, amount_yuan=123_456_789,
                                source=FundSource.IN_PROVINCE, kind=FundKind.FIXED_ASSET, verified=True))
    db.session.add(FundsTranche(project=project, received_on=TODAY, amount_yuan=1_000_000,
                                source=FundSource.IN_PROVINCE, kind=FundKind.WORKING, verified=True))
    db.session.commit()
    result = runner.invoke(args=["summary", "--year", str(TODAY.year), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["funds_yuan"], summary["fixed_asset_done_yuan"]) == (124_456_789, 123_456_789)
    assert summary["funds_yi"] == "1.24"


def test_the_ledger_lists_the_counted_tranches_and_sums_to_the_figures(client, login, admin, make_project, project):
    from tests.test_exports import download
    from tests.test_exports import sheet as read_sheet

    other = make_project(signed_on=SIGNED, verified=False)  # not counted: its money is not either
    for where, amount, verified, kind in ((project, 70_000_000, True, FundKind.FIXED_ASSET),
                                          (project, 5_000_000, True, FundKind.WORKING),
                                          (project, 9_000_000, False, FundKind.WORKING),
                                          (other, 40_000_000, True, FundKind.FIXED_ASSET)):
        db.session.add(FundsTranche(project=where, received_on=TODAY, amount_yuan=amount, verified=verified,
                                    source=FundSource.OUT_OF_PROVINCE, kind=kind))
    db.session.commit()
    login(admin)
    response = download(client, f"/exports/funds.xlsx?year={TODAY.year}")
    assert response.status_code == 200
    sheet = read_sheet(response.data)
    header = sheet[1]
    rows = [row for row in sheet[2:] if isinstance(row[0], (int, float))]
    amount = header.index("到资金额（亿元）")
    assert sorted(row[amount] for row in rows) == [0.05, 0.7]
    total = next(row for row in sheet if row[0] == "合计")
    figures = district_figures(Period.year(TODAY.year))
    assert round(total[amount] * 100_000_000) == figures.funds_yuan == 75_000_000
    fixed = next(row for row in sheet if row[0] == "其中固定资产投资完成额")
    assert round(fixed[amount] * 100_000_000) == figures.fixed_asset_done_yuan == 70_000_000
    csv = download(client, f"/exports/funds.csv?year={TODAY.year}").data.decode("utf-8-sig")
    assert csv.count(project.code) == 2 and other.code not in csv


def test_the_api_reads_a_projects_tranches_and_what_they_come_to(client, login, member, project, make_district,
                                                                  make_team, make_project):
    db.session.add_all([
        FundsTranche(project=project, received_on=TODAY - timedelta(days=5), amount_yuan=100_000_000, verified=True,
                     source=FundSource.OUT_OF_PROVINCE, kind=FundKind.FIXED_ASSET),
        FundsTranche(project=project, received_on=TODAY, amount_yuan=20_000_000, verified=False,
                     source=FundSource.IN_CITY, kind=FundKind.WORKING)])
    elsewhere = make_project(team=make_team(name="外区专班", district_id=make_district(name="茅箭区", code="MJ").id))
    db.session.commit()
    login(member)
    body = client.get(f"/api/v1/projects/{project.id}/tranches").get_json()
    assert (body["funds_yuan"], body["fixed_asset_done_yuan"], body["rate"]) == (100_000_000, 100_000_000, "20.0")
    assert [(t["amount_yuan"], t["verified"]) for t in body["tranches"]] == [(20_000_000, False), (100_000_000, True)]
    missing = client.get(f"/api/v1/projects/{elsewhere.id}/tranches")
    assert missing.status_code == 404 and missing.get_json()["error"]


def test_the_dashboard_shows_the_funds_with_their_year_on_year_change(client, login, make_project, member):
    from crm.domain.periods import a_year_earlier
    from crm.reports.dashboard import dashboard_cards

    earlier = make_project(signed_on=a_year_earlier(SIGNED) - timedelta(days=30), total_investment_yuan=900_000_000)
    this_year = max(date(TODAY.year, 1, 1), TODAY - timedelta(days=2))  # within this year whatever today is
    for project, day, amount, kind in ((earlier, a_year_earlier(this_year), 40_000_000, FundKind.FIXED_ASSET),
                                       (earlier, this_year, 50_000_000, FundKind.FIXED_ASSET),
                                       (earlier, TODAY, 10_000_000, FundKind.WORKING)):
        db.session.add(FundsTranche(project=project, received_on=day, amount_yuan=amount, verified=True,
                                    source=FundSource.IN_CITY, kind=kind))
    db.session.commit()
    cards = dashboard_cards(Period.year(TODAY.year), TODAY).district
    funds, fixed = cards.card("funds_yuan"), cards.card("fixed_asset_done_yuan")
    assert (funds.value, funds.last_year, str(funds.change)) == (60_000_000, 40_000_000, "50.0")
    assert (fixed.value, fixed.last_year, str(fixed.change)) == (50_000_000, 40_000_000, "25.0")
    login(member)
    page = client.get("/").text
    assert 'data-key="funds_yuan">0.60</strong>' in page and 'data-key="fixed_asset_done_yuan">0.50</strong>' in page
