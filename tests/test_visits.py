"""Visits: logged once per UUID, scoped to the team, edited by author or lead, photos checked by content."""

import io
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from crm.domain.periods import today
from crm.extensions import db
from crm.models import AuditEvent, Enterprise, Lead, Overlap, Role, Visit, VisitKind, VisitPhoto
from crm.visits.services import VisitInput, VisitRefused, due_follow_ups, log_visit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def visit_input(**fields) -> VisitInput:
    return VisitInput(**({"uuid": str(uuid.uuid4()), "visited_on": today(), "kind": VisitKind.CALL_ON} | fields))


def count(model=Visit) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_same_uuid_twice_is_one_visit(app, make_user, make_enterprise):
    member = make_user(Role.MEMBER)
    data = visit_input(enterprise_id=make_enterprise().id)
    first = log_visit(member, data)
    db.session.commit()
    again = log_visit(member, data)
    assert first.created and not again.created and again.visit.id == first.visit.id
    assert count() == 1


def test_a_uuid_of_another_team_is_refused_without_revealing_it(app, make_user, make_enterprise):
    data = visit_input(enterprise_id=make_enterprise().id)
    log_visit(make_user(Role.MEMBER), data)
    db.session.commit()
    with pytest.raises(VisitRefused):
        log_visit(make_user(Role.MEMBER), data)


def test_typed_name_finds_the_enterprise_or_creates_one(app, make_user, make_enterprise):
    member = make_user(Role.MEMBER)
    known = make_enterprise(name="远航动力有限公司")
    assert log_visit(member, visit_input(enterprise_name="上海远航动力（上海）有限公司")).visit.enterprise == known
    created = log_visit(member, visit_input(enterprise_name="  星屿新材料有限公司 ")).visit.enterprise
    assert created.name == "星屿新材料有限公司" and created.id != known.id


@pytest.mark.parametrize("change, field", [
    ({"enterprise_name": "   "}, "enterprise_name"),
    ({"visited_on": today() + timedelta(days=5)}, "visited_on"),
    ({"follow_up_on": today() - timedelta(days=1)}, "follow_up_on"),
    ({"summary": "长" * 4001}, "summary"),
])
def test_bad_input_is_refused_with_the_field(app, make_user, change, field):
    with pytest.raises(VisitRefused) as refused:
        log_visit(make_user(Role.MEMBER), visit_input(**({"enterprise_name": "某公司"} | change)))
    assert refused.value.field == field


@pytest.mark.parametrize("follow_up_on, message", [
    (today() - timedelta(days=1), "跟进日期不能早于拜访日期"),
    (date(2101, 1, 1), "跟进日期不在合理范围内"),
])
def test_a_follow_up_is_refused_for_what_is_wrong_with_it(app, make_user, follow_up_on, message):
    with pytest.raises(VisitRefused) as refused:
        log_visit(make_user(Role.MEMBER), visit_input(enterprise_name="某公司", follow_up_on=follow_up_on))
    assert refused.value.message == message


def test_trip_lead_and_participants_must_be_the_teams(app, make_user, make_trip, make_lead, make_enterprise):
    member = make_user(Role.MEMBER)
    stranger = make_user(Role.MEMBER)
    company = make_enterprise().id
    for change in ({"trip_id": make_trip().id}, {"lead_id": make_lead().id}, {"participant_ids": [stranger.id]}):
        with pytest.raises(VisitRefused):
            log_visit(member, visit_input(enterprise_id=company, **change))
    db.session.rollback()
    assert count() == 0


def test_visit_on_another_teams_lead_warns_and_records_the_overlap(app, client, make_user, make_lead, login):
    rival = make_lead(title="储能项目")
    member = make_user(Role.MEMBER)
    login(member)
    response = client.post("/visits/new", data={
        "uuid": str(uuid.uuid4()), "enterprise_id": rival.enterprise_id, "visited_on": today().isoformat(),
        "kind": "call_on"}, follow_redirects=True)
    assert f"注意撞单：{rival.team.name}" in response.text
    overlap = db.session.scalar(select(Overlap))
    assert overlap.lead_id == rival.id and overlap.team_id == member.team_id and overlap.source == "visit"


