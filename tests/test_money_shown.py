"""Every amount people read groups its digits: the dashboard's cards, the brief, the charts' tooltips and the
import preview's reading print 12,345.68亿, as the lists and the project page do."""

from __future__ import annotations

from datetime import date

from flask import Flask

from crm.imports.parsed import amount_text
from crm.reports.charts import money
from crm.reports.dashboard import Card
from crm.reports.summary import DistrictSummary, brief

LARGE = 1_234_567_890_123  # 12,345.68亿元


def card(key: str, value: int) -> Card:
    return Card(key=key, label="", unit="", value=value, last_year=value // 2, target=None, completion=None)


def test_cards_group_money_and_counts() -> None:
    invested = card("signed_investment_yuan", LARGE)
    assert invested.shown(invested.value) == "12,345.68"
    assert invested.shown(invested.last_year) == "6,172.84"
    assert invested.shown(57_200_000_000) == "572.00"
    trips = card("trips", 12_345)
    assert (trips.shown(trips.value), trips.shown(None)) == ("12,345", "—")


def test_the_brief_groups_the_total(app: Flask) -> None:
    figures = dict(period_start="2026-01-01", period_end="2026-12-31", as_of="2026-05-31", teams=10, trips=192,
                   visits=345, enterprises_visited=95, new_leads=125, signed_projects=60, yi_projects=38,
                   started_projects=34, producing_projects=42, pending_verification=0, chief_officers=36,
                   key_projects=151)
    with app.test_request_context():
        whole = brief(DistrictSummary(**figures, signed_investment_yuan=123_400_000_000_000), date(2026, 6, 1))
        part = brief(DistrictSummary(**figures, signed_investment_yuan=LARGE), date(2026, 6, 1))
        small = brief(DistrictSummary(**figures, signed_investment_yuan=57_200_000_000), date(2026, 6, 1))
    assert "总投资1,234,000亿元" in whole
    assert "总投资12,345.68亿元" in part
    assert "总投资572亿元" in small


def test_chart_tooltips_group_while_the_axis_reads_a_number() -> None:
    shown = money(LARGE)
    assert shown == {"investment_yuan": LARGE, "investment_yi": "12345.68", "investment_text": "12,345.68",
                     "investment_written": "12,345.68亿元"}
    assert float(shown["investment_yi"]) == 12345.68  # what the chart plots


def test_the_import_reading_groups_both_figures(app: Flask) -> None:
    entry = {"yuan": LARGE, "yi": "12345.68", "unit": "元", "unit_from": "cell", "text": "1234567890123元"}
    with app.test_request_context():
        assert amount_text(entry) == "1234567890123元 → 12,345.68亿元（1,234,567,890,123元）"


def test_the_brief_writes_its_day_as_each_language_does(app: Flask) -> None:
    from flask_babel import force_locale
    figures = dict(period_start="2026-01-01", period_end="2026-12-31", as_of="2026-05-31", teams=10, trips=192,
                   visits=345, enterprises_visited=95, new_leads=125, signed_projects=60, yi_projects=38,
                   started_projects=34, producing_projects=42, pending_verification=0, chief_officers=36,
                   key_projects=151, signed_investment_yuan=57_200_000_000)
    with app.test_request_context():
        chinese = brief(DistrictSummary(**figures), date(2026, 6, 1))
        last_year = brief(DistrictSummary(**figures), date(2027, 1, 5))
    with app.app_context(), app.test_request_context(), force_locale("en"):  # translations are kept per context
        english = brief(DistrictSummary(**figures), date(2026, 6, 1))
    assert chinese.startswith("截至5月31日，") and last_year.startswith("截至2026年5月31日，")
    assert english.startswith("As of May 31, ") and "5/31" not in english
