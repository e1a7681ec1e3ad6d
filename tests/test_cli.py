"""The command line: users, the summary and brief, and the rankings."""

import json

from sqlalchemy import select

from crm.extensions import db
from crm.models import Role, User


def test_users_create_with_team(runner, make_team):
    make_team(name="武汉专班")
    result = runner.invoke(args=["users", "create", "chen", "--role", "member", "--team", "武汉专班",
                                 "--password", "Long-Enough-2026", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["username"] == "chen"
    user = db.session.scalar(select(User).where(User.username == "chen"))
    assert user.role is Role.MEMBER and user.team.name == "武汉专班"


def test_users_create_generates_a_password_when_none_given(app, runner):
    result = runner.invoke(args=["users", "create", "root", "--role", "admin", "--json"])
    assert result.exit_code == 0, result.output
    password = json.loads(result.output)["password"]
    assert len(password) >= 12
    assert app.test_client().post("/login", data={"username": "root", "password": password}).status_code == 302


def test_users_create_refuses_bad_input(runner, make_user):
    make_user(Role.ADMIN, username="taken")
    assert runner.invoke(args=["users", "create", "taken", "--role", "admin"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "m", "--role", "member"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "t", "--role", "lead", "--team", "无此专班"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "s", "--role", "admin", "--password", "short"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "r", "--role", "king"]).exit_code != 0


def test_summary_counts_verified_projects_in_the_period(runner, make_project, make_trip, make_visit, make_enterprise):
    from datetime import date
    make_project(signed_on=date(2025, 5, 1), total_investment_yuan=300_000_000)
    make_project(signed_on=date(2025, 6, 1), total_investment_yuan=50_000_000)
    make_project(signed_on=date(2025, 6, 2), total_investment_yuan=900_000_000, verified=False)
    make_project(signed_on=date(2024, 6, 2), total_investment_yuan=900_000_000)
    make_trip(start_on=date(2025, 2, 1), end_on=date(2025, 2, 3))
    company = make_enterprise()
    make_visit(visited_on=date(2025, 2, 2), enterprise=company)
    make_visit(visited_on=date(2025, 2, 3), enterprise=company)
    result = runner.invoke(args=["summary", "--year", "2025", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["signed_projects"] == 2 and figures["yi_projects"] == 1
    assert figures["signed_investment_yuan"] == 350_000_000 and figures["signed_investment_yi"] == "3.50"
    assert figures["pending_verification"] == 1
    assert figures["trips"] == 1 and figures["visits"] == 2 and figures["enterprises_visited"] == 1
    quarter = json.loads(runner.invoke(args=["summary", "--year", "2025", "--quarter", "2", "--json"]).output)
    assert quarter["signed_projects"] == 2 and quarter["trips"] == 0
    brief = runner.invoke(args=["summary", "--year", "2025", "--brief"]).output
    assert "签约项目2个" in brief and "亿元以上项目1个" in brief and "总投资3.50亿元" in brief


def test_summary_refuses_half_a_range(runner):
    result = runner.invoke(args=["summary", "--start", "2025-01-01"])
    assert result.exit_code != 0


def test_summary_year_to_date_and_the_brief_date(runner, make_project):
    from datetime import date
    make_project(signed_on=date(2025, 5, 31), total_investment_yuan=200_000_000)
    make_project(signed_on=date(2025, 6, 1), total_investment_yuan=300_000_000)
    ytd = json.loads(runner.invoke(args=["summary", "--year", "2025", "--month", "5", "--ytd", "--json"]).output)
    assert (ytd["period_start"], ytd["period_end"], ytd["signed_projects"]) == ("2025-01-01", "2025-05-31", 1)
    brief = runner.invoke(args=["summary", "--year", "2025", "--month", "5", "--ytd", "--brief"]).output
    assert brief.startswith("截至2025年5月31日，全区招商引资签约项目1个，其中亿元以上项目1个，总投资2亿元；")


def test_rankings_commands(runner, make_project, make_team):
    from datetime import date
    north, south = make_team(name="北京专班"), make_team(name="深圳专班")
    make_project(code="A-1", team=north, signed_on=date(2025, 3, 2), total_investment_yuan=500_000_000)
    make_project(code="A-2", team=south, signed_on=date(2025, 3, 1), total_investment_yuan=500_000_000)
    make_project(code="A-3", team=south, signed_on=date(2025, 4, 1), total_investment_yuan=99_999_999)
    result = runner.invoke(args=["rankings", "projects", "--year", "2025", "--json"])
    assert result.exit_code == 0, result.output
    projects = json.loads(result.output)
    assert [p["code"] for p in projects["projects"]] == ["A-2", "A-1"]  # equal amounts: earlier signing first
    assert (projects["count"], projects["total_investment_yuan"]) == (2, 1_000_000_000)
    teams = json.loads(runner.invoke(args=["rankings", "teams", "--year", "2025", "--json"]).output)
    by_name = {row["team_name"]: row for row in teams["teams"]}
    assert by_name["深圳专班"]["figures"]["signed_projects"] == 2 and by_name["北京专班"]["rank"] == 2
    assert runner.invoke(args=["rankings", "teams", "--quarter", "5"]).exit_code != 0
