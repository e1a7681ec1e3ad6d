"""督办: an order issued on a project or one of its issues, answered, sent back, answered again and closed (销号);
who may take each step (every role, both districts); the overdue rule's boundary; the 台账 page and its export read
back; the wall."""

import csv
import io
import json
from datetime import timedelta

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from crm.access.tenancy import within
from crm.domain.periods import today
from crm.extensions import db
from crm.models import AuditEvent, ProjectIssue, Role, Supervision, SupervisionAnswer, SupervisionStatus
from crm.reports.supervision import order_counts, order_counts_by_district, order_counts_by_team

TODAY = today()


def later(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


@pytest.fixture
def people(make_user, make_team, make_project):
    """A project of team 甲 served by a leader; its team's lead and member, another team's member, a second leader,
    the office, the city."""
    team, other_team = make_team(name="甲专班"), make_team(name="乙专班")
    leader = make_user(Role.LEADER, display_name="王区长")
    project = make_project(team=team, name="新能源电池项目", signed_on=TODAY - timedelta(days=90),
                           chief_officer=leader)
    return {"project": project, "leader": leader, "other_leader": make_user(Role.LEADER, display_name="赵区长"),
            "admin": make_user(Role.ADMIN), "lead": make_user(Role.LEAD, team=team),
            "member": make_user(Role.MEMBER, team=team, display_name="李专员"),
            "outsider": make_user(Role.MEMBER, team=other_team), "city": make_user(Role.CITY)}


def issue(client, project, **fields):
    data = {"what": "协调解决施工用电", "receiver_unit": "区供电公司", "deadline": later(7)} | fields
    return client.post(f"/projects/{project.id}/supervision", data=data)


def the_order() -> Supervision:
    db.session.expire_all()
    return db.session.scalars(select(Supervision).order_by(Supervision.id.desc())).first()


def test_an_order_goes_issue_answer_send_back_answer_close(client, sign_in_as, people):
    project = people["project"]
    sign_in_as(people["leader"])
    response = issue(client, project)
    assert response.status_code == 302
    assert response.location.endswith(f"/projects/{project.id}#supervision")
    order = the_order()
    assert (order.status, order.receiver_unit, order.issuer_id, order.deadline) == (
        SupervisionStatus.OPEN, "区供电公司", people["leader"].id, TODAY + timedelta(days=7))

    sign_in_as(people["member"])
    assert client.post(f"/projects/supervision/{order.id}/answer", data={"text": "已对接供电公司"}).status_code == 302
    sign_in_as(people["leader"])
    assert client.post(f"/projects/supervision/{order.id}/return", data={"note": "请写明送电日期"}).status_code == 302
    order = the_order()
    assert (order.status, order.return_note) == (SupervisionStatus.RETURNED, "请写明送电日期")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "请写明送电日期" in page and "退回" in page

    sign_in_as(people["member"])
    closing = client.post(f"/projects/supervision/{order.id}/close")
    assert closing.status_code == 403  # the receiver does not close their own order
    assert client.post(f"/projects/supervision/{order.id}/answer",
                       data={"text": "定于下周三送电"}).status_code == 302
    assert the_order().status is SupervisionStatus.OPEN
    sign_in_as(people["leader"])
    response = client.post(f"/projects/supervision/{order.id}/close", follow_redirects=True)
    assert "督办已销号" in response.get_data(as_text=True)
    order = the_order()
    assert (order.status, order.closed_on) == (SupervisionStatus.CLOSED, TODAY)
    assert [a.text for a in order.answers] == ["已对接供电公司", "定于下周三送电"]
    # a closed order takes no more answers
    sign_in_as(people["member"])
    refused = client.post(f"/projects/supervision/{order.id}/answer", data={"text": "补充"})
    assert refused.status_code == 422 and "已办结" in refused.get_data(as_text=True)
    # the history is in the audit trail
    audited = db.session.scalars(select(AuditEvent.entity).where(AuditEvent.entity.in_(
        ["Supervision", "SupervisionAnswer"]))).all()
    assert audited.count("SupervisionAnswer") == 2 and audited.count("Supervision") >= 4


def test_an_order_on_an_issue_names_it(client, sign_in_as, people):
    project = people["project"]
    raised = ProjectIssue(project=project, raised_on=TODAY - timedelta(days=3), description="用地指标未落实")
    db.session.add(raised)
    db.session.commit()
    sign_in_as(people["admin"])
    # the issue's own 督办此问题 link opens the order form about it
    link = f"/projects/{project.id}?supervise={raised.id}#supervision"
    assert link in client.get(f"/projects/{project.id}").get_data(as_text=True).replace("&amp;", "&")
    form = client.get(f"/projects/{project.id}?supervise={raised.id}").get_data(as_text=True)
    assert f'<option value="{raised.id}" selected>' in form
    assert issue(client, project, issue_id=raised.id, receiver_unit="", receiver_id=people["member"].id
                 ).status_code == 302
    order = the_order()
    assert (order.issue_id, order.receiver_id, order.receiver_unit) == (raised.id, people["member"].id, None)
    assert "用地指标未落实" in client.get(f"/projects/{project.id}").get_data(as_text=True)


@pytest.mark.parametrize("who, status", [("admin", 302), ("leader", 302), ("other_leader", 302), ("lead", 403),
                                         ("member", 403), ("outsider", 403), ("city", 403)])
def test_who_may_issue(client, sign_in_as, people, who, status):
    sign_in_as(people[who])
    assert issue(client, people["project"]).status_code == status
    assert db.session.scalar(select(func.count()).select_from(Supervision)) == (1 if status == 302 else 0)


@pytest.mark.parametrize("to_person", [False, True])
@pytest.mark.parametrize("who", ["admin", "leader", "other_leader", "lead", "member", "outsider", "city"])
def test_who_may_answer(client, sign_in_as, people, who, to_person):
    """An order to a unit: the project's people (its chief officer, its team); to a person: that person. The office
    may answer for either."""
    sign_in_as(people["other_leader"])
    fields = {"receiver_unit": "", "receiver_id": people["member"].id} if to_person else {}
    assert issue(client, people["project"], **fields).status_code == 302
    order = the_order()
    sign_in_as(people[who])
    response = client.post(f"/projects/supervision/{order.id}/answer", data={"text": "已办理"})
    receivers = {"admin", "member"} if to_person else {"admin", "leader", "lead", "member"}
    assert response.status_code == (302 if who in receivers else 403)
    assert len(the_order().answers) == (1 if who in receivers else 0)


@pytest.mark.parametrize("who", ["admin", "leader", "other_leader", "lead", "member", "outsider", "city"])
@pytest.mark.parametrize("step", ["close", "return"])
def test_who_may_close_or_send_back(client, sign_in_as, people, who, step):
    """The leader who issued it, or the office; no other leader, no receiver."""
    sign_in_as(people["leader"])
    issue(client, people["project"])
    order = the_order()
    sign_in_as(people["member"])
    client.post(f"/projects/supervision/{order.id}/answer", data={"text": "已办理"})
    sign_in_as(people[who])
    response = client.post(f"/projects/supervision/{order.id}/{step}", data={"note": "不够具体"})
    allowed = who in ("admin", "leader")
    assert response.status_code == (302 if allowed else 403)
    expected = {"close": SupervisionStatus.CLOSED, "return": SupervisionStatus.RETURNED}[step]
    assert the_order().status is (expected if allowed else SupervisionStatus.OPEN)


@pytest.mark.parametrize("fields, message", [
    ({"deadline": (TODAY - timedelta(days=1)).isoformat()}, "办理时限不能早于今天"),
    ({"receiver_unit": "  "}, "请填写承办单位或选择承办人"),
    ({"what": ""}, "请填写督办事项"),
    ({"deadline": "2026-02-30"}, "办理时限"),
    ({"receiver_id": "999999"}, "所选用户不存在"),
])
def test_a_bad_order_is_refused_with_a_reason_and_nothing_written(client, sign_in_as, people, fields, message):
    sign_in_as(people["leader"])
    response = issue(client, people["project"], **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Supervision)) == 0


