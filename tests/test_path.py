"""The path after signing and its 红黄绿: the rule at each boundary, the list filter, the page, settings, the wall."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from crm.access import tenancy
from crm.domain.periods import today
from crm.extensions import db
from crm.models import (
    ColourRule,
    IssueStatus,
    PathNode,
    PathStep,
    Project,
    ProjectIssue,
    ProjectNode,
    ProjectStatus,
    Role,
)
from crm.path import services
from crm.path.page import path_panel
from crm.reports.colours import Colour, colour_counts, colours_of, of_colour

TODAY = today()
SIGNED = TODAY - timedelta(days=500)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def colour(project: Project) -> Colour:
    db.session.expire_all()
    return colours_of([project.id], TODAY)[project.id]


@pytest.fixture
def signed(make_project):
    """A project signed 500 days ago, with whatever node the test gives it."""
    def make(node: str | None = None, planned: date | None = None, actual: date | None = None, **fields):
        project = make_project(**({"signed_on": SIGNED} | fields))
        if node is not None:
            db.session.add(ProjectNode(project_id=project.id, node=PathNode(node), planned_on=planned,
                                       actual_on=actual))
            db.session.commit()
        return project
    return make


# Default thresholds: N = 15 days ahead, M = 30 days late, K = 30 days for an open issue.
@pytest.mark.parametrize(("planned", "expected"), [
    (days(16), Colour.GREEN),  # N + 1 days ahead: on time
    (days(15), Colour.YELLOW),  # N days ahead
    (days(0), Colour.YELLOW),  # due today
    (days(-30), Colour.YELLOW),  # M days late
    (days(-31), Colour.RED),  # M + 1 days late
])
def test_a_node_is_coloured_by_its_planned_date(signed, planned, expected):
    assert colour(signed("land", planned)) is expected


def test_a_node_reached_is_green_however_late(signed):
    assert colour(signed("land", days(-200), actual=days(-100))) is Colour.GREEN


def test_start_production_and_capacity_are_read_from_the_project_itself(signed):
    project = signed(planned_start_on=days(-31))
    assert colour(project) is Colour.RED
    project.started_on, project.status = days(-1), ProjectStatus.STARTED
    db.session.commit()
    assert colour(project) is Colour.GREEN


@pytest.mark.parametrize(("raised", "status", "expected"), [
    (days(-30), IssueStatus.ASSIGNED, Colour.GREEN),  # K days old: not yet
    (days(-31), IssueStatus.ASSIGNED, Colour.RED),  # K + 1 days old
    (days(-31), IssueStatus.HANDLING, Colour.RED),  # 办理中 is still open
    (days(-90), IssueStatus.CLOSED, Colour.GREEN),  # 销号
])
def test_an_open_issue_older_than_k_days_turns_the_project_red(signed, raised, status, expected):
    project = signed()
    db.session.add(ProjectIssue(project_id=project.id, raised_on=raised, description="用地指标", status=status,
                                resolved_on=days(-1) if status is IssueStatus.CLOSED else None))
    db.session.commit()
    assert colour(project) is expected


def test_the_districts_own_thresholds_and_switched_off_nodes(signed, home_district):
    project = signed("land", days(-11))
    assert colour(project) is Colour.YELLOW
    db.session.add(ColourRule(district_id=home_district.id, soon_days=5, late_days=10, issue_days=3))
    db.session.commit()
    assert colour(project) is Colour.RED  # 11 days late > M = 10
    db.session.add(PathStep(district_id=home_district.id, node=PathNode.LAND, enabled=False, position=3))
    db.session.commit()
    assert colour(project) is Colour.GREEN  # 供地 is off in this district


def test_another_districts_thresholds_do_not_apply(signed, make_district):
    other = make_district()
    db.session.add(ColourRule(district_id=other.id, soon_days=0, late_days=0, issue_days=0))
    db.session.commit()
    assert colour(signed("land", days(-20))) is Colour.YELLOW


def test_the_worst_node_gives_the_colour_and_the_reason(signed):
    project = signed("registered", days(10), planned_start_on=days(-45))
    panel = path_panel(project, TODAY)
    assert panel.colour is Colour.RED
    assert panel.reason == f"开工逾期45天（计划{days(-45).isoformat()}）"
    shown = {row.node: row.colour for row in panel.nodes}
    assert shown[PathNode.REGISTERED] is Colour.YELLOW and shown[PathNode.STARTED] is Colour.RED


def test_voided_and_terminated_projects_have_no_colour(signed):
    voided = signed("land", days(-100), voided=True, void_reason="录入错误")
    ended = signed("land", days(-100), status=ProjectStatus.TERMINATED, terminated_on=days(-1),
                   termination_reason="投资方撤资")
    assert colours_of([voided.id, ended.id], TODAY) == {}
    assert path_panel(ended, TODAY).colour is None


def test_the_list_filter_holds_what_the_rule_counts(client, login, signed, make_user):
    made = [signed("land", days(n)) for n in (-100, -40, -5, 3, 60, 200)] + [signed()]
    login(make_user(Role.ADMIN))
    counts = colour_counts(TODAY)
    assert counts == {Colour.RED: 2, Colour.YELLOW: 2, Colour.GREEN: 3}
    for shade in Colour:
        page = client.get(f"/projects/?colour={shade.value}").get_data(as_text=True)
        codes = set(re.findall(r'<tr data-code="([^"]+)"', page))
        expected = set(db.session.scalars(select(Project.code).where(of_colour(shade, TODAY))))
        assert len(codes) == counts[shade] and codes == expected
        assert len(expected & {p.code for p in made}) == counts[shade]


def test_the_dashboard_counts_link_to_the_filtered_list(client, login, signed, make_user):
    signed("land", days(-100))
    signed("land", days(5))
    login(make_user(Role.ADMIN))
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'data-colour="red" data-count="1" href="/projects/\?colour=red"', page)
    assert re.search(r'data-colour="yellow" data-count="1"', page)


def test_the_page_shows_the_path_and_the_flagships_days(client, login, make_project, make_user):
    signed_on = date(2026, 2, 10)
    project = make_project(signed_on=signed_on, started_on=signed_on + timedelta(days=26),
                           production_on=signed_on + timedelta(days=180), status=ProjectStatus.PRODUCING)
    login(make_user(Role.ADMIN))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    for node, day in (("started", 26), ("producing", 180)):
        row = re.search(rf'data-node="{node}".*?</tr>', page, re.S).group(0)
        assert f"<td>{day}</td>" in row
    assert 'class="path-reason"' in page


def test_the_team_sets_a_node_and_fills_the_defaults(client, login, signed, make_user):
    project = signed()
    login(make_user(Role.MEMBER, team=project.team))
    response = client.post(f"/path/projects/{project.id}/nodes", data={
        "node": "land", "planned_on": days(-40).isoformat(), "responsible_unit": "自然资源局"})
    assert response.status_code == 302
    row = db.session.scalar(select(ProjectNode).where(ProjectNode.project_id == project.id))
    assert (row.node, row.planned_on, row.responsible_unit) == (PathNode.LAND, days(-40), "自然资源局")
    assert colour(project) is Colour.RED
    assert client.post(f"/path/projects/{project.id}/fill").status_code == 302
    db.session.expire_all()
    assert project.planned_start_on == SIGNED + timedelta(days=services.DEFAULT_OFFSETS[PathNode.STARTED])
    assert row.planned_on == days(-40)  # a date already planned is kept


def test_the_actual_start_is_not_recorded_twice(client, login, signed, make_user):
    project = signed()
    login(make_user(Role.MEMBER, team=project.team))
    response = client.post(f"/path/projects/{project.id}/nodes", data={"node": "started",
                                                                      "actual_on": days(-3).isoformat()})
    assert response.status_code == 422
    assert "项目进展" in response.get_data(as_text=True)
    db.session.expire_all()
    assert project.started_on is None
    assert db.session.scalar(select(ProjectNode)) is None


def test_the_admin_sets_the_districts_path_and_thresholds(client, login, make_user, home_district):
    login(make_user(Role.ADMIN))
    form = {"soon_days": "7", "late_days": "14", "issue_days": "21"}
    for index, node in enumerate(PathNode):
        form |= {f"{node.value}_position": str(10 - index), f"{node.value}_offset": str(index * 30)}
        if node is not PathNode.ABOVE_SCALE:
            form[f"{node.value}_on"] = "y"
    assert client.post("/path/settings", data=form).status_code == 302
    rule = db.session.scalar(select(ColourRule))
    assert (rule.district_id, rule.soon_days, rule.late_days, rule.issue_days) == (home_district.id, 7, 14, 21)
    steps = services.district_steps(home_district.id)
    assert steps[0].node is PathNode.ABOVE_SCALE and not steps[0].enabled
    assert client.post("/path/settings", data=form | {"late_days": "-1"}).status_code == 422


def test_another_districts_nodes_and_colours_are_never_read(signed, make_district, make_team):
    other = make_district()
    theirs = signed("land", days(-100), team=make_team(district_id=other.id))
    ours = signed("land", days(-100))
    with tenancy.within(ours.team.district_id, "a district's request"):
        assert db.session.scalars(select(ProjectNode.project_id)).all() == [ours.id]
        assert colours_of([theirs.id, ours.id], TODAY) == {ours.id: Colour.RED}
        assert colour_counts(TODAY)[Colour.RED] == 1


def test_the_api_reads_a_projects_nodes_and_colour_within_the_wall(client, login, signed, make_user, make_district,
                                                                    make_team):
    ours = signed("land", days(-45), planned_start_on=days(100))
    theirs = signed("land", days(-45), team=make_team(district_id=make_district().id))
    login(make_user(Role.MEMBER))
    answer = client.get(f"/api/v1/projects/{ours.id}/colour").json
    assert answer["colour"] == "red" and answer["reason"] == f"供地逾期45天（计划{days(-45).isoformat()}）"
    nodes = {node["node"]: node for node in client.get(f"/api/v1/projects/{ours.id}/nodes").json["nodes"]}
    assert nodes["land"]["colour"] == "red" and nodes["started"]["planned_on"] == days(100).isoformat()
    assert client.get(f"/api/v1/projects/{theirs.id}/nodes").status_code == 404
    assert client.get(f"/api/v1/projects/{theirs.id}/colour").status_code == 404


def test_the_demo_district_shows_red_yellow_and_its_flagships_pace(demo_output):
    from crm.models import District
    from crm.reports.rules import counted

    district = db.session.scalar(select(District.id).where(District.name == "张湾区"))
    tenancy.declare(district, "as the district's users read")
    counts = colour_counts(TODAY, counted())
    assert counts[Colour.RED] >= 3 and counts[Colour.YELLOW] >= 3 and counts[Colour.GREEN] >= 10, counts
    assert db.session.scalar(select(func.count()).select_from(ProjectNode).where(
        ProjectNode.actual_on > TODAY)) == 0
    flagship = db.session.scalar(select(Project).where(Project.name.like("%动力电池生产基地%")))
    reached = {row.node: row.days_from_signing for row in path_panel(flagship, TODAY).nodes}
    assert reached[PathNode.STARTED] == (26 if flagship.started_on else None)
    assert reached[PathNode.PRODUCING] == (180 if flagship.production_on else None)


def test_a_service_item_hangs_off_a_node(client, login, signed, make_user):
    from crm.models import ServiceItem

    project = signed()
    login(make_user(Role.ADMIN))
    response = client.post(f"/projects/{project.id}/service-items", data={"name": "用地预审", "node": "land"})
    assert response.status_code == 302
    assert db.session.scalar(select(ServiceItem.node)) == "land"
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert '<span class="svc-node" data-node="land">供地</span>' in page
    refused = client.post(f"/projects/{project.id}/service-items", data={"name": "环评", "node": "moon"})
    assert refused.status_code == 422


def test_the_project_ranking_filters_by_colour(client, login, signed, make_user):
    red = signed("land", days(-100), total_investment_yuan=300_000_000, signed_on=date(TODAY.year, 1, 2))
    signed("land", days(5), total_investment_yuan=200_000_000, signed_on=date(TODAY.year, 1, 3))
    signed(total_investment_yuan=50_000_000, signed_on=date(TODAY.year, 1, 4))  # under 1亿: never ranked
    login(make_user(Role.LEADER))
    page = client.get(f"/rankings/projects?year={TODAY.year}&colour=red").get_data(as_text=True)
    assert 'data-count="1"' in page and re.findall(r'<tr data-code="([^"]+)"', page) == [red.code]
    everyone = client.get(f"/rankings/projects?year={TODAY.year}").get_data(as_text=True)
    assert 'data-count="2"' in everyone
