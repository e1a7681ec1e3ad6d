"""A project's course, verification (认定), evidence documents, voiding and the pending list."""

import io
import json
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

import crm.projects.lifecycle.views  # noqa: F401  (the routes, should views.py not have loaded them yet)
from crm.domain.periods import today
from crm.extensions import db
from crm.models import AuditEvent, Project, ProjectStatus, Role
from crm.projects.lifecycle.services import LifecycleRefused, add_milestone, advance, set_planned, void

S = ProjectStatus
TODAY = today()
SIGNED = TODAY - timedelta(days=300)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def day(n: int):
    return SIGNED + timedelta(days=n)


def course(project: Project) -> tuple:
    db.session.expire_all()
    return (project.status, project.started_on, project.production_on, project.capacity_on, project.terminated_on,
            project.termination_reason, project.voided)


@pytest.fixture
def project(app, make_project):
    return make_project(signed_on=SIGNED, verified=False)


def test_signed_to_started_to_producing_to_capacity(project, admin):
    for status, on in ((S.STARTED, day(26)), (S.PRODUCING, day(180)), (S.AT_CAPACITY, day(290))):
        advance(project, actor=admin, to=status, on=on)
    db.session.commit()
    assert course(project)[:4] == (S.AT_CAPACITY, day(26), day(180), day(290))


@pytest.mark.parametrize(("reached", "to", "on", "reason", "says"), [
    ([], S.PRODUCING, 10, None, "请先登记“已开工”"),
    ([(S.STARTED, 5)], S.AT_CAPACITY, 10, None, "请先登记“已投产”"),
    ([(S.STARTED, 5)], S.SIGNED, 10, None, "不能从“已开工”退回到“已签约”"),
    ([(S.STARTED, 5), (S.PRODUCING, 9)], S.STARTED, 10, None, "退回"),
    ([], S.STARTED, -1, None, "开工日期不能早于签约日期"),
    ([(S.STARTED, 50)], S.PRODUCING, 40, None, "投产日期不能早于开工日期"),
    ([(S.STARTED, 5), (S.PRODUCING, 50)], S.AT_CAPACITY, 49, None, "达产日期不能早于投产日期"),
    ([], S.STARTED, 301, None, "开工日期不能晚于今天"),
    ([(S.STARTED, 5)], S.TERMINATED, 10, None, "终止项目须填写原因"),
    ([(S.STARTED, 5)], S.TERMINATED, 10, "   ", "终止项目须填写原因"),
    ([(S.STARTED, 50)], S.TERMINATED, 10, "投资方撤资", "终止日期不能早于开工日期"),
    ([(S.TERMINATED, 5)], S.STARTED, 10, None, "状态不能再变更"),
])
def test_refused_steps_leave_the_project_unchanged(project, admin, reached, to, on, reason, says):
    for status, at in reached:
        advance(project, actor=admin, to=status, on=day(at), reason="投资方撤资")
    db.session.commit()
    before = course(project)
    with pytest.raises(LifecycleRefused) as refusal:
        advance(project, actor=admin, to=to, on=day(on), reason=reason)
    assert says in refusal.value.message
    db.session.commit()
    assert course(project) == before


def test_termination_keeps_its_reason(project, admin):
    advance(project, actor=admin, to=S.TERMINATED, on=day(20), reason="  企业战略调整 ")
    db.session.commit()
    assert course(project)[0] is S.TERMINATED
    assert (project.terminated_on, project.termination_reason) == (day(20), "企业战略调整")


def test_planned_dates_in_order_and_not_before_signing(project, admin):
    set_planned(project, actor=admin, planned_start_on=day(30), planned_production_on=None,
                planned_capacity_on=day(400))
    for dates, says in (((day(-1), None, None), "计划开工日期不能早于签约日期"),
                        ((day(30), day(20), None), "计划投产日期不能早于计划开工日期"),
                        ((None, day(200), day(100)), "计划达产日期不能早于计划投产日期")):
        with pytest.raises(LifecycleRefused, match=says):
            set_planned(project, actor=admin, planned_start_on=dates[0], planned_production_on=dates[1],
                        planned_capacity_on=dates[2])
    db.session.commit()
    db.session.expire_all()
    assert (project.planned_start_on, project.planned_production_on, project.planned_capacity_on) == \
        (day(30), None, day(400))


