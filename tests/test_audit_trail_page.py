"""The audit administrator's page: a district's events only, filtered, exported with the rows counted; reading it
is itself audited; an export's audit row counts the rows its file really holds."""

import csv
import io
import json

import pandas as pd
import pytest
from sqlalchemy import select

from crm.core.audit import record
from crm.extensions import db
from crm.models import AuditEvent, Role


@pytest.fixture
def two_districts(make_user, make_district, make_team):
    """An auditor and an admin in each of two districts; a failed sign-in in each, and one of the city's."""
    other = make_district(name="茅箭区", code="MJ")
    people = {"A": (make_user(Role.AUDITOR), make_user(Role.ADMIN)),
              "B": (make_user(Role.AUDITOR, district_id=other.id), make_user(Role.ADMIN, district_id=other.id))}
    for name, (_auditor, admin) in people.items():
        record("login_failed", user_id=admin.id, detail=f"{name}-admin", address="10.0.0.9")
    record("login_failed", detail="nobody-at-all", address="10.0.0.8")  # no one's: the city's
    make_team(name="上海专班")  # a change in district A
    db.session.commit()
    return people


def test_an_auditor_sees_their_districts_events_only(client, login, two_districts):
    auditor, admin = two_districts["A"]
    login(auditor)
    page = client.get("/audit/")
    assert page.status_code == 200
    assert "A-admin" in page.text and "上海专班" in page.text
    assert "B-admin" not in page.text and "nobody-at-all" not in page.text


def test_the_filters_pick_by_who_what_result_and_record(client, login, two_districts):
    auditor, admin = two_districts["A"]
    login(auditor)
    failed = client.get(f"/audit/?result=failed&user={admin.id}").text
    assert "A-admin" in failed and "上海专班" not in failed
    inserts = client.get("/audit/?action=insert&entity=Team").text
    assert "上海专班" in inserts and "A-admin" not in inserts
    assert client.get("/audit/?start=2026-13-01").status_code == 400
    assert client.get("/audit/?start=2026-12-02&end=2026-12-01").status_code == 400


def test_reading_the_trail_is_audited(client, login, two_districts):
    auditor, _ = two_districts["A"]
    login(auditor)
    client.get("/audit/?result=failed")
    seen = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit_view"))
    assert seen.user_id == auditor.id and json.loads(seen.detail)["filters"] == {"result": "failed"}
    assert seen.district_id == auditor.district_id


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_the_trail_export_holds_the_filtered_events_and_its_audit_row_counts_them(client, login, two_districts,
                                                                                   ext):
    auditor, _ = two_districts["A"]
    login(auditor)
    response = client.get(f"/audit/export.{ext}?result=failed")
    assert response.status_code == 200
    if ext == "csv":
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))[2:]
    else:
        rows = pd.read_excel(io.BytesIO(response.data), header=1, engine="calamine").values.tolist()
    assert rows and all("B-admin" not in str(row) for row in rows)
    noted = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()[-1]
    assert json.loads(noted.detail)["rows"] == len(rows) and noted.user_id == auditor.id


def test_a_list_exports_audit_row_counts_the_rows_streamed(client, login, make_user, make_trip, make_visit):
    """The visit log as CSV is streamed: its audit row is written at the end, with the rows the file holds."""
    admin = make_user(Role.ADMIN)
    for _ in range(3):
        make_visit()
    login(admin)
    response = client.get("/exports/visits.csv")
    data = response.data.decode("utf-8-sig")
    rows = [row for row in list(csv.reader(io.StringIO(data)))[2:] if row and row[0] not in ("合计",)]
    noted = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()[-1]
    assert json.loads(noted.detail)["rows"] == 3
    assert len([row for row in rows if row[0].isdigit() or row[0][:4].isdigit()]) == 3
