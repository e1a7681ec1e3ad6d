"""Uploads: visit photos (the phone form and the API), project documents and spreadsheet imports.

A file is judged by its content, never its name: wrong content behind a right name, a file just over its limit and
a zip bomb are refused before any parser reads them, with a Chinese message, a 4xx and nothing written. A name
with path tricks is only a label: the file lands in the upload folder under a random name, and is never served
back under the name it came with.
"""

import io
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import ImportJob, ProjectDocument, Role, Visit, VisitPhoto
from tests.test_hostile_forms import changed_tables, message_of, snapshot

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(40) + b"\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CSV = "项目名称,签约企业,总投资（亿元）,签约时间,招商专班\n测试项目,测试企业有限公司,1.5,2024-03-05,上海专班\n".encode()
RANDOM_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|pdf|upload)$")


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


WRONG_CONTENT = {
    "html": b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
    "script": b"alert(document.cookie);\n",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "elf": b"\x7fELF\x02\x01\x01\x00" + bytes(120),
    "exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(120),
    "zip": plain_zip(),
    "gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    "empty": b"",
}


# ---------------------------------------------------------------- the four ways a file comes in

@pytest.fixture
def place(make_user, make_team, make_enterprise, make_visit, make_project) -> dict[str, Any]:
    team = make_team(name="上海专班")
    member, admin = make_user(Role.MEMBER, team=team), make_user(Role.ADMIN)
    visit = make_visit(team=team, enterprise=make_enterprise(), created_by=member)
    return {"member": member, "admin": admin, "visit": visit, "project": make_project(team=team)}


BOUNDARY = "magnet-hostile-upload"


def post_file(client, url: str, fields: dict[str, str], field: str, name: str, data: bytes, **headers: str):
    """A multipart form with one file, encoded in memory as a browser does (the test client would spool a large
    file to a temporary file it leaves open); a browser escapes \r, \n and " in a file name."""
    escaped = name.replace("\r", "%0D").replace("\n", "%0A").replace('"', "%22")
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
             for key, value in fields.items()]
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{escaped}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}", headers=headers)


def photo_by_form(client, place, name: str, data: bytes):
    fields = {"uuid": str(uuid.uuid4()), "enterprise_name": "上传测试有限公司", "visited_on": "2026-03-03",
              "kind": "call_on"}
    return post_file(client, "/visits/new", fields, "photos", name, data)


def photo_by_api(client, place, name: str, data: bytes):
    return post_file(client, f"/api/v1/visits/{place['visit'].uuid}/photos", {}, "photo", name, data,
                     **{"X-Requested-With": "magnet"})


def document(client, place, name: str, data: bytes):
    return post_file(client, f"/projects/{place['project'].id}/documents", {"kind": "agreement"}, "file", name, data)


def spreadsheet(client, place, name: str, data: bytes):
    return post_file(client, "/imports/", {"kind": "projects"}, "file", name, data)


WAYS = {  # how, signed in as, the suffix it expects, a file it takes, the config key of its limit
    "photo-form": (photo_by_form, "member", ".jpg", JPEG, "PHOTO_MAX_BYTES"),
    "photo-api": (photo_by_api, "member", ".png", PNG, "PHOTO_MAX_BYTES"),
    "document": (document, "admin", ".pdf", PDF, "DOCUMENT_MAX_BYTES"),
    "import": (spreadsheet, "admin", ".xlsx", CSV, None),
}