def test_further_milestones(project, admin):
    add_milestone(project, actor=admin, name="首条电芯生产线调试投产", planned_on=day(300), achieved_on=None)
    for fields, says in (({"name": " ", "planned_on": day(5)}, "请填写节点名称"),
                         ({"name": "二期"}, "至少填写一个"),
                         ({"name": "二期", "achieved_on": TODAY + timedelta(days=1)}, "不能晚于今天"),
                         ({"name": "二期", "planned_on": day(-3)}, "不能早于签约日期"),
                         ({"name": "首条电芯生产线调试投产", "planned_on": day(9)}, "同名")):
        with pytest.raises(LifecycleRefused, match=says):
            add_milestone(project, actor=admin, **({"planned_on": None, "achieved_on": None} | fields))
    db.session.commit()
    assert [(m.name, m.planned_on) for m in project.milestones] == [("首条电芯生产线调试投产", day(300))]


def summary(runner) -> dict:
    result = runner.invoke(args=["summary", "--json", "--year", str(SIGNED.year)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_verify_and_withdraw_by_admin(client, login, runner, project, admin, make_user):
    login(make_user(Role.MEMBER, team=project.team))
    assert client.post(f"/projects/{project.id}/verify").status_code == 403
    client.post("/logout")
    login(admin)
    assert summary(runner)["signed_projects"] == 0
    response = client.post(f"/projects/{project.id}/verify", data={"note": "协议与执照齐全"})
    assert response.status_code == 302 and response.location.endswith(f"/projects/{project.id}")
    assert (project.verified, project.verified_by_id, project.verified_at is not None) == (True, admin.id, True)
    assert summary(runner)["signed_projects"] == 1
    refused = client.post(f"/projects/{project.id}/withdraw", data={"reason": " "})
    assert refused.status_code == 422 and "撤销认定须填写原因" in refused.text and project.verified
    assert client.post(f"/projects/{project.id}/withdraw", data={"reason": "协议未盖章"}).status_code == 302
    assert (project.verified, project.verified_by_id, project.verified_at) == (False, None, None)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "verification_withdrawn"))
    assert (event.user_id, event.entity_id, event.detail) == (admin.id, project.id, "协议未盖章")
    assert summary(runner)["signed_projects"] == 0


def test_voiding_needs_a_reason_and_removes_from_counts(client, login, runner, make_project, admin):
    counted = make_project(signed_on=SIGNED)
    login(admin)
    assert summary(runner)["signed_projects"] == 1
    refused = client.post(f"/projects/{counted.id}/void", data={"reason": ""})
    assert refused.status_code == 422 and "作废项目须填写原因" in refused.text and not counted.voided
    assert client.post(f"/projects/{counted.id}/void", data={"reason": "重复录入"}).status_code == 302
    assert (counted.voided, counted.void_reason) == (True, "重复录入")
    assert summary(runner)["signed_projects"] == 0
    with pytest.raises(LifecycleRefused, match="已作废"):
        void(counted, actor=admin, reason="再次")


@pytest.mark.parametrize(("content", "name", "kind", "saved_as"), [
    (PDF, "C:\\扫描\\投资协议.pdf", "agreement", quote("投资协议.pdf")),
    (JPEG, "执照.JPG", "licence", quote("执照.JPG")), (PNG, "../scan", "other", "scan.png")])
def test_evidence_is_stored_and_downloaded_as_an_attachment(client, login, project, admin, make_user, content, name,
                                                            kind, saved_as):
    login(admin)
    response = client.post(f"/projects/{project.id}/documents", content_type="multipart/form-data",
                           data={"kind": kind, "file": (io.BytesIO(content), name)})
    assert response.status_code == 302
    document = project.documents[0]
    assert (document.kind, document.size_bytes) == (kind, len(content))
    client.post("/logout")
    login(make_user(Role.MEMBER))  # of another team: everyone may view projects
    with client.get(f"/projects/{project.id}/documents/{document.id}") as download:
        assert download.status_code == 200 and download.data == content
        disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and (".pdf" in disposition or kind != "agreement")
    assert client.get(f"/projects/{project.id + 1}/documents/{document.id}").status_code == 404


