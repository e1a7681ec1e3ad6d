"""The checklist: protective headers on every kind of response, and an audit trail that records sign-ins,
refusals, exports and imports, and that cannot be changed through the app."""

import io
import json

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import OperationalError

from crm.core.audit import AuditTrailIsAppendOnly, record
from crm.extensions import db
from crm.models import AuditEvent, Role
from crm.projects.lifecycle.verification import add_document
from crm.visits.photos import add_photo
from tests.conftest import PASSWORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def broken():
    raise RuntimeError("boom: secret detail")


def database_down():
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


@pytest.fixture
def site(app, make_user, make_enterprise, make_visit, make_project):
    """Records behind every kind of response, and two routes that fail: one with a bug, one with no database."""
    app.config.update(PROPAGATE_EXCEPTIONS=False, MAX_CONTENT_LENGTH=10_000)
    for view in (broken, database_down):
        view.access_right = "dashboard.view"
        app.add_url_rule(f"/test-{view.__name__}", view.__name__, view)
    admin, member = make_user(Role.ADMIN), make_user(Role.MEMBER)
    visit = make_visit(team=member.team)
    photo = add_photo(visit, io.BytesIO(PNG), "card.png", actor=member)
    project = make_project()
    document = add_document(project, io.BytesIO(PDF), "协议.pdf", "agreement", actor=admin)
    db.session.commit()
    return {"admin": admin, "member": member, "photo": f"/visits/{visit.id}/photos/{photo.id}",
            "document": f"/projects/{project.id}/documents/{document.id}"}


