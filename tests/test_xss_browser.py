"""Markup typed into any text field is shown as text: on every page, in the charts' tooltips and in every export.

Every text a user can type is set to a payload that runs script if a page ever inserts it as HTML; Chromium then
visits each page that lists or shows those records and fails on any dialog, and the exports are read back.
"""

import csv
import hashlib
import io
import re
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from crm.auth.services import hash_password
from crm.core.audit import record
from crm.domain.periods import today
from crm.extensions import db
from crm.models import (
    Contact,
    IssueStatus,
    LeadStage,
    LeadStageChange,
    Milestone,
    Overlap,
    ProjectDocument,
    ProjectIssue,
    Role,
    ServiceItem,
    UserSession,
    VisitPhoto,
)
from crm.visits.photos import photo_path
from tests.conftest import PASSWORD
from tests.plugins.browser import STATIC_FILE_LEFT_OPEN, sign_in
from tests.test_dashboard_browser import hover_ring, point_at
from tests.test_hostile_uploads import PNG

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN)]

# Both payloads in one text (60 characters, within every name's limit): an attribute handler and a closed tag.
XSS = '<img src=x onerror=alert(1)>"><script>alert(2)</script>'
SHORT = "<img src=x onerror=alert(3)>"  # for the 32-character fields (province, city)
HEAD = XSS[:28]  # the payload's first half, as a spreadsheet's header cell holds it
YI = 100_000_000
CHARTS = ("monthly", "funnel", "industries", "teams", "sizes")


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return app_config | {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def marked(make_user, make_team, make_enterprise, make_trip, make_visit, make_lead, make_project) -> dict[str, Any]:
    """Records of this year whose every text field is the payload; returns their ids and the users' names."""
    from crm.imports import jobs

    year, day = today().year, today()
    team = make_team(name=XSS, base_city=XSS)
    leader = make_user(Role.LEADER, display_name=XSS, title=XSS)
    member = make_user(Role.MEMBER, team=team, display_name=XSS, title=XSS)
    admin = make_user(Role.ADMIN, display_name=XSS)
    security = make_user(Role.SECURITY, display_name=XSS, title=XSS)
    auditor = make_user(Role.AUDITOR, display_name=XSS)
    rival_team = make_team(name=XSS + "乙")
    enterprise = make_enterprise(name=XSS, industry=XSS, province=SHORT, city=SHORT)
    db.session.add(Contact(enterprise_id=enterprise.id, name=XSS, title=XSS, phone="13800000000", wechat=XSS))
    trip = make_trip(team=team, destination=XSS, purpose=XSS, summary=XSS, leader=leader,
                     start_on=date(year, 1, 2), end_on=date(year, 1, 3))
    lead = make_lead(team=team, enterprise=enterprise, title=XSS, industry=XSS, next_action=XSS,
                     next_action_on=day, owner=member, stage=LeadStage.NEGOTIATING)
    rival = make_lead(team=rival_team, enterprise=enterprise, title=XSS, industry=XSS)
    dropped = make_lead(team=team, enterprise=enterprise, title=XSS, stage=LeadStage.DROPPED, drop_reason=XSS)
    db.session.add_all([LeadStageChange(lead_id=lead.id, from_stage=LeadStage.CLUE, to_stage=LeadStage.NEGOTIATING,
                                        note=XSS, changed_by_id=member.id),
                        Overlap(enterprise_id=enterprise.id, team_id=team.id, lead_id=rival.id, source="lead",
                                source_id=lead.id, created_by_id=member.id),
                        Overlap(enterprise_id=enterprise.id, team_id=team.id, lead_id=dropped.id, source="lead",
                                source_id=lead.id, resolution=XSS, resolved_by_id=admin.id,
                                resolved_at=datetime.now(UTC))])
    visit = make_visit(team=team, enterprise=enterprise, trip=trip, lead=lead, summary=XSS, next_step=XSS,
                       created_by=member, visited_on=date(year, 1, 2), follow_up_on=day - timedelta(days=1))
    visit.participants = [member]
    project = make_project(team=team, enterprise=enterprise, name=XSS, industry=XSS, location=XSS, remarks=XSS,
                           event_name=XSS, from_event=True, signed_on=date(year, 1, 10),
                           total_investment_yuan=12 * YI, chief_officer=leader)
    pending = make_project(team=team, enterprise=enterprise, name=XSS + "待认定", industry=XSS,
                           signed_on=date(year, 1, 11), total_investment_yuan=3 * YI, verified=False)
    db.session.add_all([ServiceItem(project_id=project.id, name=XSS, owner_id=member.id, due_on=day),
                        ProjectIssue(project_id=project.id, raised_on=date(year, 1, 12), description=XSS,
                                     responsible_unit=XSS, status=IssueStatus.ASSIGNED, created_by_id=member.id),
                        Milestone(project_id=project.id, name=XSS, planned_on=date(year, 6, 1)),
                        ProjectDocument(project_id=pending.id, kind="agreement", stored_name=uuid.uuid4().hex + ".pdf",
                                        content_type="application/pdf", size_bytes=10, original_name=XSS),
                        VisitPhoto(visit_id=visit.id, stored_name=uuid.uuid4().hex + ".png", content_type="image/png",
                                   size_bytes=10, original_name=XSS, created_by_id=member.id)])
    project.service_team = [member]
    for photo in visit.photos:  # the file behind the record, which the visit's page shows
        photo_path(photo).parent.mkdir(parents=True, exist_ok=True)
        photo_path(photo).write_bytes(PNG)
    header = ",".join(["项目名称", "签约企业", "总投资（亿元）", "签约时间", "招商专班", XSS.replace('"', "")])
    spreadsheet = f'{header}\n"{XSS.replace(chr(34), chr(34) * 2)}",企业,1.5,{year}-03-05,上海专班,{SHORT}\n'
    job = jobs.receive_upload(io.BytesIO(spreadsheet.encode()), SHORT + ".csv", kind="projects", sheet=None, rates={},
                              actor=admin)
    # What the browser sent and the audit trail's own words are shown too: a session's user agent on the account
    # page, an event's detail on the audit administrator's.
    db.session.add(UserSession(user_id=admin.id, key_hash=hashlib.sha256(XSS.encode()).hexdigest(), address="10.0.0.9",
                               user_agent=XSS))
    record("login_failed", user_id=member.id, detail=XSS, address="10.0.0.9")
    for user in (leader, member, admin, security, auditor):
        user.password_hash = hash_password(PASSWORD)
    db.session.flush()
    ids = {"team": team.id, "enterprise": enterprise.id, "trip": trip.id, "visit": visit.id, "lead": lead.id,
           "project": project.id, "pending": pending.id, "job": job.id, "admin": admin.username,
           "member": member.username, "leader": leader.username, "member_id": member.id,
           "security": security.username, "auditor": auditor.username}
    db.session.commit()  # and nothing read after it: an open transaction would hold SQLite's lock against the server
    return ids


def watch_dialogs(phone: Any) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    phone.on("dialog", on_dialog)
    return dialogs


def shows_as_text(phone: Any, path: str, text: str = XSS) -> None:
    """Open a page and find the payload in what the reader sees, as text; no element it would have made."""
    response = phone.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    phone.wait_for_load_state("load")
    seen = phone.evaluate("document.body.innerText + [...document.querySelectorAll('input, textarea, option')]"
                          ".map(e => e.value ?? e.textContent).join('\\n')")
    assert text in seen, f"{path}: the payload is not shown as text"
    assert phone.locator('img[src="x"]').count() == 0, path
    inline = phone.evaluate("[...document.scripts].filter(s => !s.src).map(s => s.textContent)")
    assert not any("alert" in script for script in inline), path


ADMIN_PAGES = ["/enterprises/", "/enterprises/{enterprise}", "/enterprises/{enterprise}/edit", "/trips/",
               "/trips/{trip}", "/trips/{trip}/edit", "/visits/", "/visits/{visit}", "/visits/{visit}/edit",
               "/leads/", "/leads/list", "/leads/{lead}", "/leads/{lead}/edit", "/leads/overlaps", "/projects/",
               "/projects/{project}", "/projects/{project}/edit", "/projects/issues", "/projects/pending",
               "/rankings/projects", "/rankings/teams", "/rankings/teams/{team}", "/teams/", "/teams/{team}/edit",
               "/imports/|" + SHORT, "/imports/jobs/{job}/mapping|" + HEAD, "/account/"]
MEMBER_PAGES = ["/visits/follow-ups", "/projects/mine", "/visits/new", "/leads/new", "/trips/new"]
LEADER_PAGES = ["/projects/mine", "/rankings/teams"]
# 三员分立: the accounts are the security administrator's, the audit trail the audit administrator's
SECURITY_PAGES = ["/admin/users/", "/admin/users/{member_id}/edit", "/admin/users/{member_id}/password"]
AUDITOR_PAGES = ["/audit/", "/audit/?action=login_failed"]


def tour(phone: Any, username: str, pages: list[str], ids: dict[str, Any]) -> None:
    phone.goto("/login")
    sign_in(phone, username)
    phone.wait_for_url(re.compile(r"/$"))
    for page in pages:
        path, _, text = page.partition("|")
        shows_as_text(phone, path.format(**ids), text or XSS)


def test_every_page_shows_the_markup_as_text(phone: Any, console_errors: list[str], marked: dict[str, Any]):
    dialogs = watch_dialogs(phone)
    tour(phone, marked["admin"], ADMIN_PAGES, marked)
    assert dialogs == [] and console_errors == []


def test_the_security_and_the_audit_administrators_pages_show_it_as_text(phone: Any, console_errors: list[str],
                                                                         marked: dict[str, Any]):
    dialogs = watch_dialogs(phone)
    tour(phone, marked["security"], SECURITY_PAGES, marked)
    phone.context.clear_cookies()
    tour(phone, marked["auditor"], AUDITOR_PAGES, marked)
    assert dialogs == [] and console_errors == []


def test_a_members_and_a_leaders_pages_show_it_as_text(browser: Any, phone: Any, live_server: str,
                                                      console_errors: list[str], marked: dict[str, Any]):
    dialogs = watch_dialogs(phone)
    tour(phone, marked["member"], MEMBER_PAGES, marked)
    phone.context.clear_cookies()
    tour(phone, marked["leader"], LEADER_PAGES, marked)
    assert dialogs == [] and console_errors == []


def test_chart_tooltips_show_it_as_text(phone: Any, console_errors: list[str], marked: dict[str, Any]):
    from playwright.sync_api import expect

    dialogs = watch_dialogs(phone)
    phone.goto("/login")
    sign_in(phone, marked["leader"])
    expect(phone.get_by_role("heading", level=1)).to_have_text("招商引资工作概况")
    for name in CHARTS:
        expect(phone.locator(f'.chart[data-chart="{name}"]')).to_have_attribute("data-drawn", "true")
    shown = []
    for name in CHARTS:
        chart = phone.locator(f'.chart[data-chart="{name}"]')
        chart.scroll_into_view_if_needed()
        spots = [(0.5, 0.5), (0.3, 0.5), (0.7, 0.5), (0.5, 0.3), (0.5, 0.7), (0.2, 0.8), (0.8, 0.2)]
        if name in ("industries", "sizes"):
            hover_ring(phone, name)
        for x, y in spots:
            box = chart.bounding_box()  # where it is now: the page may have scrolled since the last spot
            point_at(phone, box["x"] + box["width"] * x, box["y"] + box["height"] * y)
            tooltip = chart.locator("div").filter(has_text=XSS)
            if tooltip.count() and tooltip.first.is_visible():  # not the hidden one a spot before left behind
                # "得分：…": label and value joined the Chinese way (waited for: the tooltip fills as it fades in)
                expect(tooltip.first).to_contain_text("：")
                shown.append(name)
                break
    assert {"industries", "teams"} <= set(shown), shown  # the charts that name teams and industries
    assert phone.locator('img[src="x"]').count() == 0
    assert dialogs == [] and console_errors == []


# ---------------------------------------------------------------- exports

EXPORTS = ["projects", "ranking", "teams", "visits", "leads"]


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_keeps_the_markup_as_text(client: Any, marked: dict[str, Any], name: str):
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").text)[1]
    signed_in = client.post("/login", data={"username": marked["admin"], "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    year = today().year
    with client.get(f"/exports/{name}.xlsx?year={year}") as response:
        xlsx = response.get_data()
        assert response.status_code == 200
    with client.get(f"/exports/{name}.csv?year={year}") as response:
        text = response.get_data().decode("utf-8-sig")
        assert response.status_code == 200

    book = CalamineWorkbook.from_filelike(io.BytesIO(xlsx))
    cells = [cell for sheet in book.sheet_names for row in book.get_sheet_by_name(sheet).to_python() for cell in row]
    assert any(isinstance(cell, str) and XSS in cell for cell in cells), f"{name}.xlsx"
    archive = zipfile.ZipFile(io.BytesIO(xlsx))
    for part in archive.namelist():
        if part.startswith("xl/worksheets/"):
            xml = archive.read(part).decode()
            assert "<f>" not in xml and "<f " not in xml, f"{name}.xlsx {part} holds a formula"
    rows = list(csv.reader(io.StringIO(text)))
    assert any(XSS in cell for row in rows for cell in row), f"{name}.csv"