def test_phone_form_logs_a_visit_with_photos(app, client, make_user, make_enterprise, login):
    member = make_user(Role.MEMBER)
    company = make_enterprise()
    login(member)
    page = client.get("/visits/new")
    assert page.status_code == 200 and 'id="visit-form"' in page.text and today().isoformat() in page.text
    response = client.post("/visits/new", data={
        "uuid": str(uuid.uuid4()), "enterprise_id": company.id, "visited_on": today().isoformat(),
        "kind": "talks", "participant_ids": [member.id], "summary": "洽谈扩产",
        "photos": [(io.BytesIO(PNG), "card.png"), (io.BytesIO(JPEG), "../../etc/meeting.jpg")]},
        content_type="multipart/form-data")
    assert response.status_code == 302 and response.location == "/visits/new"
    visit = db.session.scalar(select(Visit))
    assert visit.kind is VisitKind.TALKS and visit.participants == [member] and len(visit.photos) == 2
    assert {p.content_type for p in visit.photos} == {"image/png", "image/jpeg"}
    assert all("/" not in p.stored_name and p.stored_name not in ("card.png", "meeting.jpg") for p in visit.photos)
    assert visit.photos[1].original_name == "meeting.jpg"
    served = client.get(f"/visits/{visit.id}/photos/{visit.photos[0].id}")
    assert served.status_code == 200 and served.data == PNG and served.mimetype == "image/png"
    served.close()


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_written(app, client, make_user, make_enterprise,
                                                                       login):
    login(make_user(Role.MEMBER))
    response = client.post("/visits/new", data={
        "uuid": str(uuid.uuid4()), "enterprise_id": make_enterprise().id, "visited_on": today().isoformat(),
        "kind": "call_on", "photos": [(io.BytesIO(b"<?php evil(); ?>"), "photo.jpg")]},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "只能上传 JPEG 或 PNG" in response.text
    assert count() == 0 and count(VisitPhoto) == 0


def test_oversized_photo_is_refused(app, client, make_user, make_enterprise, login):
    app.config["PHOTO_MAX_BYTES"] = 100
    login(make_user(Role.MEMBER))
    response = client.post("/visits/new", data={
        "uuid": str(uuid.uuid4()), "enterprise_id": make_enterprise().id, "visited_on": today().isoformat(),
        "kind": "call_on", "photos": [(io.BytesIO(PNG + b"\x00" * 100), "big.png")]},
        content_type="multipart/form-data")
    assert response.status_code == 422 and count() == 0


def test_form_without_enterprise_gets_a_message(client, make_user, login):
    login(make_user(Role.MEMBER))
    response = client.post("/visits/new", data={"uuid": str(uuid.uuid4()), "visited_on": today().isoformat(),
                                                "kind": "call_on"})
    assert response.status_code == 422 and "请填写或选择拜访的企业" in response.text


def test_other_teams_visit_is_404_for_get_and_post(app, client, make_user, make_visit, login):
    theirs = make_visit()
    login(make_user(Role.MEMBER))
    for method, url in (("GET", f"/visits/{theirs.id}"), ("GET", f"/visits/{theirs.id}/edit"),
                        ("POST", f"/visits/{theirs.id}/edit"), ("POST", f"/visits/{theirs.id}/delete"),
                        ("POST", f"/visits/{theirs.id}/follow-up-done")):
        assert client.open(f"{url}", method=method).status_code == 404, url
    assert count() == 1


def test_only_author_lead_or_admin_change_a_visit(app, client, make_user, make_visit, make_team, login):
    team = make_team()
    author, teammate = make_user(Role.MEMBER, team=team), make_user(Role.MEMBER, team=team)
    lead = make_user(Role.LEAD, team=team)
    visit = make_visit(team=team, created_by=author)
    login(teammate)
    assert client.get(f"/visits/{visit.id}").status_code == 200
    assert client.post(f"/visits/{visit.id}/delete").status_code == 403
    client.post("/logout")
    login(lead)
    assert client.post(f"/visits/{visit.id}/delete").status_code == 302
    assert count() == 0
    deleted = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "Visit", AuditEvent.action == "delete"))
    assert deleted.user_id == lead.id


