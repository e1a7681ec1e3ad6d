"""Fields a user may not set: a team, an author, a verification, a code or a status jump posted anyway.

Each form and the visits API is sent its usual fields plus tampered ones; what may not be set is
ignored (the record is made as if it had not been sent) or refused (4xx, and nothing in the database changed).
"""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from crm.domain.periods import today
from crm.extensions import db
from crm.models import (
    Enterprise,
    IssueStatus,
    Lead,
    LeadStage,
    Project,
    ProjectIssue,
    ProjectStatus,
    Role,
    Trip,
    Visit,
)

DAY = today() - timedelta(days=3)


@pytest.fixture
def teams(make_team, make_user) -> dict[str, Any]:
    """Team A with a member, team B with a member, and an admin."""
    a, b = make_team(name="甲专班"), make_team(name="乙专班")
    return {"a": a, "b": b, "member": make_user(Role.MEMBER, team=a), "rival": make_user(Role.MEMBER, team=b),
            "admin": make_user(Role.ADMIN)}


def columns(record: Any) -> dict[str, Any]:
    """A record's stored values, read afresh."""
    db.session.refresh(record)
    return {column.key: getattr(record, column.key) for column in record.__table__.columns}


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def others(teams: dict[str, Any]) -> dict[str, str]:
    """What a tamperer adds to any form: another team, another author, an office's verification."""
    return {"team_id": str(teams["b"].id), "created_by_id": str(teams["rival"].id), "verified": "y",
            "verified_by_id": str(teams["admin"].id), "id": "999"}


def test_a_trip_is_recorded_and_kept_in_the_users_team(client, login, teams):
    login(teams["member"])
    trip = {"destination": "上海", "start_on": DAY.isoformat(), "end_on": DAY.isoformat(), "leader_id": "0"}
    assert client.post("/trips/new", data=trip | others(teams)).status_code == 302
    made = db.session.scalar(select(Trip))
    assert (made.team_id, made.created_by_id) == (teams["a"].id, teams["member"].id)
    assert client.post(f"/trips/{made.id}/edit", data=trip | others(teams) | {"version": "1"}).status_code == 302
    assert columns(made)["team_id"] == teams["a"].id
    stranger = client.post("/trips/new", data=trip | {"participant_ids": str(teams["rival"].id)})
    assert stranger.status_code == 422 and count(Trip) == 1


def test_a_visit_is_logged_for_the_users_team_under_its_own_uuid(client, login, teams, make_visit, make_trip):
    theirs = make_visit(team=teams["b"], created_by=teams["rival"], summary="乙的拜访")
    before = columns(theirs)
    login(teams["member"])
    visit = {"uuid": str(uuid.uuid4()), "enterprise_name": "长江储能有限公司", "visited_on": DAY.isoformat(),
             "kind": "call_on", "summary": "初访", "trip_id": "0", "lead_id": "0"}
    assert client.post("/visits/new", data=visit | others(teams)).status_code == 302
    ours = db.session.scalar(select(Visit).where(Visit.uuid == visit["uuid"]))
    assert (ours.team_id, ours.created_by_id) == (teams["a"].id, teams["member"].id)
    # another team's uuid: refused, and their visit is as it was
    taken = client.post("/visits/new", data=visit | {"uuid": theirs.uuid, "summary": "改写"})
    assert taken.status_code == 422 and columns(theirs) == before
    # editing keeps the visit's uuid whatever is posted, and refuses another team's trip
    edit = visit | {"uuid": theirs.uuid, "summary": "复访", "version": "1"}
    assert client.post(f"/visits/{ours.id}/edit", data=edit).status_code == 302
    assert columns(ours)["uuid"] == visit["uuid"] and columns(theirs) == before
    their_trip = make_trip(team=teams["b"])
    kept = columns(ours)
    assert client.post(f"/visits/{ours.id}/edit", data=edit | {"trip_id": str(their_trip.id), "version": "2"}
                       ).status_code == 422
    assert columns(ours) == kept


