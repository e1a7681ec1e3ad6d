"""The dashboard shows this year's district figures to everyone signed in."""

from crm.models import Role
from crm.periods import today


def figures(html: str) -> list[str]:
    import re
    return re.findall(r'<strong class="figure" data-metric="\d+">([^<]+)</strong>', html)


def test_dashboard_shows_this_years_figures(client, make_user, make_project, make_trip, login):
    this_year = today().year
    from datetime import date
    make_project(signed_on=date(this_year, 1, 5), total_investment_yuan=250_000_000, chief_officer=None)
    make_project(signed_on=date(this_year, 1, 6), total_investment_yuan=30_000_000)
    make_project(signed_on=date(this_year - 1, 1, 6), total_investment_yuan=990_000_000)
    make_project(signed_on=date(this_year, 1, 7), total_investment_yuan=10_000_000, verified=False)
    make_trip(start_on=date(this_year, 1, 2), end_on=date(this_year, 1, 2))
    login(make_user(Role.MEMBER))
    html = client.get("/").text
    teams, trips, enterprises, visits, signed, yi, amount, officers, key = figures(html)
    assert (trips, signed, yi, amount) == ("1", "2", "1", "2.80")
    assert "签约项目2个，其中亿元以上项目1个，总投资2.80亿元" in html
    assert "另有 1 个签约项目待认定" in html


def test_dashboard_with_no_data_shows_zeros(client, make_user, login):
    login(make_user(Role.LEADER))
    html = client.get("/").text
    assert figures(html)[1:] == ["0", "0", "0", "0", "0", "0.00", "0", "0"]