def test_an_order_about_another_projects_issue_is_refused(client, sign_in_as, people, make_project):
    elsewhere = make_project()
    raised = ProjectIssue(project=elsewhere, raised_on=TODAY, description="别的项目的问题")
    db.session.add(raised)
    db.session.commit()
    sign_in_as(people["leader"])
    response = issue(client, people["project"], issue_id=raised.id)
    assert response.status_code == 422 and "不属于该项目" in response.get_data(as_text=True)


def test_an_unanswered_order_cannot_be_closed_or_sent_back(client, sign_in_as, people):
    sign_in_as(people["leader"])
    issue(client, people["project"])
    order = the_order()
    for step in ("close", "return"):
        response = client.post(f"/projects/supervision/{order.id}/{step}", data={"note": "x"})
        assert response.status_code == 422
        assert "已填报办理情况" in response.get_data(as_text=True)
    assert the_order().status is SupervisionStatus.OPEN
    assert client.post(f"/projects/supervision/{order.id}/answer", data={"text": ""}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(SupervisionAnswer)) == 0


def place_order(project, issuer, *, deadline, status=SupervisionStatus.OPEN, unit="区发改局", answer=None):
    """An order stored as it stands (a deadline in the past cannot be typed: it is reached by waiting)."""
    order = Supervision(project=project, what=f"督办{unit}", receiver_unit=unit, deadline=deadline,
                        issuer_id=issuer.id, status=status, closed_on=TODAY if status is SupervisionStatus.CLOSED
                        else None)
    if answer:
        order.answers.append(SupervisionAnswer(text=answer, answered_by_id=issuer.id))
    db.session.add(order)
    db.session.commit()
    return order


