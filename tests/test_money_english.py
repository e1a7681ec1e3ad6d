"""Amounts in the reader's counting: Chinese reads 万 and 亿 (120.00亿元), English reads millions (12,000M
yuan), to the same precision, and no English page shows 亿 or a "×100M" of its own making."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask import Flask
from flask_babel import force_locale

from crm.domain.money import counted_in_yi, money_filter, written
from crm.models import Role
from crm.reports.charts import band_label
from crm.reports.summary import DistrictSummary, brief
from tests.test_i18n import choose_language

FIGURES = dict(period_start="2026-01-01", period_end="2026-12-31", as_of="2026-05-31", teams=10, trips=192,
               visits=345, enterprises_visited=95, new_leads=125, signed_projects=60, yi_projects=38,
               started_projects=34, producing_projects=42, pending_verification=0, chief_officers=36,
               key_projects=151, signed_investment_yuan=57_200_000_000)


def in_english(app: Flask, read):  # type: ignore[no-untyped-def]
    with app.app_context(), app.test_request_context(), force_locale("en"):
        return read()


def test_an_amount_is_written_in_millions_in_english_and_in_yi_in_chinese(app: Flask, compiled_catalogue) -> None:
    def amounts() -> tuple[str, ...]:
        return (written(12_000_000_000, "yi"), written(8_000_000, "auto"), written(123_456_789_012, "yi"),
                written(120_000_000, "auto", currency="USD"), money_filter(55_000_000), money_filter(None),
                *counted_in_yi(57_200_000_000))

    with app.test_request_context():
        chinese = amounts()
    english = in_english(app, amounts)
    assert chinese == ("120.00亿元", "800.00万元", "1,234.57亿元", "1.20亿USD", "0.55亿元", "—", "572.00", "亿元")
    # 0.01亿 is one million: a figure in 亿 to two places is the same figure in whole millions
    assert english == ("12,000M yuan", "8.00M yuan", "123,457M yuan", "120M USD",
                       "55M yuan", "—", "57,200", "million yuan")


def test_the_brief_and_the_size_bands_count_in_millions_in_english(app: Flask, compiled_catalogue) -> None:
    english = in_english(app, lambda: (brief(DistrictSummary(**FIGURES), date(2026, 6, 1)),
                                       band_label(1, 10), band_label(100, None)))
    assert "with a total investment of 57,200M yuan;" in english[0]
    assert english[1:] == ("100–1,000M yuan", "10,000M yuan or more")
    with app.test_request_context():
        assert "总投资572亿元；" in brief(DistrictSummary(**FIGURES), date(2026, 6, 1))
        assert (band_label(1, 10), band_label(100, None)) == ("1–10亿元", "100亿元以上")


def test_no_english_page_counts_in_yi(compiled_catalogue, client, make_user, login, make_project, make_lead) -> None:
    """Each page that shows amounts, read in English: millions only; the same pages in Chinese read 亿元."""
    project = make_project(total_investment_yuan=12_345_678_901, currency="USD", original_amount=1_700_000_000,
                           fx_rate=Decimal("7.1"), signed_on=date.today().replace(month=1, day=2))
    lead = make_lead(team=project.team, enterprise=project.enterprise, intended_investment_yuan=250_000_000)
    admin = make_user(Role.ADMIN)
    login(admin)
    pages = ("/", "/projects/", f"/projects/{project.id}", "/rankings/projects", "/rankings/teams",
             f"/rankings/teams/{project.team_id}", "/leads/", "/leads/list", f"/leads/{lead.id}",
             f"/enterprises/{project.enterprise_id}")
    choose_language(client, "en")
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        text = re.sub(r"<[^>]+>", " ", response.text)
        assert "亿" not in text and "×100M" not in text, (path, re.findall(r".{0,40}(?:亿|×100M).{0,20}", text))
    dashboard = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/").text))
    assert "Year on year compares with the same period last year (" in dashboard  # one sentence, not "with Same"
    english = client.get(f"/projects/{project.id}").text
    assert "12,346M yuan" in english and "1,700M US dollars" in english  # 123.46亿元, 17.00亿美元
    choose_language(client, "zh_CN")
    chinese = client.get(f"/projects/{project.id}").text
    assert "123.46亿元" in chinese and "17.00亿美元" in chinese
