"""The 亿元以上 ranking's filter lists, kept between requests: never another district's, and never refusing a team
or industry the database holds."""

import re

from sqlalchemy import text

from crm.extensions import db
from crm.models import Role


def offered(html: str, name: str) -> list[str]:
    """The labels of a filter select's options."""
    select = re.search(rf'<select id="{name}" name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, html
    return re.findall(r"<option[^>]*>([^<]*)</option>", select[1])


def test_a_team_or_industry_added_later_is_offered_at_once(client, login, make_user, make_team, make_project):
    login(make_user(Role.LEADER))
    html = client.get("/rankings/projects").text
    assert "新专班" not in offered(html, "team") and "低空经济" not in offered(html, "industry")
    make_team(name="新专班")
    make_project(industry="低空经济")
    db.session.commit()
    html = client.get("/rankings/projects").text
    assert "新专班" in offered(html, "team") and "低空经济" in offered(html, "industry")


def test_an_industry_another_process_wrote_is_accepted_before_the_list_expires(client, login, make_user,
                                                                               make_project):
    project = make_project(industry="新能源")
    db.session.commit()
    login(make_user(Role.LEADER))
    assert offered(client.get("/rankings/projects").text, "industry")[1:] == ["新能源"]
    # Written past the ORM, as another gunicorn process's write looks to this one: no event drops the kept list.
    db.session.execute(text("UPDATE project SET industry = '氢能' WHERE id = :id"), {"id": project.id})
    db.session.commit()
    response = client.get("/rankings/projects?industry=氢能")
    assert response.status_code == 200
    assert "氢能" in offered(response.text, "industry")


def test_each_district_is_offered_its_own_teams(client, login, make_district, make_team, make_user):
    other = make_district(name="茅箭区", code="MJ")
    make_team(name="张湾专班")
    make_team(name="茅箭专班", district_id=other.id)
    here, there = make_user(Role.LEADER), make_user(Role.LEADER, district_id=other.id)
    db.session.commit()
    turns = ((here, "张湾专班", "茅箭专班"), (there, "茅箭专班", "张湾专班"), (here, "张湾专班", "茅箭专班"))
    for user, own, foreign in turns:  # back to the first: what the second district read is not what it is offered
        login(user)
        teams = offered(client.get("/rankings/projects").text, "team")
        assert own in teams and foreign not in teams
        client.post("/logout")