def test_an_order_due_today_is_not_overdue_one_due_yesterday_is(client, login, people):
    project, leader = people["project"], people["leader"]
    due_today = place_order(project, leader, deadline=TODAY, unit="今天到期")
    due_yesterday = place_order(project, leader, deadline=TODAY - timedelta(days=1), unit="昨天到期")
    closed_late = place_order(project, leader, deadline=TODAY - timedelta(days=5), unit="逾期已办结",
                              status=SupervisionStatus.CLOSED, answer="已办")
    returned = place_order(project, leader, deadline=TODAY - timedelta(days=2), unit="退回未办",
                           status=SupervisionStatus.RETURNED, answer="未完成")
    with within(None, "test"):
        counts = order_counts(TODAY)
        assert (counts.open, counts.overdue, counts.returned, counts.closed) == (3, 2, 1, 1)
        assert order_counts(TODAY + timedelta(days=1)).overdue == 3  # tomorrow, today's deadline has passed
        assert order_counts_by_team(TODAY) == {project.team_id: counts}
        assert order_counts_by_district(TODAY) == {project.team.district_id: counts}
    login(leader)
    page = client.get("/projects/supervision").get_data(as_text=True)
    assert 'data-figure="overdue">2<' in page and 'data-figure="open">3<' in page
    overdue_rows = {order.id for order in (due_yesterday, returned)}
    for order in (due_today, due_yesterday, closed_late, returned):
        row = page.split(f'data-order-id="{order.id}"')[0].rsplit("<tr", 1)[1]
        assert ("is-overdue" in row) is (order.id in overdue_rows), order.receiver_unit
    overdue_only = client.get("/projects/supervision?status=overdue").get_data(as_text=True)
    assert "昨天到期" in overdue_only and "退回未办" in overdue_only
    assert "今天到期" not in overdue_only and "逾期已办结" not in overdue_only
    project_page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert project_page.count("sup-order status-open is-overdue") == 1
    assert project_page.count("sup-order status-returned is-overdue") == 1