def test_the_visits_api_ignores_author_refuses_another_team_and_a_taken_uuid(client, login, teams, make_visit):
    theirs = make_visit(team=teams["b"], created_by=teams["rival"], summary="乙的拜访")
    before = columns(theirs)
    login(teams["member"])
    body = {"uuid": str(uuid.uuid4()), "visited_on": DAY.isoformat(), "enterprise_name": "长江储能有限公司",
            "team_id": teams["b"].id, "created_by_id": teams["rival"].id, "id": theirs.id}
    other_team = client.post("/api/v1/visits", json=body)  # a member logs for their own team only
    assert other_team.status_code == 422 and "本专班" in other_team.json["fields"]["team_id"] and count(Visit) == 1
    body["team_id"] = teams["a"].id
    response = client.post("/api/v1/visits", json=body)
    assert response.status_code == 201
    made = db.session.get(Visit, response.json["visit"]["id"])
    assert made.id != theirs.id and (made.team_id, made.created_by_id) == (teams["a"].id, teams["member"].id)
    taken = client.post("/api/v1/visits", json=body | {"uuid": theirs.uuid, "summary": "改写"})
    assert taken.status_code == 422 and columns(theirs) == before


def test_a_lead_keeps_its_team_owner_and_stage(client, login, teams, make_lead):
    login(teams["member"])
    lead = {"enterprise_name": "长江储能有限公司", "title": "储能电池", "owner_id": str(teams["member"].id),
            "status": "active"}
    assert client.post("/leads/new", data=lead | others(teams) | {"stage": "signed"}).status_code == 302
    made = db.session.scalar(select(Lead))
    assert (made.team_id, made.stage, made.owner_id) == (teams["a"].id, LeadStage.CLUE, teams["member"].id)
    for tampered in ({"owner_id": str(teams["rival"].id)}, {"status": "closed"}):
        assert client.post("/leads/new", data=lead | tampered).status_code == 422
    assert count(Lead) == 1
    before = columns(made)
    assert client.post(f"/leads/{made.id}/stage", data={"stage": "signed"}).status_code == 422
    # an edit without the version it was made from could overwrite a newer one: refused
    assert client.post(f"/leads/{made.id}/edit", data=lead | {"title": "改名"}).status_code == 422
    stale = lead | {"title": "改名", "version": str(made.version - 1)}
    assert client.post(f"/leads/{made.id}/edit", data=stale).status_code == 409
    assert columns(made) == before and count(Project) == 0


def test_signing_gives_the_leads_team_a_new_code_awaiting_verification(client, login, teams, make_lead,
                                                                      make_project):
    make_project(team=teams["b"], code=f"ZW-{DAY.year}-001")
    lead = make_lead(team=teams["a"], stage=LeadStage.AGREED)
    login(teams["member"])
    signing = {"name": "储能基地", "signed_on": DAY.isoformat(), "agreement_kind": "contract", "project_type": "new",
               "investment": "3", "unit": "yi", "code": f"ZW-{DAY.year}-001", "status": "producing", "voided": "y"}
    assert client.post(f"/leads/{lead.id}/sign", data=signing | others(teams)).status_code == 302
    project = db.session.scalar(select(Project).where(Project.lead_id == lead.id))
    assert (project.team_id, project.code, project.verified) == (teams["a"].id, f"ZW-{DAY.year}-002", False)
    assert (project.status, project.voided, project.created_by_id) == (ProjectStatus.SIGNED, False,
                                                                        teams["member"].id)


def project_form(project: Project | None = None, **changes: str) -> dict[str, str]:
    """A filled-in project form, as the edit page shows it when a project is given."""
    form = {"name": "光伏组件基地", "enterprise_name": "晶澳光伏科技有限公司", "signed_on": DAY.isoformat(),
            "agreement_kind": "contract", "project_type": "new", "unit": "yi", "currency": "CNY",
            "total_investment": "1.5"}
    if project is not None:
        form |= {"name": project.name, "enterprise_name": project.enterprise.name,
                 "enterprise_id": str(project.enterprise_id), "signed_on": project.signed_on.isoformat(),
                 "version": str(project.version)}
    return form | changes


TAMPERED_PROJECT = {"code": "ZW-2020-001", "status": "producing", "voided": "y", "void_reason": "x",
                    "chief_officer_id": "1", "started_on": "2026-01-01"}


