"""Visit photos stay only with a saved visit: a refused form, a replay or a failed write leaves no file behind."""

import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from crm.domain.periods import today
from crm.extensions import db
from crm.models import Role, Visit, VisitPhoto

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def stored_files(app: Flask) -> list[str]:
    """Every file in the photo folder, half-written ones included."""
    folder = Path(app.config["UPLOAD_FOLDER"]) / "photos"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def photo_rows() -> list[str]:
    return sorted(db.session.scalars(select(VisitPhoto.stored_name)).all())


def visit_form(enterprise_id: int, *photos: tuple[bytes, str], **fields) -> dict:
    return {"uuid": str(uuid.uuid4()), "enterprise_id": enterprise_id, "visited_on": today().isoformat(),
            "kind": "call_on", "photos": [(io.BytesIO(content), name) for content, name in photos]} | fields


@pytest.fixture
def member(make_user, login):
    user = make_user(Role.MEMBER)
    login(user)
    return user


@pytest.fixture
def photo_insert_fails(app: Flask) -> Iterator[None]:
    """The database refuses to store a photo's record, as a full disk or a lost connection would."""
    postgres = db.engine.dialect.name == "postgresql"
    statements = (["CREATE FUNCTION refuse_photo() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$ "
                   "LANGUAGE plpgsql",
                   "CREATE TRIGGER refuse_photo BEFORE INSERT ON visit_photo FOR EACH ROW EXECUTE FUNCTION "
                   "refuse_photo()"] if postgres else
                  ["CREATE TRIGGER refuse_photo BEFORE INSERT ON visit_photo BEGIN SELECT RAISE(ABORT, 'disk full'); "
                   "END"])
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(text("DROP TRIGGER refuse_photo ON visit_photo" if postgres else "DROP TRIGGER refuse_photo"))
    if postgres:
        db.session.execute(text("DROP FUNCTION refuse_photo()"))
    db.session.commit()


def test_accepted_photos_are_stored_and_each_file_has_its_record(app, client, member, make_enterprise):
    response = client.post("/visits/new", data=visit_form(make_enterprise().id, (PNG, "card.png"), (JPEG, "a.jpg")),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert len(photo_rows()) == 2 and stored_files(app) == photo_rows()


@pytest.mark.parametrize("second, message", [
    ((b"<?php evil(); ?>", "b.jpg"), "只能上传 JPEG 或 PNG"),
    ((b"", "empty.png"), "照片文件是空的"),
    ((PNG + b"\x00" * 200, "big.png"), "照片不能超过"),
])
def test_a_refused_second_photo_leaves_no_file_of_the_first(app, client, member, make_enterprise, second, message):
    app.config["PHOTO_MAX_BYTES"] = 100
    response = client.post("/visits/new", data=visit_form(make_enterprise().id, (PNG, "card.png"), second),
                           content_type="multipart/form-data")
    assert response.status_code == 422 and message in response.text
    assert stored_files(app) == [] and photo_rows() == []
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 0


@pytest.mark.parametrize("refused_field, message", [
    ({"follow_up_on": "2000-01-01"}, "跟进日期不能早于拜访日期"),  # refused by the visit's rules
    ({"visited_on": "not a date"}, ""),  # refused by the form
])
def test_a_refused_field_stores_no_photo(app, client, member, make_enterprise, refused_field, message):
    response = client.post("/visits/new", data=visit_form(make_enterprise().id, (PNG, "card.png"), **refused_field),
                           content_type="multipart/form-data")
    assert response.status_code == 422 and message in response.text
    assert stored_files(app) == [] and photo_rows() == []


def test_editing_with_a_refused_second_photo_keeps_only_the_photos_already_saved(app, client, member,
                                                                                  make_visit, make_enterprise):
    visit = make_visit(team=member.team, created_by=member, enterprise=make_enterprise())
    saved = client.post(f"/visits/{visit.id}/edit", data=visit_form(visit.enterprise_id, (PNG, "first.png"),
                                                                     uuid=visit.uuid, version="1"),
                        content_type="multipart/form-data")
    assert saved.status_code == 302 and len(stored_files(app)) == 1
    before = stored_files(app)
    refused = client.post(f"/visits/{visit.id}/edit",
                          data=visit_form(visit.enterprise_id, (JPEG, "ok.jpg"), (b"GIF89a", "x.jpg"), uuid=visit.uuid,
                                          summary="改过的摘要", version="2"), content_type="multipart/form-data")
    assert refused.status_code == 422 and "只能上传 JPEG 或 PNG" in refused.text
    assert stored_files(app) == before == photo_rows()
    assert db.session.get(Visit, visit.id).summary is None


def test_a_form_sent_again_adds_no_second_copy_of_its_photos(app, client, member, make_enterprise):
    form = visit_form(make_enterprise().id, (PNG, "card.png"))
    assert client.post("/visits/new", data=form, content_type="multipart/form-data").status_code == 302
    again = visit_form(form["enterprise_id"], (PNG, "card.png"), uuid=form["uuid"])
    response = client.post("/visits/new", data=again, content_type="multipart/form-data", follow_redirects=True)
    assert "这条拜访此前已保存" in response.text and "本次提交的照片没有重复保存" in response.text
    assert len(photo_rows()) == 1 and stored_files(app) == photo_rows()


def test_a_database_error_leaves_no_file(app, client, member, make_enterprise, photo_insert_fails):
    with pytest.raises(Exception, match="disk full"):  # the test client raises what a server answers 500 for
        client.post("/visits/new", data=visit_form(make_enterprise().id, (PNG, "card.png")),
                    content_type="multipart/form-data")
    assert stored_files(app) == [] and photo_rows() == []


def test_an_api_photo_whose_record_cannot_be_written_leaves_no_file(app, client, member, make_visit,
                                                                    photo_insert_fails):
    visit = make_visit(team=member.team, created_by=member)
    with pytest.raises(Exception, match="disk full"):
        client.post(f"/api/v1/visits/{visit.uuid}/photos", data={"photo": (io.BytesIO(JPEG), "a.jpg")},
                    content_type="multipart/form-data", headers={"X-Requested-With": "magnet"})
    assert stored_files(app) == []


def test_an_api_photo_is_stored_with_its_record(app, client, member, make_visit):
    visit = make_visit(team=member.team, created_by=member)
    response = client.post(f"/api/v1/visits/{visit.uuid}/photos", data={"photo": (io.BytesIO(JPEG), "a.jpg")},
                           content_type="multipart/form-data", headers={"X-Requested-With": "magnet"})
    assert response.status_code == 201, response.text
    assert len(photo_rows()) == 1 and stored_files(app) == photo_rows()
