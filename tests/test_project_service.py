"""The service after signing: who serves, 代办事项, 问题诉求, who may serve, 我包联的项目 and the district's issues."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import crm.projects.aftercare.views  # noqa: F401  (the routes, should views.py not have loaded them yet)
from crm.domain.periods import today
from crm.extensions import db
from crm.models import AuditEvent, IssueStatus, Project, ProjectIssue, Role, ServiceItem, ServiceItemStatus
from crm.projects.aftercare import services as service

TODAY = today()
SIGNED = TODAY - timedelta(days=200)


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


@pytest.fixture
def project(make_project):
    return make_project(signed_on=SIGNED)


@pytest.fixture
def member(make_user, project):
    return make_user(Role.MEMBER, team=project.team)


def items(project: Project) -> dict[str, tuple]:
    db.session.expire_all()
    return {i.name: (i.status, i.owner_id, i.due_on, i.done_on) for i in db.session.scalars(
        select(ServiceItem).where(ServiceItem.project_id == project.id))}


def issues(project: Project) -> list[tuple]:
    db.session.expire_all()
    return [(i.status, i.raised_on, i.handling_on, i.resolved_on) for i in db.session.scalars(
        select(ProjectIssue).where(ProjectIssue.project_id == project.id).order_by(ProjectIssue.id))]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEAD, Role.LEADER])
def test_only_admins_assign_the_service(client, login, make_user, project, role):
    leader = make_user(Role.LEADER)
    login(make_user(role, team=project.team) if role is not Role.LEADER else leader)
    response = client.post(f"/projects/{project.id}/service-officer", data={"chief_officer_id": leader.id})
    assert response.status_code == 403
    db.session.expire_all()
    assert project.chief_officer_id is None


def test_admin_sets_a_leader_and_a_team_audited(client, login, admin, make_user, project, member):
    leader, outsider = make_user(Role.LEADER, display_name="王区长"), make_user(Role.MEMBER)
    login(admin)
    response = client.post(f"/projects/{project.id}/service-officer",
                           data={"chief_officer_id": leader.id, "member_ids": [member.id, outsider.id]})
    assert response.status_code == 302 and response.location.endswith(f"/projects/{project.id}#service")
    db.session.expire_all()
    assert project.chief_officer_id == leader.id
    assert {u.id for u in project.service_team} == {member.id, outsider.id}
    client.post(f"/projects/{project.id}/service-officer", data={"chief_officer_id": "0", "member_ids": [member.id]})
    db.session.expire_all()
    assert project.chief_officer_id is None and [u.id for u in project.service_team] == [member.id]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "Project",
                                                         AuditEvent.entity_id == project.id)
                                .order_by(AuditEvent.id)).all()
    assert [e.changes["chief_officer_id"] for e in events if e.action == "update"] == [[None, leader.id],
                                                                                       [leader.id, None]]
    team_events = [e.detail for e in events if e.action == "service_team"]
    assert team_events[0].startswith("added: ") and outsider.username in team_events[0]
    assert team_events[1] == f"added: -; removed: {outsider.display_name} ({outsider.username})"


@pytest.mark.parametrize("who", ["member", "inactive_leader", "nobody"])
def test_only_an_active_leader_may_be_chief_officer(client, login, admin, make_user, project, member, who):
    chosen = {"member": member.id, "inactive_leader": make_user(Role.LEADER, active=False).id, "nobody": 999_999}[who]
    login(admin)
    response = client.post(f"/projects/{project.id}/service-officer",
                           data={"chief_officer_id": chosen, "member_ids": [member.id]})
    assert response.status_code == 422
    assert "首席服务官" in response.text
    db.session.expire_all()
    assert project.chief_officer_id is None and project.service_team == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "service_team")) == 0


def test_template_adds_the_standard_items_once(client, login, member, project):
    login(member)
    client.post(f"/projects/{project.id}/service-items", data={"name": "环评", "due_on": ago(-30)})
    for _ in range(2):
        assert client.post(f"/projects/{project.id}/service-items/template").status_code == 302
    assert len(service.STANDARD_ITEMS) == 7
    assert sorted(items(project)) == sorted(service.STANDARD_ITEMS)
    assert "常规代办事项均已在列表中" in client.get(f"/projects/{project.id}").text


def test_items_are_done_reopened_and_overdue(client, login, member, project):
    login(member)
    client.post(f"/projects/{project.id}/service-items", data={"name": "供电接入", "owner_id": member.id,
                                                              "due_on": ago(3)})
    item = db.session.scalar(select(ServiceItem))
    assert service.is_overdue(item, TODAY)
    page = client.get(f"/projects/{project.id}").text
    assert "is-overdue" in page and "已办结 0 / 1" in page
    url = f"/projects/{project.id}/service-items/{item.id}"
    for bad in ({"done_on": ago(-1)}, {"done_on": (SIGNED - timedelta(days=1)).isoformat()}):
        response = client.post(url, data={"status": "done", "owner_id": member.id, "due_on": ago(3), "version": "1"}
                               | bad)
        assert response.status_code == 422 and "页面已过期" not in response.text
        assert items(project)["供电接入"] == (ServiceItemStatus.TODO, member.id, TODAY - timedelta(days=3), None)
    assert client.post(url, data={"status": "done", "owner_id": member.id, "due_on": ago(3),
                                  "version": "1"}).status_code == 302
    assert items(project)["供电接入"][::3] == (ServiceItemStatus.DONE, TODAY)
    assert not service.is_overdue(db.session.get(ServiceItem, item.id), TODAY)
    page = client.get(f"/projects/{project.id}").text
    assert "is-overdue" not in page and "已办结 1 / 1" in page
    assert client.post(url, data={"status": "doing", "owner_id": "0", "due_on": "", "version": "2"}).status_code == 302
    assert items(project)["供电接入"] == (ServiceItemStatus.DOING, None, None, None)
    assert client.post(f"/projects/{project.id}/service-items", data={"name": " "}).status_code == 422
    for bad in ({"name": "x" * 101}, {"name": "x", "owner_id": "9" * 20}, {"name": "x", "due_on": "2026-13-45"}):
        assert client.post(f"/projects/{project.id}/service-items", data=bad).status_code == 422
    assert client.post(f"/projects/{project.id}/service-items/{'9' * 20}", data={"status": "done"}).status_code == 404
    assert len(items(project)) == 1


def test_issue_flow_with_dates_and_refusals(client, sign_in_as, member, admin, project):
    sign_in_as(member)
    base = f"/projects/{project.id}/issues"
    for bad in ({"raised_on": ago(-1), "description": "用电指标"}, {"raised_on": ago(5), "description": ""},
                {"raised_on": ago(5), "description": "长" * 2001}):
        assert client.post(base, data=bad).status_code == 422
    assert issues(project) == []
    client.post(base, data={"raised_on": ago(10), "description": "用电指标不足", "responsible_unit": "区供电公司"})
    issue_id = db.session.scalar(select(ProjectIssue.id))
    advance = f"{base}/{issue_id}/advance"
    for bad in ({"to": "closed", "on": ago(2)}, {"to": "handling", "on": ago(11)}, {"to": "handling", "on": ago(-1)},
                {"to": "assigned", "on": ago(2)}):
        response = client.post(advance, data=bad)
        assert response.status_code == 422, bad
        assert issues(project) == [(IssueStatus.ASSIGNED, TODAY - timedelta(days=10), None, None)]
    assert client.post(advance, data={"to": "handling", "on": ago(8)}).status_code == 302
    assert client.post(advance, data={"to": "closed", "on": ago(9)}).status_code == 422  # before handling began
    assert client.post(advance, data={"to": "closed", "on": ago(4)}).status_code == 302
    assert issues(project) == [(IssueStatus.CLOSED, *(TODAY - timedelta(days=d) for d in (10, 8, 4)))]
    assert client.post(advance, data={"to": "handling"}).status_code == 422  # only an admin reopens
    sign_in_as(admin)
    response = client.post(advance, data={"to": "handling"})
    assert response.status_code == 302, re.findall(r"flash-error[^>]*>([^<]*)", response.text)
    assert issues(project) == [(IssueStatus.HANDLING, TODAY - timedelta(days=10), TODAY - timedelta(days=8), None)]


def make_issues(project, spans):
    """Issues raised `raised` days ago, closed `open_for` days later (None: still open)."""
    for raised, open_for in spans:
        closed = open_for is not None
        db.session.add(ProjectIssue(
            project=project, raised_on=TODAY - timedelta(days=raised), description="诉求",
            status=IssueStatus.CLOSED if closed else IssueStatus.ASSIGNED,
            resolved_on=TODAY - timedelta(days=raised - open_for) if closed else None))
    db.session.commit()


def test_average_days_to_resolve_matches_a_plain_computation(client, login, member, project, make_project):
    other = make_project(signed_on=SIGNED)
    mine, theirs = [(30, 3), (20, 10), (15, None), (9, 4)], [(50, 7), (40, None), (12, 0)]
    make_issues(project, mine)
    make_issues(other, theirs)
    figures = service.issue_figures(Project.id == project.id, on=TODAY)
    assert (figures.open, figures.resolved) == (1, 3)
    assert figures.average_days == pytest.approx(round((3 + 10 + 4) / 3, 1))
    login(member)
    page = client.get("/projects/issues")
    assert page.status_code == 200
    shown = dict(re.findall(r'data-figure="(\w+)">([\d.—]+)<', page.text))
    everything = [d for _, d in mine + theirs if d is not None]
    assert shown == {"open": "2", "resolved": "5", "average": str(round(sum(everything) / len(everything), 1))}
    order = [int(i) for i in re.findall(r'data-issue-id="(\d+)"', page.text)]
    first_open = db.session.scalars(select(ProjectIssue.id).order_by(ProjectIssue.raised_on)
                                    .where(ProjectIssue.status != IssueStatus.CLOSED)).all()
    assert order[:2] == first_open  # open first, oldest first
    by_team = client.get(f"/projects/issues?team={other.team_id}&status=open").text
    assert re.findall(r'data-figure="open">(\d+)<', by_team) == ["1"] and by_team.count("data-issue-id") == 1
    assert client.get("/projects/issues?team=x&status=nonsense&page=99999999999").status_code == 200


def test_who_may_serve(client, sign_in_as, make_user, admin, project, member):
    leader, helper, stranger = make_user(Role.LEADER), make_user(Role.MEMBER), make_user(Role.MEMBER)
    sign_in_as(admin)
    client.post(f"/projects/{project.id}/service-officer", data={"chief_officer_id": leader.id,
                                                                "member_ids": [helper.id]})
    for user, name in ((leader, "立项备案"), (helper, "能评"), (member, "环评")):
        sign_in_as(user)
        assert client.post(f"/projects/{project.id}/service-items", data={"name": name}).status_code == 302
        assert "添加常规代办事项" in client.get(f"/projects/{project.id}").text
    sign_in_as(stranger)
    assert client.post(f"/projects/{project.id}/service-items", data={"name": "用地预审"}).status_code == 403
    assert client.post(f"/projects/{project.id}/service-items/template").status_code == 403
    assert client.post(f"/projects/{project.id}/issues", data={"raised_on": ago(1),
                                                               "description": "x"}).status_code == 403
    assert sorted(items(project)) == ["环评", "立项备案", "能评"] and issues(project) == []
    page = client.get(f"/projects/{project.id}").text
    assert "添加常规代办事项" not in page and "登记问题诉求" not in page


def test_my_projects_put_overdue_work_and_open_issues_first(client, login, make_user, make_project):
    leader, other_leader = make_user(Role.LEADER), make_user(Role.LEADER)
    calm = make_project(signed_on=TODAY - timedelta(days=5), chief_officer=leader, name="平稳项目")
    late_item = make_project(signed_on=TODAY - timedelta(days=90), chief_officer=leader, name="事项逾期项目")
    late_start = make_project(signed_on=TODAY - timedelta(days=60), planned_start_on=TODAY - timedelta(days=1),
                              chief_officer=leader, name="逾期开工项目")
    with_issue = make_project(signed_on=TODAY - timedelta(days=80), name="有诉求项目")
    with_issue.service_team.append(leader)
    make_project(chief_officer=other_leader, name="别人的项目")
    db.session.add(ServiceItem(project=late_item, name="环评", due_on=TODAY - timedelta(days=1)))
    db.session.add(ServiceItem(project=late_item, name="能评", status=ServiceItemStatus.DONE, done_on=TODAY))
    make_issues(with_issue, [(3, None)])
    login(leader)
    page = client.get("/projects/mine")
    assert page.status_code == 200
    order = [int(i) for i in re.findall(r'data-project-id="(\d+)"', page.text)]
    assert order == [late_start.id, late_item.id, with_issue.id, calm.id]  # then newest signing first
    assert "别人的项目" not in page.text and "1 / 2" in page.text and "逾期未开工" in page.text
    assert [row.open_issues for row in service.my_projects(leader, TODAY)] == [0, 0, 1, 0]


def test_the_chief_officer_ticks_an_item_done_in_one_post_and_logs_an_issue(client, login, make_user, project,
                                                                           member):
    """完成: one POST marks an open item done today, keeping its owner and due date; a stale tap changes nothing."""
    chief = make_user(Role.LEADER)
    project.chief_officer = chief
    item = ServiceItem(project=project, name="规划许可", owner=member, due_on=TODAY + timedelta(days=9))
    db.session.add(item)
    db.session.commit()
    login(chief)
    page = client.get(f"/projects/{project.id}").text
    done_url = f"/projects/{project.id}/service-items/{item.id}/done"
    assert f'action="{done_url}"' in page
    stale = client.post(done_url, data={"version": str(item.version + 1)})
    assert stale.status_code == 409 and "已被他人修改" in stale.text
    assert items(project)["规划许可"][0] is ServiceItemStatus.TODO
    assert client.post(done_url, data={"version": "1"}).status_code == 302
    assert items(project)["规划许可"] == (ServiceItemStatus.DONE, member.id, TODAY + timedelta(days=9), TODAY)
    assert f'action="{done_url}"' not in client.get(f"/projects/{project.id}").text  # done: no 完成 button
    assert client.post(f"/projects/{project.id}/issues", data={"raised_on": ago(0), "description": "用电增容"}
                       ).status_code == 302
    assert issues(project) == [(IssueStatus.ASSIGNED, TODAY, None, None)]


def test_a_leader_not_serving_the_project_may_not_tick_items_or_log_issues(client, login, make_user, project):
    chief, other = make_user(Role.LEADER), make_user(Role.LEADER)
    project.chief_officer = chief
    item = ServiceItem(project=project, name="施工许可")
    db.session.add(item)
    db.session.commit()
    login(other)
    assert client.post(f"/projects/{project.id}/service-items/{item.id}/done", data={"version": "1"}
                       ).status_code == 403
    assert client.post(f"/projects/{project.id}/issues", data={"raised_on": ago(0), "description": "x"}
                       ).status_code == 403
    assert items(project)["施工许可"][0] is ServiceItemStatus.TODO and issues(project) == []
    page = client.get(f"/projects/{project.id}").text
    assert "/done" not in page and "登记问题诉求" not in page
