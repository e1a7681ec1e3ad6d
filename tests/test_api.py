"""The JSON API: same rules as the pages, JSON errors, and a description that stays true."""

import io
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select

from crm import create_app
from crm.extensions import db
from crm.models import Role, Visit
from crm.periods import today
from tests.conftest import PASSWORD, empty_database

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def body(**fields) -> dict:
    return {"uuid": str(uuid.uuid4()), "visited_on": today().isoformat(), "kind": "call_on"} | fields


def visits() -> int:
    return db.session.scalar(select(func.count()).select_from(Visit))


def test_create_is_idempotent_by_uuid(client, make_user, make_enterprise, login):
    login(make_user(Role.MEMBER))
    payload = body(enterprise_id=make_enterprise().id, summary="首次拜访")
    first = client.post("/api/v1/visits", json=payload)
    assert first.status_code == 201 and first.json["created"] is True
    upper = payload | {"uuid": payload["uuid"].upper()}
    again = client.post("/api/v1/visits", json=upper)
    assert again.status_code == 200 and again.json["created"] is False
    assert again.json["visit"]["id"] == first.json["visit"]["id"] and visits() == 1


def test_refused_input_is_422_with_fields_and_writes_nothing(client, make_user, login):
    login(make_user(Role.MEMBER))
    response = client.post("/api/v1/visits", json=body(enterprise_name=" ", visited_on="2026-02-30", kind="x"))
    assert response.status_code == 422
    assert response.json["error"] == "invalid" and {"visited_on", "kind"} <= set(response.json["fields"])
    response = client.post("/api/v1/visits", json=body(enterprise_name="   "))
    assert response.status_code == 422 and "企业" in response.json["message"]
    assert visits() == 0


def test_non_json_and_wrong_types_are_400_or_422(client, make_user, login):
    login(make_user(Role.MEMBER))
    assert client.post("/api/v1/visits", data="uuid=1").status_code == 400
    assert client.post("/api/v1/visits", json=[1, 2]).status_code == 400
    response = client.post("/api/v1/visits", json=body(enterprise_id="1", participant_ids=[True]))
    assert response.status_code == 422


def test_signed_out_gets_401_json_not_a_redirect(client):
    response = client.post("/api/v1/visits", json=body(enterprise_name="某公司"))
    assert response.status_code == 401 and response.json["error"] == "unauthenticated"


def test_cross_site_writes_are_refused(client, make_user, login):
    login(make_user(Role.MEMBER))
    evil = client.post("/api/v1/visits", json=body(enterprise_name="某公司"), headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    fetch = client.post("/api/v1/visits", json=body(enterprise_name="某公司"), headers={"Sec-Fetch-Site": "cross-site"})
    assert fetch.status_code == 403 and visits() == 0


def test_list_is_scoped_to_the_team(client, make_user, make_visit, login):
    member = make_user(Role.MEMBER)
    mine = make_visit(team=member.team)
    make_visit()
    login(member)
    items = client.get("/api/v1/visits").json["items"]
    assert [item["uuid"] for item in items] == [mine.uuid]
    assert client.get("/api/v1/visits?start=not-a-date").status_code == 422


def test_leader_cannot_create(client, make_user, login):
    login(make_user(Role.LEADER))
    assert client.post("/api/v1/visits", json=body(enterprise_name="某公司")).status_code == 403


def test_enterprise_search_by_name_or_code(client, make_user, make_enterprise, login):
    company = make_enterprise(name="远航动力有限公司")
    make_enterprise(name="别的公司")
    login(make_user(Role.MEMBER))
    assert [e["id"] for e in client.get("/api/v1/enterprises?q=航动").json["items"]] == [company.id]
    code = company.credit_code[:10].lower()
    assert [e["id"] for e in client.get(f"/api/v1/enterprises?q={code}").json["items"]] == [company.id]
    assert client.get("/api/v1/enterprises?q=%25").json["items"] == []


def test_photo_upload_needs_the_header_and_a_real_image(client, make_user, make_enterprise, login):
    login(make_user(Role.MEMBER))
    created = client.post("/api/v1/visits", json=body(enterprise_id=make_enterprise().id)).json["visit"]
    url = f"/api/v1/visits/{created['uuid']}/photos"
    assert client.post(url, data={"photo": (io.BytesIO(PNG), "a.png")}).status_code == 400
    headers = {"X-Requested-With": "magnet"}
    fake = client.post(url, data={"photo": (io.BytesIO(b"GIF89a...."), "a.png")}, headers=headers)
    assert fake.status_code == 422
    stored = client.post(url, data={"photo": (io.BytesIO(PNG), "a.png")}, headers=headers)
    assert stored.status_code == 201
    image = client.get(stored.json["photo"]["url"])
    assert image.data == PNG
    image.close()


def test_other_teams_visit_photos_are_404(client, make_user, make_visit, login):
    theirs = make_visit()
    login(make_user(Role.MEMBER))
    response = client.post(f"/api/v1/visits/{theirs.uuid}/photos", data={"photo": (io.BytesIO(PNG), "a.png")},
                           headers={"X-Requested-With": "magnet"})
    assert response.status_code == 404


def test_me_and_follow_ups(client, make_user, login):
    member = make_user(Role.MEMBER)
    login(member)
    me = client.get("/api/v1/me").json
    assert me["team"]["id"] == member.team_id and me["members"][0]["id"] == member.id
    assert client.get("/api/v1/follow-ups").json == {"visits": [], "leads": []}


@pytest.fixture
def api_app(app_config):
    """An app whose requests each run in their own context, as on a server; a member is signed in."""
    application = create_app(app_config)
    with application.app_context():
        empty_database()
        from crm.auth.services import create_user
        from crm.models import Team
        team = Team(name="接口专班", base_city="上海")
        db.session.add(team)
        create_user(username="api-member", display_name="接口", role=Role.MEMBER, password=PASSWORD, team=team)
        db.session.commit()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def signed_in_cookie(api_app) -> str:
    client = api_app.test_client()
    assert client.post("/login", data={"username": "api-member", "password": PASSWORD}).status_code == 302
    return client.get_cookie("session").value


def test_generated_requests_never_get_a_5xx_and_match_the_description(api_app, signed_in_cookie):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 6

    statuses: list[int] = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def responds_as_described(case) -> None:
            response = case.call(cookies={"session": signed_in_cookie})
            statuses.append(response.status_code)
            case.validate_response(response, checks=checks)

        responds_as_described()
    assert 401 not in statuses and 200 in statuses  # the requests were signed in and some were accepted