def test_a_project_recorded_by_a_team_gets_its_code_status_and_verification_from_the_rules(client, login, teams):
    login(teams["member"])
    assert client.post("/projects/new", data=project_form() | others(teams) | TAMPERED_PROJECT).status_code == 302
    project = db.session.scalar(select(Project))
    assert (project.team_id, project.code) == (teams["a"].id, f"ZW-{DAY.year}-001")
    assert (project.status, project.verified, project.voided, project.chief_officer_id, project.started_on) == (
        ProjectStatus.SIGNED, False, False, None, None)
    edit = project_form(project, name="改名") | others(teams) | TAMPERED_PROJECT
    assert client.post(f"/projects/{project.id}/edit", data=edit).status_code == 302
    stored = columns(project)
    assert (stored["name"], stored["team_id"], stored["code"], stored["status"], stored["verified"]) == (
        "改名", teams["a"].id, f"ZW-{DAY.year}-001", ProjectStatus.SIGNED, False)


def test_a_verified_figure_changed_by_the_team_goes_back_to_the_office(client, login, teams, make_project):
    project = make_project(team=teams["a"], signed_on=DAY, total_investment_yuan=150_000_000, verified=True)
    login(teams["member"])
    assert client.post(f"/projects/{project.id}/edit", data=project_form(project, remarks="补充说明")).status_code \
        == 302
    assert columns(project)["verified"]  # a remark is not what the office vouched for
    assert client.post(f"/projects/{project.id}/edit", data=project_form(project, total_investment="50")).status_code \
        == 302
    stored = columns(project)
    assert (stored["total_investment_yuan"], stored["verified"], stored["verified_by_id"]) == (5_000_000_000, False,
                                                                                              None)
    pending = client.get("/projects/?verified=no").text
    assert project.code in pending
    client.post("/logout")
    project.verified = True
    login(teams["admin"])
    data = project_form(project, total_investment="2", team_id=str(teams["a"].id))
    assert client.post(f"/projects/{project.id}/edit", data=data).status_code == 302
    assert columns(project)["verified"]  # the office itself may correct what it verified


def test_status_jumps_are_refused_and_change_nothing(client, login, teams, make_project):
    project = make_project(team=teams["a"], signed_on=DAY - timedelta(days=30))
    issue = ProjectIssue(project=project, raised_on=DAY - timedelta(days=20), description="用地指标")
    closed = ProjectIssue(project=project, raised_on=DAY - timedelta(days=20), description="供电",
                          status=IssueStatus.CLOSED, resolved_on=DAY)
    db.session.add_all([issue, closed])
    db.session.commit()
    before = [columns(record) for record in (project, issue, closed)]
    login(teams["member"])
    on = DAY.isoformat()
    for jump in ({"to": "producing", "on": on}, {"to": "at_capacity", "on": on}, {"to": "signed", "on": on},
                 {"to": "terminated", "on": on}):  # 开工 skipped, 已签约 again, 终止 without a reason
        assert client.post(f"/projects/{project.id}/advance", data=jump).status_code == 422, jump
    assert client.post(f"/projects/{project.id}/issues/{issue.id}/advance",
                       data={"to": "closed", "on": on}).status_code == 422  # 办理中 skipped
    assert client.post(f"/projects/{project.id}/issues/{closed.id}/advance",
                       data={"to": "handling", "on": on}).status_code == 422  # only the office reopens
    for path in ("verify", "void", "restore", "withdraw"):
        assert client.post(f"/projects/{project.id}/{path}", data={"reason": "x"}).status_code == 403
    assert [columns(record) for record in (project, issue, closed)] == before


def test_an_enterprise_keeps_its_author_and_is_merged_only_by_the_office(client, login, teams, make_enterprise):
    kept = make_enterprise(name="长江储能有限公司")
    login(teams["member"])
    data = {"name": "长江储能科技有限公司", "confirm": "y", "merged_into_id": str(kept.id)} | others(teams)
    assert client.post("/enterprises/new", data=data).status_code == 302
    made = db.session.scalar(select(Enterprise).where(Enterprise.id != kept.id))
    assert (made.merged_into_id, made.created_by_id) == (None, teams["member"].id)
    assert client.post(f"/enterprises/{made.id}/edit", data=data | {"version": "1"}).status_code == 302
    assert columns(made)["merged_into_id"] is None