def test_evidence_that_is_not_pdf_jpeg_png_or_too_large_is_refused(app, client, login, project, admin):
    login(admin)
    fake = client.post(f"/projects/{project.id}/documents", content_type="multipart/form-data",
                       data={"kind": "agreement", "file": (io.BytesIO(b"PK\x03\x04zipzip"), "协议.pdf")})
    assert fake.status_code == 422 and "只能上传 PDF、JPEG 或 PNG" in fake.text
    app.config["DOCUMENT_MAX_BYTES"] = 64
    big = client.post(f"/projects/{project.id}/documents", content_type="multipart/form-data",
                      data={"kind": "agreement", "file": (io.BytesIO(PDF + b" " * 64), "协议.pdf")})
    assert big.status_code == 422 and "文件不能超过" in big.text
    assert project.documents == []


def test_pending_list_counts_unverified_projects_oldest_first(client, login, make_project, admin):
    newer = make_project(signed_on=day(30), verified=False, name="新签项目")
    older = make_project(signed_on=day(1), verified=False, name="早签项目")
    make_project(signed_on=day(2), name="已认定项目")
    make_project(signed_on=day(3), verified=False, voided=True, void_reason="重复", name="作废项目")
    login(admin)
    page = client.get("/projects/pending")
    assert page.status_code == 200 and "共 2 个项目待认定" in page.text
    assert page.text.index(older.name) < page.text.index(newer.name) and "已认定项目" not in page.text
    response = client.post(f"/projects/{older.id}/verify", data={"back": "pending"})
    assert response.location.endswith("/projects/pending") and "共 1 个项目待认定" in client.get(page.request.path).text


@pytest.mark.parametrize(("path", "data"), [("advance", {"to": "started", "on": day(3).isoformat()}),
                                            ("planned", {"planned_start_on": day(3).isoformat()}),
                                            ("milestones", {"name": "二期", "planned_on": day(3).isoformat()})])
def test_team_members_change_the_course_others_get_404(client, login, project, make_user, path, data):
    login(make_user(Role.MEMBER))
    assert client.post(f"/projects/{project.id}/{path}", data=data).status_code == 404
    client.post("/logout")
    login(make_user(Role.MEMBER, team=project.team))
    response = client.post(f"/projects/{project.id}/{path}", data=data)
    assert response.status_code == 302 and response.location.endswith(f"/projects/{project.id}")


def test_refused_step_over_http_is_a_422_with_the_reason(client, login, project, make_user):
    login(make_user(Role.MEMBER, team=project.team))
    response = client.post(f"/projects/{project.id}/advance", data={"to": "producing", "on": day(3).isoformat()})
    assert response.status_code == 422 and "请先登记“已开工”" in response.text
    bad_date = client.post(f"/projects/{project.id}/advance", data={"to": "started", "on": "昨天"})
    assert bad_date.status_code == 422 and project.status is S.SIGNED


def test_project_page_offers_what_the_viewer_may_do(client, login, project, admin, make_user):
    project.documents  # noqa: B018
    login(make_user(Role.MEMBER, team=project.team))
    page = client.get(f"/projects/{project.id}").text
    assert "登记为“已开工”" in page and "终止项目" in page and "添加节点" in page and "认定项目" not in page
    client.post("/logout")
    login(admin)
    client.post(f"/projects/{project.id}/documents", content_type="multipart/form-data",
                data={"kind": "licence", "file": (io.BytesIO(PDF), "执照.pdf")})
    client.post(f"/projects/{project.id}/verify")
    page = client.get(f"/projects/{project.id}").text
    assert "撤销认定" in page and admin.display_name in page and "营业执照 · 执照.pdf" in page and "作废项目" in page
    client.post(f"/projects/{project.id}/void", data={"reason": "重复录入"})
    page = client.get(f"/projects/{project.id}").text
    assert "恢复项目" in page and "登记为“已开工”" not in page
    assert client.post(f"/projects/{project.id}/restore").status_code == 302 and not project.voided