def test_author_edits_and_the_change_is_audited(app, client, make_user, make_visit, login):
    author = make_user(Role.MEMBER)
    visit = make_visit(team=author.team, created_by=author, summary="初次接触")
    login(author)
    response = client.post(f"/visits/{visit.id}/edit", data={
        "uuid": visit.uuid, "enterprise_id": visit.enterprise_id, "visited_on": visit.visited_on.isoformat(),
        "kind": "remote", "summary": "视频会谈", "version": visit.version})
    assert response.status_code == 302
    change = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "Visit")
                                .order_by(AuditEvent.id.desc())).first()
    assert change.user_id == author.id and change.changes["summary"] == ["初次接触", "视频会谈"]


def test_visit_list_is_the_teams_own(app, client, make_user, make_visit, make_enterprise, login):
    member = make_user(Role.MEMBER)
    make_visit(team=member.team, enterprise=make_enterprise(name="本队企业有限公司"))
    make_visit(enterprise=make_enterprise(name="别队企业有限公司"))
    login(member)
    page = client.get("/visits/").text
    assert "本队企业有限公司" in page and "别队企业有限公司" not in page
    client.post("/logout")
    login(make_user(Role.LEADER))
    page = client.get("/visits/").text
    assert "本队企业有限公司" in page and "别队企业有限公司" in page
    assert "本队企业" in client.get("/visits/?q=本队").text and "别队企业" not in client.get("/visits/?q=本队").text


def test_a_long_list_counts_only_so_far_and_says_so(app, client, make_user, make_visit, monkeypatch, login):
    leader = make_user(Role.LEADER)
    for day in range(1, 6):
        make_visit(visited_on=date(2026, 3, day))
    monkeypatch.setattr("crm.web.pagination.COUNT_AHEAD", 2)
    app.config["PAGE_SIZE"] = 1
    login(leader)
    first, third, last = (client.get(f"/visits/?page={n}").text for n in (1, 3, 5))
    assert "共 2+ 条" in first and "第 1 / 2+ 页" in first and "page=2" in first  # 5 visits, counted to 3
    assert "共 4+ 条" in third and "page=4" in third and "2026-03-03" in third  # newest first: the 3rd is 3 March
    assert "共 5 条" in last and "第 5 / 5 页" in last and "page=6" not in last and "2026-03-01" in last


def test_follow_ups_due_for_author_and_participants(app, client, make_user, make_visit, make_lead, login):
    member = make_user(Role.MEMBER)
    other = make_user(Role.MEMBER, team=member.team)
    due = make_visit(team=member.team, created_by=other, participants=[member],
                     follow_up_on=today() - timedelta(days=1), next_step="送样品")
    make_visit(team=member.team, created_by=member, follow_up_on=today() + timedelta(days=3))
    lead = make_lead(team=member.team, owner=member, next_action_on=today(), next_action="约见董事长")
    visits, leads = due_follow_ups(member, today())
    assert list(visits) == [due] and list(leads) == [lead]
    login(member)
    page = client.get("/visits/follow-ups").text
    assert "送样品" in page and "约见董事长" in page
    client.post(f"/visits/{due.id}/follow-up-done")
    assert db.session.get(Visit, due.id).follow_up_on is None



def test_enterprise_created_on_the_spot_from_the_form(app, client, make_user, login):
    login(make_user(Role.MEMBER))
    client.post("/visits/new", data={"uuid": str(uuid.uuid4()), "enterprise_name": "凌岳精密机械有限公司",
                                     "visited_on": date(2026, 1, 5).isoformat(), "kind": "call_on"})
    assert db.session.scalar(select(Enterprise.name).join(Visit, Visit.enterprise_id == Enterprise.id)) == \
        "凌岳精密机械有限公司"
    assert db.session.scalar(select(func.count()).select_from(Lead)) == 0


def test_absurd_page_numbers_are_not_an_error(client, make_user, login):
    login(make_user(Role.MEMBER))
    for page in ("99999999999999999999999", "-5", "abc"):
        assert client.get(f"/visits/?page={page}").status_code == 200