def uploads_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def rows(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def way(request, client, place, login):
    send, role, suffix, good, limit = WAYS[request.param]
    login(place[role])
    return lambda name, data: send(client, place, name, data), suffix, good, limit


# ---------------------------------------------------------------- wrong content, right name

@pytest.mark.parametrize("way", list(WAYS), indirect=True)
@pytest.mark.parametrize("content", list(WRONG_CONTENT))
def test_wrong_content_behind_a_right_name_is_refused(app: Flask, way, content):
    send, suffix, _, _ = way
    before = snapshot()
    response = send(f"签约协议{suffix}", WRONG_CONTENT[content])
    assert 400 <= response.status_code < 500, response.status_code
    assert message_of(response), response.get_data(as_text=True)[:500]
    assert changed_tables(before, snapshot()) == []
    assert uploads_under(Path(app.config["UPLOAD_FOLDER"])) == []


# ---------------------------------------------------------------- names that try to be paths

TRICKY_NAMES = ["../../etc/passwd{s}", "..\\..\\x{s}", "/etc/passwd{s}", "C:\\Windows\\system32\\x{s}",
                "....//....//x{s}", "%2e%2e%2fx{s}", "x{s}/../../../y", "a" * 5000 + "{s}", "照片\u202egpj{s}",
                "名片 📇 {s}", ".htaccess{s}", " {s}", "{s}", "CON{s}", "x\r\nSet-Cookie: a=b{s}", 'x";.html{s}']


@pytest.mark.parametrize("way", ["photo-form", "photo-api", "document"], indirect=True)
@pytest.mark.parametrize("pattern", TRICKY_NAMES, ids=lambda p: repr(p[:24]))
def test_a_name_with_path_tricks_is_only_a_label(app: Flask, tmp_path: Path, client, way, pattern):
    send, suffix, good, _ = way
    name = pattern.format(s=suffix)
    response = send(name, good)
    assert response.status_code in (201, 302), response.get_data(as_text=True)[:500]
    folder = Path(app.config["UPLOAD_FOLDER"])
    stored = uploads_under(tmp_path)
    assert len(stored) == 1 and stored[0].is_relative_to(folder) and RANDOM_NAME.match(stored[0].name), stored
    assert not Path("/etc/passwd" + suffix).exists() and not (folder.parent / "etc").exists()

    record = db.session.scalars(select(VisitPhoto)).first() or db.session.scalars(select(ProjectDocument)).first()
    assert record.stored_name == stored[0].name
    assert record.original_name is None or len(record.original_name) <= 200
    for path in (f"/static/{name}", f"/static/{stored[0].name}", f"/{name}", f"/uploads/{stored[0].name}"):
        with client.get(path) as missing:  # nothing is served by the name it came with, nor from a folder
            assert missing.status_code in (308, 404) and good not in missing.get_data()
    if isinstance(record, VisitPhoto):
        url = f"/visits/{record.visit_id}/photos/{record.id}"
    else:
        url = f"/projects/{record.project_id}/documents/{record.id}"
    with client.get(url) as served:
        served.get_data()
        assert served.status_code == 200 and served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.mimetype in ("image/jpeg", "image/png", "application/pdf")
        disposition = served.headers.get("Content-Disposition", "")
        assert not re.search(r"\.\.|[/\\\r\n]", disposition), disposition


# ---------------------------------------------------------------- just over the limit

@pytest.mark.parametrize("way", list(WAYS), indirect=True)
def test_a_file_just_over_its_limit_is_refused(app: Flask, way):
    send, suffix, good, limit = way
    size = app.config[limit] if limit else 20 * 1024 * 1024
    before = snapshot()
    response = send(f"大文件{suffix}", good + bytes(size + 1 - len(good)))
    assert response.status_code in (413, 422), response.status_code
    assert re.search(r"不能超过|超过", message_of(response)), message_of(response)
    assert changed_tables(before, snapshot()) == []
    assert uploads_under(Path(app.config["UPLOAD_FOLDER"])) == []


@pytest.mark.parametrize("way", ["photo-api", "document"], indirect=True)
def test_a_file_at_its_limit_is_taken(app: Flask, way):
    send, suffix, good, limit = way
    response = send(f"刚好{suffix}", good + bytes(app.config[limit] - len(good)))
    assert response.status_code in (201, 302)


# ---------------------------------------------------------------- zip bombs

def bomb(parts: dict[str, int]) -> bytes:
    """A workbook-shaped zip whose parts expand to the given sizes (zeros: a few KB packed per 100 MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for name, size in parts.items():
            with archive.open(name, "w", force_zip64=True) as part:
                for start in range(0, size, 1 << 22):
                    part.write(bytes(min(1 << 22, size - start)))
    return buffer.getvalue()


@pytest.mark.parametrize("parts", [
    {"xl/worksheets/sheet1.xml": 201 * 1024 * 1024},  # one part: a ratio no sheet has
    {f"xl/media/image{n}.bin": 1_000_000 for n in range(210)},  # many parts each too small to judge: their total
], ids=["one-part", "many-parts"])
def test_a_zip_bomb_is_refused_before_it_is_parsed(app: Flask, client, place, login, parts):
    login(place["admin"])
    data = bomb(parts)
    assert len(data) < 2 * 1024 * 1024 and sum(parts.values()) > 200 * 1024 * 1024
    before = snapshot()
    response = spreadsheet(client, place, "签约项目.xlsx", data)
    assert response.status_code == 400 and "压缩炸弹" in message_of(response)
    assert changed_tables(before, snapshot()) == [] and rows(ImportJob) == 0
    assert uploads_under(Path(app.config["UPLOAD_FOLDER"])) == []


def test_a_request_past_the_apps_limit_is_refused_unread(app: Flask, client, place, login):
    login(place["member"])
    response = photo_by_api(client, place, "x.png", PNG + bytes(app.config["MAX_CONTENT_LENGTH"]))
    assert response.status_code == 413 and message_of(response)
    assert rows(VisitPhoto) == 0 and rows(Visit) == 1


@pytest.mark.parametrize("way", list(WAYS), indirect=True)
def test_a_name_with_nul_is_refused(app: Flask, way):
    send, suffix, good, _ = way
    before = snapshot()
    response = send(f"photo\x00.html{suffix}", good)
    assert response.status_code == 400 and "空字符" in message_of(response)
    assert changed_tables(before, snapshot()) == []
    assert uploads_under(Path(app.config["UPLOAD_FOLDER"])) == []