def ledger_rows_shown(client, query: str = "") -> list[dict[str, str]]:
    """The 台账 page's rows: project, 督办事项 (as shown, short), receiver, deadline, status, overdue."""
    import re

    html = client.get(f"/projects/supervision{query}").get_data(as_text=True)
    rows = []
    for body in re.findall(r'<tr class="status-[^"]*" data-order-id="\d+">(.*?)</tr>', html, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
        rows.append({"project": cells[0], "receiver": cells[3], "deadline": cells[4], "status": cells[6],
                     "overdue": cells[7]})
    return rows


def file_rows(table: list[list]) -> list[dict[str, str]]:
    """An export's data rows (after its title and header, before its 合计), as the page shows them."""
    header = [str(cell) for cell in table[1]]
    data = [row for row in table[2:] if row and str(row[0]) not in ("合计", "")]
    at = {name: header.index(name) for name in ("项目", "责任单位/责任人", "办理时限", "状态", "是否逾期")}
    return [{"project": str(row[at["项目"]]), "receiver": str(row[at["责任单位/责任人"]]),
             "deadline": str(row[at["办理时限"]])[:10], "status": str(row[at["状态"]]),
             "overdue": str(row[at["是否逾期"]])} for row in data]


def test_the_export_holds_the_pages_rows_in_xlsx_and_csv(client, login, people, tmp_path, runner):
    project, leader = people["project"], people["leader"]
    place_order(project, leader, deadline=TODAY - timedelta(days=1), unit="区自然资源局", answer="正在办理")
    place_order(project, leader, deadline=TODAY + timedelta(days=3), unit="=HYPERLINK(1)")
    place_order(project, leader, deadline=TODAY - timedelta(days=9), unit="区住建局",
                status=SupervisionStatus.CLOSED, answer="已办结")
    login(people["admin"])
    for query in ("", "?status=overdue", "?receiver=住建"):
        shown = ledger_rows_shown(client, query)
        assert shown, query
        response = client.get(f"/exports/supervision.csv{query}")
        assert response.status_code == 200
        table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert table[1][:9] == ["序号", "项目", "专班", "督办事项", "责任单位/责任人", "办理时限", "办理情况", "状态",
                                "是否逾期"]
        as_csv = file_rows(table)
        for row in as_csv:
            row["receiver"] = row["receiver"].removeprefix("'")  # formula-safe: a leading apostrophe
        assert as_csv == shown, query
        footer = [row for row in table if row and row[0] == "合计"]
        assert footer and footer[0][1] == f"{len(shown)}件"
        xlsx = tmp_path / "supervision.xlsx"
        with client.get(f"/exports/supervision.xlsx{query}") as download:
            xlsx.write_bytes(download.data)
        sheet = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
        as_xlsx = file_rows(sheet)
        for row in as_xlsx:
            row["receiver"] = row["receiver"].removeprefix("'")
        assert as_xlsx == shown, query
    assert {row["overdue"] for row in ledger_rows_shown(client)} == {"是", "否"}
    assert "正在办理" in client.get("/exports/supervision.csv").get_data(as_text=True)
    # the command line writes the same ledger
    out = tmp_path / "cli.csv"
    result = runner.invoke(args=["export", "supervision", "--json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rows"] == 3
    assert "区自然资源局" in out.read_text(encoding="utf-8-sig")


def test_another_districts_orders_do_not_exist_here(client, sign_in_as, people, make_district, make_team, make_user,
                                                    make_project, make_enterprise):
    other = make_district(name="茅箭区", code="MJ")
    their_team = make_team(name="茅箭专班", district_id=other.id)
    their_leader = make_user(Role.LEADER, district_id=other.id)
    theirs = make_project(team=their_team, enterprise=make_enterprise(district_id=other.id), name="茅箭秘密项目")
    order = place_order(theirs, their_leader, deadline=TODAY - timedelta(days=1), unit="茅箭秘密单位", answer="x")
    for who in ("admin", "leader", "member"):
        sign_in_as(people[who])
        for step in ("answer", "close", "return"):
            # a member holds no right to close (403 whatever the order): the others find no such order
            expected = 403 if who == "member" and step != "answer" else 404
            assert client.post(f"/projects/supervision/{order.id}/{step}", data={"text": "x", "note": "x"}
                               ).status_code == expected, (who, step)
        assert "茅箭秘密" not in client.get("/projects/supervision").get_data(as_text=True)
        assert "茅箭秘密" not in client.get("/exports/supervision.csv").get_data(as_text=True)
    sign_in_as(people["admin"])
    assert issue(client, theirs).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(SupervisionAnswer)) == 1
    # the city reads no district's orders: no page, no file, no section on a project's page
    place_order(people["project"], people["leader"], deadline=TODAY, unit="本区单位")
    sign_in_as(people["city"])
    assert client.get("/projects/supervision").status_code == 403
    assert client.get("/exports/supervision.csv").status_code == 403
    page = client.get(f"/projects/{people['project'].id}").get_data(as_text=True)
    assert "本区单位" not in page and 'id="supervision"' not in page


def test_the_demo_district_has_believable_orders(demo_output):
    """In 张湾区, orders on open issues of served projects, issued by their 首席服务官; in the neighbours, which have
    neither, a few orders of the office to the unit of a node a 调度会 re-planned, due on its new date and answered
    by the team's lead. Some closed, some still open; each issued before its deadline and answered before it was
    closed."""
    from crm.models import District, PathNode, ProjectNode, Team

    with within(None, "test"):
        orders = db.session.scalars(select(Supervision)).all()
        counts = order_counts(TODAY)
        assert len(orders) >= 5 and counts.closed and counts.open  # overdue ones depend on the day it is run
        names = {team: name for team, name in db.session.execute(
            select(Team.id, District.name).join(District, District.id == Team.district_id))}
        by_district = {name: [o for o in orders if names[o.project.team_id] == name] for name in set(names.values())}
        assert len(by_district["张湾区"]) >= 5
        if TODAY.month >= 6:  # by mid-year each neighbour's office has re-planned some projects and ordered them done
            assert by_district["茅箭区"] and by_district["郧阳区"]
        for order in orders:
            issued = order.issued_at.date()
            if names[order.project.team_id] == "张湾区":
                assert order.project.chief_officer_id == order.issuer_id and order.issue is not None
            else:
                assert order.issuer.role is Role.ADMIN and order.issue is None
                assert order.issuer.district_id == order.project.team.district_id
                held = {PathNode.STARTED: order.project.planned_start_on,
                        PathNode.PRODUCING: order.project.planned_production_on,
                        PathNode.CAPACITY: order.project.planned_capacity_on}  # their dates are the project's
                nodes = db.session.execute(select(ProjectNode.node, ProjectNode.planned_on).where(
                    ProjectNode.project_id == order.project_id, ProjectNode.responsible_unit == order.receiver_unit))
                assert order.deadline in {held.get(node, day) for node, day in nodes}, order.what
                assert all(answer.answered_by.team_id == order.project.team_id for answer in order.answers)
            assert issued <= order.deadline and issued <= TODAY
            if order.status is SupervisionStatus.CLOSED:
                assert order.answers and order.answers[-1].answered_at.date() <= order.closed_on <= TODAY
