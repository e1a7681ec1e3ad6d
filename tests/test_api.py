"""The JSON API: same rules as the pages, JSON errors, and a description that stays true."""

import io
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select

from crm import create_app
from crm.access.tenancy import within
from crm.domain.periods import today
from crm.extensions import db
from crm.models import AgreementKind, Project, ProjectType, Role, Visit, VisitKind
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


def test_a_leader_must_name_the_team(client, make_user, login):
    login(make_user(Role.LEADER))
    unnamed = client.post("/api/v1/visits", json=body(enterprise_name="某公司"))
    assert unnamed.status_code == 422 and "team_id" in unnamed.json["fields"]


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


def test_follow_up_done_clears_it_once_and_answers_the_same_again(client, make_user, make_visit, login):
    member = make_user(Role.MEMBER)
    mine = make_visit(team=member.team, created_by=member, follow_up_on=today())
    theirs = make_visit(follow_up_on=today())
    login(member)
    url = f"/api/v1/visits/{mine.id}/follow-up-done"
    assert client.post(url, data="{}").status_code == 400  # not JSON: a cross-site form could send it
    assert client.get("/api/v1/follow-ups").json["visits"][0]["id"] == mine.id
    for _ in range(2):  # a phone that sends it again after a lost answer
        response = client.post(url, json={})
        assert response.status_code == 200 and response.json == {"visit": {"id": mine.id, "follow_up_on": None}}
    assert client.get("/api/v1/follow-ups").json["visits"] == []
    assert client.post(f"/api/v1/visits/{theirs.id}/follow-up-done", json={}).status_code == 404
    assert client.post(f"/api/v1/visits/{2**31}/follow-up-done", json={}).status_code == 404  # past int4: no 500
    db.session.expire_all()
    assert theirs.follow_up_on == today()


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
        from crm.models import District, Enterprise, Team
        district = District(name="张湾区", code="ZW")
        db.session.add(district)
        db.session.flush()
        team = Team(name="接口专班", base_city="上海", district_id=district.id)
        db.session.add(team)
        member = create_user(username="api-member", display_name="接口", role=Role.MEMBER, password=PASSWORD,
                             team=team)
        enterprise = Enterprise(name="接口测试有限公司", name_key="接口测试有限公司", district_id=district.id)
        db.session.add(Visit(uuid=VISIT_UUID, team=team, enterprise=enterprise, visited_on=today(),
                             kind=VisitKind.CALL_ON, created_by=member, follow_up_on=today()))
        db.session.add(Project(code=PROJECT_CODE, name="接口测试项目", team=team, enterprise=enterprise,
                               signed_on=today(), agreement_kind=AgreementKind.CONTRACT,
                               project_type=ProjectType.NEW, total_investment_yuan=100_000_000, verified=True))
        db.session.commit()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def signed_in_cookie(api_app) -> str:
    client = api_app.test_client()
    assert client.post("/login", data={"username": "api-member", "password": PASSWORD}).status_code == 302
    return client.get_cookie("session").value


VISIT_UUID = "0b6a2a7e-4c5e-4f55-9a4e-6d0f0d7f1c11"
PROJECT_CODE = "ZW-2026-900"  # the project whose path and colour the API reads
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


def naming_what_exists(case):
    """A generated visit whose ids are dropped, so that it names an enterprise and nothing else that may not exist."""
    case.body.update(enterprise_id=None, trip_id=None, lead_id=None, participant_ids=[],
                     enterprise_name=case.body.get("enterprise_name") or "接口测试有限公司")
    return case


def visit_id(uuid: str) -> int:
    with within(None, "the test looks up its own visit"):
        return db.session.scalar(select(Visit.id).where(Visit.uuid == uuid))


def project_id(code: str) -> int:
    with within(None, "the test looks up its own project"):
        return db.session.scalar(select(Project.id).where(Project.code == code))


def strategies(operation, mode: GenerationMode, cookie: str, the_visit: int, the_project: int = 0):
    """Requests as described, signed in; some naming records that exist, so that successes are checked too."""
    signed_in = {"session": cookie}  # given, so a negative case never spends itself on a broken cookie
    generated = operation.as_strategy(generation_mode=mode, cookies=signed_in)
    if mode is GenerationMode.NEGATIVE:
        return generated
    if operation.label == "POST /api/v1/visits":
        return st.one_of(generated, generated.map(naming_what_exists))
    if operation.label.startswith("GET /api/v1/projects/"):
        return st.one_of(generated, operation.as_strategy(generation_mode=mode, cookies=signed_in,
                                                          path_parameters={"project_id": the_project}))
    if operation.label == "POST /api/v1/visits/{visit_id}/follow-up-done":
        to_the_visit = operation.as_strategy(generation_mode=mode, cookies=signed_in,
                                             path_parameters={"visit_id": the_visit})
        return st.one_of(generated, to_the_visit)
    if operation.label != "POST /api/v1/visits/{uuid}/photos":
        return generated
    to_a_visit = operation.as_strategy(generation_mode=mode, cookies=signed_in, path_parameters={"uuid": VISIT_UUID})
    with_a_photo = operation.as_strategy(generation_mode=mode, cookies=signed_in, path_parameters={"uuid": VISIT_UUID},
                                         headers={"X-Requested-With": "magnet"}, body={"photo": PNG})
    return st.one_of(generated, to_a_visit, with_a_photo)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda mode: mode.value)
def test_generated_requests_never_get_a_5xx_and_match_the_description(api_app, signed_in_cookie, mode):
    """Every operation, with requests made from its description and against it: no 5xx, and every answer (a
    success or a refusal) has a status, content type, headers and body the description names."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9
    with api_app.app_context():
        the_visit = visit_id(VISIT_UUID)
        the_project = project_id(PROJECT_CODE)

    seen: dict[str, list[int]] = {}

    def exercise(operation) -> None:
        # A write that breaks its description is refused; a list's query is read leniently (a bad page is page 1).
        strict = mode is GenerationMode.NEGATIVE and operation.label.startswith("POST")
        checks = CHECKS + ([negative_data_rejection] if strict else [])

        @given(case=strategies(operation, mode, signed_in_cookie, the_visit, the_project))
        @settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def responds_as_described(case) -> None:
            response = case.call()
            seen.setdefault(operation.label, []).append(response.status_code)
            case.validate_response(response, checks=checks)

        try:
            responds_as_described()
        except Unsatisfiable:  # nothing in the request to make invalid but the cookie, which stays valid
            assert mode is GenerationMode.NEGATIVE and operation.label in ("GET /api/v1/me", "GET /api/v1/follow-ups")
            seen.setdefault(operation.label, [])

    for operation in operations:
        exercise(operation)
    assert set(seen) == {operation.label for operation in operations}
    assert not any(401 in statuses for statuses in seen.values())  # every request was signed in
    if mode is GenerationMode.POSITIVE:  # and each operation has answered some of them with a success
        assert {label for label, statuses in seen.items() if not any(200 <= s < 300 for s in statuses)} == set(), \
            {label: sorted(set(statuses)) for label, statuses in seen.items()}
