"""红黄绿 in the rankings: each team's (and, for the city, each district's) red and yellow projects today, counted
by the one rule (crm/reports/colours.py), each count a link to the project list filtered to exactly those."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from crm.domain.periods import today
from crm.extensions import db
from crm.models import PathNode, ProjectNode, Role

TODAY = today()


@pytest.fixture
def late(make_project):
    """A project signed a year ago whose 供地 was planned `days` from today (negative: past); unreached."""
    def make(days: int, **fields):
        project = make_project(**({"signed_on": TODAY - timedelta(days=365)} | fields))
        db.session.add(ProjectNode(project_id=project.id, node=PathNode.LAND, planned_on=TODAY + timedelta(days=days)))
        db.session.commit()
        return project
    return make


def cells(html: str, attribute: str, name: str) -> dict[str, str]:
    row = html.split(f'{attribute}="{name}"')[1].split("</tr>")[0]
    return {colour: re.sub(r"<[^>]+>", "", text).strip()
            for colour, text in re.findall(r'class="number colour-cell" data-colour="(\w+)">(.*?)</td>', row, re.S)}


def listed(client, html: str, attribute: str, name: str, colour: str) -> set[str]:
    row = html.split(f'{attribute}="{name}"')[1].split("</tr>")[0]
    link = re.search(rf'data-colour="{colour}"><a href="([^"]+)"', row).group(1).replace("&amp;", "&")
    return set(re.findall(r'<tr data-code="([^"]+)"', client.get(link).get_data(as_text=True)))


def test_each_teams_red_and_yellow_link_to_exactly_those_projects(client, login, make_team, make_user, late):
    shanghai, shenzhen = make_team(name="上海专班"), make_team(name="深圳专班")
    reds = {late(-60, team=shanghai).code, late(-31, team=shanghai).code}
    yellow = late(5, team=shanghai).code
    late(40, team=shanghai)  # green
    late(-90, team=shanghai, verified=False)  # not counted: in no count
    late(-90, team=shanghai, voided=True, void_reason="录入错误")
    shenzhen_yellow = late(-10, team=shenzhen).code
    login(make_user(Role.LEADER))
    html = client.get(f"/rankings/teams?year={TODAY.year}").get_data(as_text=True)
    assert cells(html, "data-team", "上海专班") == {"red": "2", "yellow": "1"}
    assert cells(html, "data-team", "深圳专班") == {"red": "0", "yellow": "1"}
    assert listed(client, html, "data-team", "上海专班", "red") == reds
    assert listed(client, html, "data-team", "上海专班", "yellow") == {yellow}
    assert listed(client, html, "data-team", "深圳专班", "yellow") == {shenzhen_yellow}


def test_the_city_sees_each_districts_counts_and_a_district_sees_none(client, login, home_district, make_district,
                                                                      make_team, make_user, late):
    other = make_district(name="茅箭区", code="MJ")
    ours, theirs = make_team(), make_team(district_id=other.id)
    late(-60, team=ours)
    late(-45, team=theirs)
    theirs_red = late(-40, team=theirs).code
    late(3, team=theirs)
    login(make_user(Role.CITY, username="city"))
    html = client.get(f"/rankings/districts?year={TODAY.year}").get_data(as_text=True)
    assert cells(html, "data-district", home_district.name) == {"red": "1", "yellow": "0"}
    assert cells(html, "data-district", "茅箭区") == {"red": "2", "yellow": "1"}
    assert theirs_red in listed(client, html, "data-district", "茅箭区", "red")
    assert len(listed(client, html, "data-district", "茅箭区", "red")) == 2
    client.post("/logout")
    login(make_user(Role.LEADER))  # the ranking is published to districts; their red projects are not
    html = client.get(f"/rankings/districts?year={TODAY.year}").get_data(as_text=True)
    assert 'data-district="茅箭区"' in html and "colour-cell" not in html