def signed_in(app, user, base_url: str):
    client = app.test_client()
    response = client.post("/login", base_url=base_url, data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def assert_protected(response, *, https: bool) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    assert "geolocation=()" in response.headers.get("Permissions-Policy", "")
    hsts = response.headers.get("Strict-Transport-Security")
    assert (hsts is not None and hsts.startswith("max-age=31536000")) if https else hsts is None


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_every_kind_of_response_carries_the_protective_headers(app, site, scheme):
    base = f"{scheme}://localhost"
    admin = signed_in(app, site["admin"], base)
    member = signed_in(app, site["member"], base)
    anonymous = app.test_client()
    with member.get(site["photo"], base_url=base) as first:
        etag = first.headers["ETag"]
    kinds = [  # (what, client, method, path, extra, expected status)
        ("page", admin, "GET", "/", {}, 200),
        ("api json", member, "GET", "/api/v1/me", {}, 200),
        ("api description", anonymous, "GET", "/api/v1/openapi.json", {}, 200),
        ("chart json", admin, "GET", "/dashboard/data/monthly", {}, 200),
        ("chart json refused", admin, "GET", "/dashboard/data/monthly?year=x", {}, 400),
        ("xlsx download", admin, "GET", "/exports/projects.xlsx", {}, 200),
        ("csv streamed", admin, "GET", "/exports/projects.csv", {}, 200),
        ("photo", member, "GET", site["photo"], {}, 200),
        ("photo unchanged", member, "GET", site["photo"], {"headers": {"If-None-Match": etag}}, 304),
        ("document", admin, "GET", site["document"], {}, 200),
        ("static file", anonymous, "GET", "/static/css/app.css", {}, 200),
        ("service worker", anonymous, "GET", "/sw.js", {}, 200),
        ("manifest", anonymous, "GET", "/manifest.webmanifest", {}, 200),
        ("redirect to sign-in", anonymous, "GET", "/", {}, 302),
        ("redirect to the slash", admin, "GET", "/teams", {}, 308),
        ("api unauthenticated", anonymous, "GET", "/api/v1/me", {}, 401),
        ("forbidden", member, "GET", "/admin/users/", {}, 403),
        ("not found", admin, "GET", "/no-such-page", {}, 404),
        ("method not allowed", admin, "GET", "/logout", {}, 405),
        ("too large", member, "POST", "/visits/new", {"data": {"summary": "x" * 20_000}}, 413),
        ("server error", admin, "GET", "/test-broken", {}, 500),
        ("database down", admin, "GET", "/test-database_down", {}, 503),
        ("head", admin, "HEAD", "/", {}, 200),
        ("options", anonymous, "OPTIONS", "/login", {}, 200),
    ]
    for what, client, method, path, extra, status in kinds:
        with client.open(path, method=method, base_url=base, **extra) as response:
            assert response.status_code == status, what
            assert_protected(response, https=scheme == "https")
            if status >= 500:
                assert "boom" not in response.text and "Traceback" not in response.text


def test_pages_and_data_are_not_kept_by_browsers(app, site):
    admin = signed_in(app, site["admin"], "http://localhost")
    for path in ("/", "/dashboard/data/monthly", "/exports/projects.csv", site["document"]):
        with admin.get(path) as response:
            assert "no-store" in response.headers["Cache-Control"], path
    with app.test_client().get("/api/v1/openapi.json") as response:
        assert response.headers["Cache-Control"] == "no-store"


# The audit trail ----------------------------------------------------------------------------------------------

def actions(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_sign_ins_refusals_exports_and_imports_are_recorded(app, client, runner, make_user, login, tmp_path):
    admin, member = make_user(Role.ADMIN), make_user(Role.MEMBER)
    client.post("/login", data={"username": member.username, "password": "not-the-password"})
    login(member)
    assert client.get("/admin/users/").status_code == 403
    assert client.post("/teams/new", data={"name": "越权专班", "base_city": "上海"}).status_code == 403
    assert client.get("/exports/visits.csv").status_code == 200
    path = tmp_path / "企业.csv"
    path.write_text("企业名称,所属行业\r\n远景能源有限公司,新能源\r\n", encoding="utf-8")
    assert runner.invoke(args=["import", "enterprises", str(path), "--confirm-new"]).exit_code == 0

    failed, = actions("login_failed")
    assert failed.user_id == member.id and failed.address == "127.0.0.1"
    assert [e.user_id for e in actions("login")] == [member.id]
    refusals = actions("forbidden")
    assert [(e.user_id, e.address) for e in refusals] == [(member.id, "127.0.0.1")] * 2
    assert [json.loads(e.detail) for e in refusals] == [
        {"method": "GET", "path": "/admin/users/", "endpoint": "users.index"},
        {"method": "POST", "path": "/teams/new", "endpoint": "teams.create"}]
    export, = actions("export")
    assert export.user_id == member.id and json.loads(export.detail)["export"] == "visits"
    imported, = actions("import")
    assert imported.user_id == admin.id and json.loads(imported.detail)["inserted"] == 1


def test_a_visitor_not_signed_in_is_sent_to_sign_in_without_an_audit_row(client):
    assert client.get("/admin/users/").status_code == 302
    assert actions("forbidden") == []


@pytest.fixture
def event(app, make_user):
    user = make_user(Role.ADMIN)
    event = record("login", user_id=user.id, address="192.0.2.1", detail="as it happened")
    db.session.commit()
    return event


def stored(event_id: int) -> tuple:
    db.session.rollback()
    row = db.session.execute(select(AuditEvent.action, AuditEvent.detail, AuditEvent.address)
                             .where(AuditEvent.id == event_id)).one_or_none()
    return tuple(row) if row else None


def test_an_audit_event_cannot_be_changed(event):
    event_id = event.id
    event.detail = "rewritten"
    event.address = "10.0.0.1"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.commit()
    assert stored(event_id) == ("login", "as it happened", "192.0.2.1")


def test_an_audit_event_cannot_be_deleted(event):
    event_id = event.id
    db.session.delete(event)
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.commit()
    assert stored(event_id) == ("login", "as it happened", "192.0.2.1")


@pytest.mark.parametrize("statement", [
    update(AuditEvent).values(detail="rewritten"),
    delete(AuditEvent),
    update(AuditEvent.__table__).values(detail="rewritten"),
    delete(AuditEvent.__table__).where(AuditEvent.__table__.c.action == "login"),
], ids=["orm update", "orm delete", "table update", "table delete"])
def test_no_statement_through_the_session_changes_the_trail(event, statement):
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.execute(statement)
    assert stored(event.id) == ("login", "as it happened", "192.0.2.1")


def test_new_events_are_still_written(event):
    record("export", detail="{}")
    db.session.commit()
    kept = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity.is_(None)).order_by(AuditEvent.id))
    assert kept.all() == ["login", "export"]
