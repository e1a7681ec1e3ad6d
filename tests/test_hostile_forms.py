"""Hostile input on every form: never a 500, never a partial write, always a message, and kept as typed.

Every POST route of the URL map is either fuzzed here (its fields read from its WTForms class) or named in
NOT_HERE with the test that covers it. Each example posts a mix of plausible and hostile values; then:
- the status is below 500 (in tests an unhandled error propagates, which fails the example too);
- a refusal (4xx) leaves every row of every main table as it was, and carries a Chinese message;
- an acceptance stores the typed text as typed (trimmed at most): nothing cut short, nothing lost.
"""

import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from flask import Flask, current_app
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import select
from wtforms import Field
from wtforms.validators import Length, NumberRange

from crm.domain.periods import today
from crm.extensions import db
from crm.models import (
    Contact,
    Enterprise,
    ImportJob,
    ImportJobStatus,
    IssueStatus,
    Lead,
    LeadStage,
    Milestone,
    Overlap,
    Project,
    ProjectIssue,
    Role,
    ServiceItem,
    Supervision,
    SupervisionAnswer,
    SupervisionStatus,
    Team,
    Trip,
    User,
    Visit,
)
from crm.reminders.services import rules_fingerprint, settings_fingerprint
from crm.reports.scoring import settings_version
from crm.teams.services import targets_fingerprint, targets_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("jobs_end")  # no import thread outlives its test's app

# Tables whose rows a refused request must leave alone (the audit trail and sign-in throttle record refusals).
LOG_TABLES = {"audit_event", "login_attempt"}
CJK = re.compile(r"[\u3400-\u9fff]")
MESSAGES = (re.compile(r'class="field-error">(.*?)</small>', re.S),
            re.compile(r'class="flash flash-error[^"]*"[^>]*>(.*?)</p>', re.S),
            re.compile(r'<p class="error-status">\d+</p>\s*<p>(.*?)</p>', re.S),
            re.compile(r'<(?:section|p|div)[^>]*role="alert"[^>]*>(.*?)</(?:section|p|div)>', re.S))
EXAMPLES = 12

# Covered elsewhere: no fields to fuzz, or a file as the point of the form.
NOT_HERE = {
    "auth.logout": "no fields; tests/test_auth.py",
    "users.deactivate": "no fields; tests/test_admin.py",
    "enterprises.delete_contact": "no fields; tests/test_enterprises.py",
    "enterprises.reveal_contact": "no fields; tests/test_contact_privacy.py",
    "enterprises.undo_merge": "one id (merge_id), checked against the merge records; tests/test_enterprise_merge.py",
    "trips.delete": "no fields; tests/test_trips.py",
    "visits.delete": "no fields; tests/test_visits.py",
    "visits.follow_up_done": "no fields; tests/test_visits.py",
    "projects.restore": "no fields; tests/test_project_lifecycle.py",
    "projects.add_standard_items": "no fields; tests/test_project_service.py",
    "projects.verify_tranche": "no fields; tests/test_funds.py",
    "projects.remove_tranche": "one reason, used up by each request; tests/test_funds.py",
    "api.create_visit": "JSON: test_hostile_api_bodies below and tests/test_api.py",
    "api.add_visit_photo": "a file: tests/test_hostile_uploads.py",
    "api.follow_up_done": "no fields; tests/test_api.py",
    "auth.second_step": "a code checked, never stored: tests/test_second_factor.py",
    "auth.enrol": "a code checked, never stored: tests/test_second_factor.py",
    "auth.confirm": "a password or code checked, never stored: tests/test_fresh_sign_in.py",
    "auth.disable_second_factor": "a password and code checked: tests/test_second_factor.py",
    "auth.new_recovery_codes": "a password and code checked: tests/test_second_factor.py",
    "auth.end_session": "an id: tests/test_sessions_held.py",
    "users.reset_second_factor": "no fields; tests/test_second_factor.py",
    "supervision.close": "no fields; tests/test_supervision.py",
    "path.fill": "no fields; tests/test_path.py",
    "reminders.read": "no fields; tests/test_reminders_pages.py",
    "reminders.read_all": "no fields; tests/test_reminders_pages.py",
}

# ---------------------------------------------------------------- hostile values

TEXT = st.characters(exclude_categories=["Cs"])  # any code point a browser can send (no lone surrogates)
HOSTILE = st.one_of(
    st.text(TEXT, max_size=40),
    st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=6),  # NUL, controls, bidi
    st.builds(lambda a, c, b: a + c + b, st.text(TEXT, max_size=8), st.sampled_from("\x00\x01\x08\x0b\x1b\x7f\x85"),
              st.text(TEXT, max_size=8)),
    st.sampled_from(["\u202eexe.txt", "مرحبا بالعالم", "שלום עולם", "\u200f\u200e\u2066x\u2069", "😀", "👨‍👩‍👧‍👦",
                     "🇨🇳🏳️‍🌈", "ｅｍｏｊｉ", "\ufeff\ufffe\uffff", "<script>alert(1)</script>", "' OR 1=1 --",
                     "%s%n{0}", "\r\n\r\n", " ", "\r", "\t", "\u3000", "null", "None", "undefined", "true", "[]",
                     "{}"]),
    st.integers(10_000, 100_000).map(lambda n: ("招商引资项目Ab1 " * (n // 11 + 1))[:n]),  # very long text
    st.sampled_from(["-1", "-0", "0", "1e30", "999999999999999999999", "NaN", "nan", "inf", "-inf", "Infinity",
                     "1,2", "1,,000", "１２３", "١٢٣", "1e-999999999", "0x10", "1_000", "12亿亿", "−5", "5万亿元",
                     "2147483648", "-2147483649", "9223372036854775808", "1.2.3", "3.14159265358979323846"]),
    st.integers().map(str),
    st.floats().map(str),
    st.sampled_from(["2024-02-30", "0000-00-00", "99999-01-01", "2024-13-01", "2023-02-29", "1900-01-01",
                     "0001-01-01", "9999-12-31", "2024/01/01", "20240101", "2024-1-1", "today", "2024-01-01T00:00"]),
)


def live(read: Callable[[], Any]) -> Callable[[], Any]:
    """A value read from the database when the example is posted (a record's version, a password)."""
    return read


@dataclass(frozen=True)
class Shape:
    """What a form field takes, read from its WTForms field."""

    name: str
    type: str
    max_length: int | None = None
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()


def shape_of(field: Field) -> Shape:
    length = next((v for v in field.validators if isinstance(v, Length) and v.max > 0), None)
    numbers = next((v for v in field.validators if isinstance(v, NumberRange)), None)
    choices = tuple(str(choice[0]) for choice in field.iter_choices()) if hasattr(field, "iter_choices") else ()
    return Shape(field.name, field.type, length.max if length else None,
                 int(numbers.min) if numbers and numbers.min is not None else None,
                 int(numbers.max) if numbers and numbers.max is not None else None, choices)


def plausible(shape: Shape) -> st.SearchStrategy:
    """A value a careful user might type into the field."""
    if shape.type in ("SelectField", "RadioField"):
        return st.sampled_from(shape.choices) if shape.choices else st.just("")
    if shape.type in ("SelectMultipleField", "CheckboxesField"):
        return st.lists(st.sampled_from(shape.choices), unique=True, max_size=3) if shape.choices else st.just([])
    if shape.type == "BooleanField":
        return st.sampled_from(["y", None])
    if shape.type == "DateField":
        return st.dates(date(2024, 1, 1), today()).map(date.isoformat)
    if shape.type == "IntegerField":
        return st.integers(shape.low if shape.low is not None else 0, shape.high if shape.high is not None else 1000)
    if shape.type == "DecimalField":
        return st.decimals(0, 10_000, places=2).map(str)
    if shape.type in ("StringField", "TextAreaField", "PasswordField"):
        words = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=min(shape.max_length or 40, 40))
        return words
    return st.just("")


@st.composite
def submission(draw: st.DrawFn, shapes: list[Shape], values: dict[str, st.SearchStrategy]) -> list[tuple[str, Any]]:
    """Form pairs: plausible values, with a few fields hostile, missing, empty or sent twice."""
    hostile = draw(st.sets(st.sampled_from([s.name for s in shapes]))) if shapes else set()
    pairs: list[tuple[str, Any]] = []
    for shape in shapes:
        if shape.name in hostile:
            how = draw(st.sampled_from(["value", "value", "value", "missing", "twice", "empty"]))
            sent = {"value": lambda: [draw(HOSTILE)], "missing": lambda: [], "empty": lambda: [""],
                    "twice": lambda: draw(st.lists(HOSTILE, min_size=2, max_size=3))}[how]()
        else:
            value = draw(values.get(shape.name, plausible(shape)))
            sent = value if isinstance(value, list) else [] if value is None else [value]
        pairs.extend((shape.name, value) for value in sent)
    return pairs


# ---------------------------------------------------------------- the world the forms act on

@dataclass
class World:
    users: dict[str, User]
    team: Team
    other_team: Team
    enterprise: Enterprise
    spare_enterprise: Enterprise
    contact: Contact
    trip: Trip
    visit: Visit
    lead: Lead
    agreed_lead: Lead
    project: Project
    unverified: Project
    item: ServiceItem
    issue: ProjectIssue
    overlap: Overlap
    make: dict[str, Callable[..., Any]]
    jobs: dict[str, ImportJob] = field(default_factory=dict)


@pytest.fixture
def world(make_user, make_team, make_enterprise, make_trip, make_visit, make_lead, make_project) -> World:
    team, other_team = make_team(name="上海专班"), make_team(name="深圳专班")
    users = {"admin": make_user(Role.ADMIN), "leader": make_user(Role.LEADER), "city": make_user(Role.CITY),
             "security": make_user(Role.SECURITY),  # accounts are the security administrator's (三员分立)
             "lead": make_user(Role.LEAD, team=team), "member": make_user(Role.MEMBER, team=team),
             "other": make_user(Role.MEMBER, team=other_team), "target": make_user(Role.MEMBER, team=team)}
    enterprise, spare = make_enterprise(name="远航动力有限公司"), make_enterprise(name="远航动力（上海）有限公司")
    contact = Contact(enterprise=enterprise, name="张经理", phone="13800000000")
    db.session.add(contact)
    member = users["member"]
    lead = make_lead(team=team, enterprise=enterprise, owner=member)
    agreed = make_lead(team=team, enterprise=spare, title="拟签约项目", stage=LeadStage.AGREED)
    rival = make_lead(team=other_team, enterprise=enterprise, title="对方线索")
    overlap = Overlap(enterprise=enterprise, team_id=team.id, lead=rival, source="lead", source_id=lead.id)
    db.session.add(overlap)
    project = make_project(team=team, enterprise=enterprise, verified=True)
    unverified = make_project(team=team, verified=False)
    item = ServiceItem(project=project, name="施工许可")
    issue = ProjectIssue(project=project, raised_on=date(2026, 1, 5), description="用电报装慢",
                         status=IssueStatus.ASSIGNED)
    db.session.add_all([item, issue, Milestone(project=project, name="开工", planned_on=date(2026, 4, 1))])
    trip = make_trip(team=team)
    visit = make_visit(team=team, enterprise=enterprise, created_by=member, follow_up_on=date(2026, 1, 10))
    db.session.commit()
    return World(users, team, other_team, enterprise, spare, contact, trip, visit, lead, agreed, project,
                 unverified, item, issue, overlap, {"lead": make_lead, "project": make_project,
                                                    "enterprise": make_enterprise})


# A small import file: one project row.
SIGNING_CSV = ("项目名称,签约企业,总投资（亿元）,签约时间,招商专班,项目类型,协议类型\n"
               "导入项目,导入企业有限公司,1.5,2024-03-05,上海专班,新建,正式合同\n").encode()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def imported_job(client, *, previewed: bool) -> ImportJob:
    """Upload the small file as the signed-in admin; confirm its columns and wait for the preview if asked."""
    from crm.imports import runner

    response = client.post("/imports/", data={"kind": "projects", "file": (io.BytesIO(SIGNING_CSV), "签约.csv")})
    assert response.status_code == 302, response.text
    job = db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()
    if previewed:
        fields = {f"field_{c['index']}": c.get("field") or "" for c in job.layout["columns"]}
        assert client.post(f"/imports/jobs/{job.id}/mapping", data=fields).status_code == 302
        assert runner.join_all(60)
        db.session.expire_all()
        assert job.status is ImportJobStatus.PREVIEWED
    return job


# ---------------------------------------------------------------- the forms

@dataclass(frozen=True)
class Form:
    """One POST route: who posts, where, the form class it reads, and where an accepted text is stored."""

    endpoint: str
    role: str
    url: Callable[[World], str]
    form: Callable[[World], Any]
    values: Callable[[World], dict[str, st.SearchStrategy]] = lambda w: {}
    stored: Callable[[World], Any] | None = None  # the record an acceptance wrote
    readback: dict[str, str] = field(default_factory=dict)  # form field → attribute of the stored record
    files: Callable[[], dict[str, Any]] = dict  # a valid file, where the form needs one
    each: Callable[[World, Any], None] | None = None  # before each example: a record to act on afresh


def newest(model: type) -> Callable[[World], Any]:
    return lambda w: db.session.scalars(select(model).order_by(model.id.desc())).first()


def lazy_form(module: str, name: str, **kwargs: Callable[[World], Any]) -> Callable[[World], Any]:
    """Build the view's form class with the arguments the view gives it."""
    def build(w: World) -> Any:
        import importlib
        return getattr(importlib.import_module(module), name)(**{k: make(w) for k, make in kwargs.items()})
    return build


AMOUNT = st.sampled_from(["1", "2.5", "8000", "1,000", "0.01", "12", "3亿", "１２"])
MONEY = {"investment_wan": AMOUNT, "investment": AMOUNT, "total_investment": AMOUNT, "original_amount": AMOUNT,
         "fixed_asset_investment": AMOUNT, "expected_sales": AMOUNT, "expected_tax": AMOUNT,
         "fx_rate": st.sampled_from(["7.1", "0.05", "7.123456"])}
DATE_PAST = st.dates(date(2020, 1, 1), date(2025, 12, 31)).map(date.isoformat)
AFTER_SIGNING = st.dates(date(2026, 3, 6), date(2026, 11, 1)).map(date.isoformat)  # make_project signs on 3 March
PROJECT_FORM = "crm.projects.records.forms"
SERVICE_FORMS = "crm.projects.aftercare.forms"
LIFECYCLE_FORMS = "crm.projects.lifecycle.forms"
SUPERVISION_FORMS = "crm.projects.supervision.forms"
DATE_AHEAD = st.dates(today(), today().replace(year=today().year + 1)).map(date.isoformat)  # a deadline not past


def version_of(record: Callable[[World], Any]) -> Callable[[World], dict[str, st.SearchStrategy]]:
    def values(w: World) -> dict[str, st.SearchStrategy]:
        def current() -> str:
            db.session.expire_all()
            return str(record(w).version)
        return {"version": st.just(live(current))}
    return values


def rule_version_of(district: Callable[[World], int | None]) -> Callable[[World], dict[str, st.SearchStrategy]]:
    """The version of the year's stored scoring rule, 0 while none is stored (as the weights page carries it)."""
    def values(w: World) -> dict[str, st.SearchStrategy]:
        def current() -> str:
            db.session.expire_all()
            return str(settings_version(2026, district(w)))
        return {"version": st.just(live(current))}
    return values


def reminder_settings_opened(w: World) -> dict[str, st.SearchStrategy]:
    """The fingerprint of the member's reminder settings as stored (as the settings page carries it)."""
    def current() -> str:
        db.session.expire_all()
        return settings_fingerprint(w.users["member"])
    return {"opened": st.just(live(current)),
            "email": st.sampled_from(["", "wang.li@zhangwan.gov.cn", "wang", "a@b"])}


def reminder_rules_opened(w: World) -> dict[str, st.SearchStrategy]:
    """The fingerprint of the district's reminder rules and robots as stored (as the rules page carries it)."""
    def current() -> str:
        db.session.expire_all()
        return rules_fingerprint(w.users["admin"].district_id)
    url = st.sampled_from(["", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "ftp://robots.example/x"])
    return {"opened": st.just(live(current)), "wecom_url": url, "dingtalk_url": url}


def targets_opened(w: World) -> dict[str, st.SearchStrategy]:
    """The fingerprint of the team's stored targets (as the targets page carries it)."""
    def current() -> str:
        db.session.expire_all()
        return targets_fingerprint(targets_for(w.team, 2026))
    return {"opened": st.just(live(current))}


FORMS = [
    Form("auth.login", "anonymous", lambda w: "/login", lazy_form("crm.auth.forms", "LoginForm"),
         lambda w: {"username": st.sampled_from([w.users["member"].username, "nobody"]),
                    "password": st.sampled_from([PASSWORD, "wrong-password"]),
                    "next": st.sampled_from(["", "/visits/new", "//evil.example"])}),
    Form("auth.change_password", "member", lambda w: "/account/password",
         lazy_form("crm.auth.forms", "PasswordChangeForm"),
         lambda w: {"current": st.just(PASSWORD), "new": st.just("Another-Horse-Battery"),
                    "confirm": st.just("Another-Horse-Battery")}, each=lambda w, client: password_back(w)),
    Form("auth.set_language", "member", lambda w: "/account/language", lazy_form("crm.auth.forms", "LanguageForm"),
         stored=lambda w: w.users["member"], each=lambda w, client: chinese_again(w)),
    Form("users.create", "security", lambda w: "/admin/users/new", lazy_form("crm.users.forms", "NewUserForm"),
         lambda w: {"username": st.from_regex(r"[a-z][a-z0-9_.-]{2,20}", fullmatch=True),
                    "password": st.just("A-Long-Enough-2026"), "team_id": st.just(str(w.team.id)),
                    "role": st.sampled_from(["member", "lead"])},
         stored=newest(User), readback={"display_name": "display_name", "title": "title"}),
    Form("users.edit", "security", lambda w: f"/admin/users/{w.users['target'].id}/edit",
         lazy_form("crm.users.forms", "UserForm", user=lambda w: w.users["target"]),
         lambda w: {"team_id": st.just(str(w.team.id))} | version_of(lambda w: w.users["target"])(w),
         stored=lambda w: w.users["target"], readback={"display_name": "display_name", "title": "title"}),
    Form("users.reset_password", "security", lambda w: f"/admin/users/{w.users['target'].id}/password",
         lazy_form("crm.users.forms", "PasswordResetForm")),
    Form("teams.create", "admin", lambda w: "/teams/new", lazy_form("crm.teams.forms", "TeamForm"),
         stored=newest(Team), readback={"name": "name", "base_city": "base_city"}),
    Form("teams.edit", "admin", lambda w: f"/teams/{w.team.id}/edit",
         lazy_form("crm.teams.forms", "TeamForm", team=lambda w: w.team), version_of(lambda w: w.team),
         stored=lambda w: w.team, readback={"name": "name", "base_city": "base_city"}),
    Form("teams.targets", "admin", lambda w: f"/teams/{w.team.id}/targets/2026",
         lazy_form("crm.teams.forms", "TargetsForm"), lambda w: {"investment": AMOUNT} | targets_opened(w)),
    Form("enterprises.create", "member", lambda w: "/enterprises/new",
         lazy_form("crm.enterprises.forms", "EnterpriseForm"), lambda w: {"credit_code": st.just("")},
         stored=newest(Enterprise), readback={"name": "name", "industry": "industry", "city": "city"}),
    Form("enterprises.edit", "member", lambda w: f"/enterprises/{w.enterprise.id}/edit",
         lazy_form("crm.enterprises.forms", "EnterpriseForm", enterprise=lambda w: w.enterprise),
         lambda w: {"credit_code": st.sampled_from(["", w.enterprise.credit_code]), "confirm": st.just("y")}
         | version_of(lambda w: w.enterprise)(w),
         stored=lambda w: w.enterprise, readback={"name": "name", "industry": "industry", "province": "province"}),
    Form("enterprises.add_contact", "member", lambda w: f"/enterprises/{w.enterprise.id}/contacts",
         lazy_form("crm.enterprises.forms", "ContactForm"),
         lambda w: {"phone": st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)},
         stored=newest(Contact), readback={"name": "name", "title": "title", "wechat": "wechat"}),
    Form("enterprises.merge", "admin", lambda w: f"/enterprises/{w.spare_enterprise.id}/merge",
         lazy_form("crm.enterprises.forms", "MergeForm"),
         lambda w: {"keep_id": st.sampled_from([str(w.enterprise.id), str(w.spare_enterprise.id), "0"])},
         each=lambda w, client: unmerged(w)),
    Form("trips.create", "member", lambda w: "/trips/new",
         lazy_form("crm.trips.forms", "TripForm", actor=lambda w: w.users["member"]),
         lambda w: {"start_on": st.just("2026-01-05"), "end_on": st.just("2026-01-07")},
         stored=newest(Trip), readback={"destination": "destination", "purpose": "purpose", "summary": "summary"}),
    Form("trips.edit", "member", lambda w: f"/trips/{w.trip.id}/edit",
         lazy_form("crm.trips.forms", "TripForm", actor=lambda w: w.users["member"], trip=lambda w: w.trip),
         lambda w: {"start_on": st.just("2026-01-05"), "end_on": st.just("2026-01-07")}
         | version_of(lambda w: w.trip)(w),
         stored=lambda w: w.trip, readback={"destination": "destination", "purpose": "purpose"}),
    Form("visits.new", "member", lambda w: "/visits/new",
         lazy_form("crm.visits.forms", "VisitForm", team_id=lambda w: w.team.id),
         lambda w: {"uuid": st.just(live(lambda: str(uuid.uuid4()))),  # a replayed one keeps the first
                    "enterprise_id": st.sampled_from(["", str(w.enterprise.id)]),
                    "photos": st.just(None)},
         stored=newest(Visit), readback={"summary": "summary", "next_step": "next_step"}),
    Form("visits.edit", "member", lambda w: f"/visits/{w.visit.id}/edit",
         lazy_form("crm.visits.forms", "VisitForm", team_id=lambda w: w.team.id, visit=lambda w: w.visit),
         lambda w: {"uuid": st.just(w.visit.uuid), "enterprise_id": st.just(str(w.enterprise.id)),
                    "photos": st.just(None)} | version_of(lambda w: w.visit)(w),
         stored=lambda w: w.visit, readback={"summary": "summary", "next_step": "next_step"}),
    Form("leads.create", "member", lambda w: "/leads/new",
         lazy_form("crm.leads.forms", "LeadForm", team=lambda w: w.team),
         lambda w: MONEY | {"enterprise_id": st.just("")},
         stored=newest(Lead), readback={"title": "title", "industry": "industry", "next_action": "next_action"}),
    Form("leads.edit", "member", lambda w: f"/leads/{w.lead.id}/edit",
         lazy_form("crm.leads.forms", "LeadForm", team=lambda w: w.team, lead=lambda w: w.lead),
         lambda w: MONEY | version_of(lambda w: w.lead)(w) | {"enterprise_id": st.just(str(w.enterprise.id))},
         stored=lambda w: w.lead, readback={"title": "title", "industry": "industry", "next_action": "next_action"}),
    Form("leads.move", "member", lambda w: f"/leads/{w.lead.id}/stage", lazy_form("crm.leads.forms", "StageForm"),
         stored=lambda w: w.lead),
    Form("leads.sign", "member", lambda w: f"/leads/{w.agreed_lead.id}/sign", lazy_form("crm.leads.forms", "SignForm"),
         lambda w: MONEY | {"signed_on": DATE_PAST},
         stored=newest(Project), readback={"name": "name", "industry": "industry", "location": "location"},
         each=lambda w, client: agreed_again(w)),
    Form("leads.resolve_overlap", "admin", lambda w: f"/leads/overlaps/{w.overlap.id}/resolve",
         lambda w: _overlap_form(w), stored=lambda w: w.overlap, each=lambda w, client: open_overlap(w)),
    Form("projects.create", "member", lambda w: "/projects/new",
         lazy_form(PROJECT_FORM, "ProjectForm", admin=lambda w: False),
         lambda w: MONEY | {"signed_on": DATE_PAST, "enterprise_id": st.just(""), "currency": st.just("CNY")},
         stored=newest(Project), readback={"name": "name", "industry": "industry", "remarks": "remarks"}),
    Form("projects.edit", "admin", lambda w: f"/projects/{w.project.id}/edit",
         lazy_form(PROJECT_FORM, "ProjectForm", admin=lambda w: True, project=lambda w: w.project),
         lambda w: MONEY | version_of(lambda w: w.project)(w) | {
             "signed_on": DATE_PAST, "enterprise_id": st.just(str(w.enterprise.id)),
             "team_id": st.just(str(w.team.id))},
         stored=lambda w: w.project, readback={"name": "name", "location": "location", "remarks": "remarks"}),
    Form("projects.advance", "member", lambda w: f"/projects/{w.project.id}/advance",
         lazy_form(LIFECYCLE_FORMS, "AdvanceForm"), lambda w: {"on": AFTER_SIGNING}, stored=lambda w: w.project),
    Form("projects.planned", "member", lambda w: f"/projects/{w.project.id}/planned",
         lazy_form(LIFECYCLE_FORMS, "PlannedForm"), lambda w: {
             "planned_start_on": st.just("2026-04-01"), "planned_production_on": st.just("2027-01-01"),
             "planned_capacity_on": st.just("2028-01-01")}),
    Form("path.save_node", "member", lambda w: f"/path/projects/{w.project.id}/nodes",
         lazy_form("crm.path.forms", "NodeForm"), lambda w: {
             "node": st.sampled_from(["registered", "land", "started", "above_scale"]), "planned_on": AFTER_SIGNING,
             "actual_on": st.sampled_from(["", "2026-03-10"])}),
    Form("path.settings", "admin", lambda w: "/path/settings", lazy_form("crm.path.forms", "SettingsForm"),
         lambda w: {"soon_days": st.sampled_from(["15", "0", "3650"]), "late_days": st.sampled_from(["30", "7"]),
                    "issue_days": st.sampled_from(["30", "1"])}),
    Form("reminders.settings", "member", lambda w: "/reminders/settings",
         lazy_form("crm.reminders.forms", "SettingsForm"), reminder_settings_opened),
    Form("reminders.rules", "admin", lambda w: "/reminders/rules", lazy_form("crm.reminders.forms", "RulesForm"),
         reminder_rules_opened),
    Form("projects.add_milestone", "member", lambda w: f"/projects/{w.project.id}/milestones",
         lazy_form(LIFECYCLE_FORMS, "MilestoneForm"), lambda w: {"planned_on": AFTER_SIGNING,
                                                                 "achieved_on": AFTER_SIGNING},
         stored=newest(Milestone), readback={"name": "name"}),
    Form("projects.verify", "admin", lambda w: f"/projects/{w.unverified.id}/verify",
         lazy_form(LIFECYCLE_FORMS, "VerifyForm"), each=lambda w, client: fresh_project(w, "verified")),
    Form("projects.withdraw", "admin", lambda w: f"/projects/{w.project.id}/withdraw",
         lazy_form(LIFECYCLE_FORMS, "ReasonForm"), each=lambda w, client: verified_again(w)),
    Form("projects.void", "admin", lambda w: f"/projects/{w.unverified.id}/void",
         lazy_form(LIFECYCLE_FORMS, "ReasonForm"), stored=lambda w: w.unverified, readback={"reason": "void_reason"},
         each=lambda w, client: fresh_project(w, "voided")),
    Form("projects.upload_document", "admin", lambda w: f"/projects/{w.project.id}/documents",
         lazy_form(LIFECYCLE_FORMS, "DocumentForm"), lambda w: {"file": st.just(None)},
         files=lambda: {"file": (io.BytesIO(PDF), "协议.pdf")}),
    Form("projects.add_tranche", "member", lambda w: f"/projects/{w.project.id}/funds",
         lazy_form("crm.projects.funds.forms", "TrancheForm"), lambda w: {"receipt": st.just(None)}),
    Form("projects.assign_service", "admin", lambda w: f"/projects/{w.project.id}/service-officer",
         lazy_form(SERVICE_FORMS, "AssignForm"),
         lambda w: {"chief_officer_id": st.sampled_from(["", str(w.users["leader"].id)]),
                    "member_ids": st.lists(st.sampled_from([str(w.users["member"].id), str(w.users["lead"].id)]),
                                           unique=True)}),
    Form("projects.add_service_item", "member", lambda w: f"/projects/{w.project.id}/service-items",
         lazy_form(SERVICE_FORMS, "ItemForm"), lambda w: {"owner_id": st.sampled_from(["", str(w.users["member"].id)])},
         stored=newest(ServiceItem), readback={"name": "name"}),
    Form("projects.update_service_item", "member",
         lambda w: f"/projects/{w.project.id}/service-items/{w.item.id}", lazy_form(SERVICE_FORMS, "ItemUpdateForm"),
         lambda w: {"owner_id": st.sampled_from(["", str(w.users["member"].id)]), "done_on": AFTER_SIGNING}
         | version_of(lambda w: w.item)(w)),
    Form("projects.complete_service_item", "member",
         lambda w: f"/projects/{w.project.id}/service-items/{w.item.id}/done", lazy_form(SERVICE_FORMS, "CompleteForm"),
         lambda w: version_of(lambda w: w.item)(w)),
    Form("projects.raise_issue", "member", lambda w: f"/projects/{w.project.id}/issues",
         lazy_form(SERVICE_FORMS, "IssueForm"), lambda w: {"raised_on": DATE_PAST},
         stored=newest(ProjectIssue), readback={"description": "description", "responsible_unit": "responsible_unit"}),
    Form("projects.advance_issue", "member", lambda w: f"/projects/{w.project.id}/issues/{w.issue.id}/advance",
         lazy_form(SERVICE_FORMS, "AdvanceForm"), lambda w: {"on": AFTER_SIGNING}),
    Form("supervision.issue", "leader", lambda w: f"/projects/{w.project.id}/supervision",
         lazy_form(SUPERVISION_FORMS, "OrderForm"),
         lambda w: {"deadline": DATE_AHEAD, "receiver_id": st.sampled_from(["", str(w.users["member"].id)]),
                    "issue_id": st.sampled_from(["", str(w.issue.id)])},
         stored=newest(Supervision), readback={"what": "what", "receiver_unit": "receiver_unit"}),
    Form("supervision.answer", "member", lambda w: f"/projects/supervision/{standing_order(w).id}/answer",
         lazy_form(SUPERVISION_FORMS, "AnswerForm"), stored=newest(SupervisionAnswer), readback={"text": "text"},
         each=lambda w, client: answered_and_open(w)),
    Form("supervision.send_back", "admin", lambda w: f"/projects/supervision/{standing_order(w).id}/return",
         lazy_form(SUPERVISION_FORMS, "SendBackForm"), stored=lambda w: standing_order(w),
         readback={"note": "return_note"}, each=lambda w, client: answered_and_open(w)),
    Form("rankings.weights", "admin", lambda w: "/rankings/weights/2026",
         lazy_form("crm.rankings.forms", "WeightsForm"),
         lambda w: {"overdue_deduction": st.sampled_from(["2", "0.5", "0", "100"])}
         | rule_version_of(lambda w: w.users["admin"].district_id)(w)),
    Form("rankings.freeze", "admin", lambda w: "/rankings/teams/freeze",
         lazy_form("crm.rankings.forms", "FreezeForm"),
         lambda w: {"year": st.integers(2020, 2025)}),
    Form("rankings.district_weights", "city", lambda w: "/rankings/districts/weights/2026",
         lazy_form("crm.rankings.forms", "CityWeightsForm"),
         lambda w: {"overdue_deduction": st.sampled_from(["2", "0.5", "0", "100"])}
         | rule_version_of(lambda w: None)(w)),
    Form("rankings.district_freeze", "city", lambda w: "/rankings/districts/freeze",
         lazy_form("crm.rankings.forms", "FreezeForm"),
         lambda w: {"year": st.integers(2020, 2025)}),
    Form("imports.index", "admin", lambda w: "/imports/", lazy_form("crm.imports.forms", "UploadForm"),
         lambda w: {"file": st.just(None), "rates": st.sampled_from(["", "USD=7.1", "USD=7.1, EUR=7.8"]),
                    "sheet": st.just("")},
         files=lambda: {"file": (io.BytesIO(SIGNING_CSV), "签约.csv")}),
    Form("imports.mapping", "admin", lambda w: f"/imports/jobs/{w.jobs['uploaded'].id}/mapping",
         lambda w: _mapping_form(w.jobs["uploaded"]),
         lambda w: {f"field_{c['index']}": st.just(c.get("field") or "") for c in w.jobs["uploaded"].layout["columns"]},
         each=lambda w, client: job_in(w, client, "uploaded")),
    Form("imports.start_import", "admin", lambda w: f"/imports/jobs/{w.jobs['previewed'].id}/import",
         lambda w: _import_form(w.jobs["previewed"]),
         each=lambda w, client: job_in(w, client, "previewed")),
]


def fresh_project(w: World, flag: str) -> None:
    """A new unverified project once the last one has been verified or voided."""
    if getattr(w.unverified, flag):
        w.unverified = w.make["project"](team=w.team, verified=False)


def standing_order(w: World) -> Supervision:
    """The project's 督办 to a unit (issued by the office the first time it is asked for)."""
    order = db.session.scalar(select(Supervision).where(Supervision.project_id == w.project.id)
                              .order_by(Supervision.id))
    if order is None:
        order = Supervision(project=w.project, what="协调用地", receiver_unit="区自然资源局", deadline=today(),
                            issuer_id=w.users["admin"].id)
        db.session.add(order)
        db.session.commit()
    return order


def answered_and_open(w: World) -> None:
    """The order answered and open again, so it may be answered, closed or sent back."""
    order = standing_order(w)
    if order.status is not SupervisionStatus.OPEN or not order.answers:
        order.status, order.closed_on = SupervisionStatus.OPEN, None
        if not order.answers:
            order.answers.append(SupervisionAnswer(text="已办理", answered_by_id=w.users["member"].id))
        db.session.commit()


def verified_again(w: World) -> None:
    if not w.project.verified:
        w.project.verified = True
        db.session.commit()


def agreed_again(w: World) -> None:
    if w.agreed_lead.stage is not LeadStage.AGREED:
        w.agreed_lead = w.make["lead"](team=w.team, enterprise=w.make["enterprise"](), stage=LeadStage.AGREED)


def open_overlap(w: World) -> None:
    if w.overlap.resolved_at is not None:
        w.overlap = Overlap(enterprise=w.enterprise, team_id=w.team.id, lead=w.overlap.lead, source="lead",
                            source_id=w.lead.id)
        db.session.add(w.overlap)
        db.session.commit()


def unmerged(w: World) -> None:
    if w.spare_enterprise.merged_into_id is not None:
        w.spare_enterprise = w.make["enterprise"]()


def chinese_again(w: World) -> None:
    """Back to Chinese, in which the refusals are checked, after an example chose English."""
    w.users["member"].locale = "zh_CN"
    db.session.commit()


def password_back(w: World) -> None:
    from crm.auth.services import hash_password
    w.users["member"].password_hash = hash_password(PASSWORD)
    db.session.commit()


def job_in(w: World, client, status: str) -> None:
    """An import job uploaded, or previewed, to post to: a new one once the last has moved on."""
    from crm.imports.jobs import MAPPABLE

    job = w.jobs.get(status)
    if job is not None:
        db.session.refresh(job)
    wanted = ImportJobStatus.PREVIEWED if status == "previewed" else None
    if job is None or (job.status is not wanted if wanted else job.status not in MAPPABLE):
        w.jobs[status] = imported_job(client, previewed=status == "previewed")


def _overlap_form(w: World) -> Any:
    from crm.leads.overlap_views import resolve_form
    return resolve_form(w.overlap)


def _mapping_form(job: ImportJob) -> Any:
    from crm.imports.forms import mapping_form
    return mapping_form(job.kind, job.layout["columns"])


def _import_form(job: ImportJob) -> Any:
    from crm.imports import jobs
    from crm.imports.forms import import_form
    return import_form((job.summary or {}).get("new_teams", []), jobs.team_options())


# ---------------------------------------------------------------- checks

def snapshot() -> dict[str, list[tuple]]:
    """Every row of every main table, read on a connection of its own (what has been committed)."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in LOG_TABLES]
    db.session.commit()  # the test's own session must not hold SQLite's write lock meanwhile
    with current_app.test_request_context(), db.engine.connect() as connection:  # a reader's deferred BEGIN
        return {t.name: [tuple(row) for row in connection.execute(select(t).order_by(*t.primary_key.columns))]
                for t in tables}


def changed_tables(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def message_of(response) -> str:
    """The refusal's message: a JSON message, or the text of a field error, an error notice or the error page."""
    if response.is_json:
        return str(response.json.get("message", ""))
    html = response.get_data(as_text=True)
    found = [text for pattern in MESSAGES for text in pattern.findall(html)]
    return " ".join(text for text in found if CJK.search(text))


def shown(value: Any) -> str:
    """A value as a failure report shows it: long text cut, with its length."""
    text = repr(value)
    return text if len(text) < 120 else f"{text[:100]}…({len(value)} chars)"


def form_shapes(app: Flask, w: World, spec: Form) -> list[Shape]:
    with app.test_request_context():
        return [shape_of(f) for f in spec.form(w) if f.type != "CSRFTokenField"]


def post(client, url: str, pairs: list[tuple[str, Any]], files: dict[str, Any]):
    """Post the pairs as a browser does: urlencoded, or multipart when a file goes along."""
    from werkzeug.datastructures import MultiDict

    data = MultiDict([(name, value() if callable(value) else value) for name, value in pairs])
    for name, file in files.items():
        data.add(name, file)
    return client.post(url, data=data)


def stored_as_typed(spec: Form, w: World, pairs: list[tuple[str, Any]]) -> None:
    record = spec.stored(w)
    db.session.refresh(record)
    sent: dict[str, list[str]] = {}
    for name, value in pairs:
        sent.setdefault(name, []).append(value)
    for name, attribute in spec.readback.items():
        if len(sent.get(name, [])) != 1:
            continue
        typed, kept = sent[name][0], getattr(record, attribute)
        allowed = {typed, typed.strip()} | ({None} if not typed.strip() else set())
        assert kept in allowed, f"{spec.endpoint}: {name} typed {typed[:80]!r} (len {len(typed)}), " \
                                f"stored {str(kept)[:80]!r} (len {len(kept or '')})"


def test_every_post_route_is_fuzzed_or_named(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    fuzzed = {spec.endpoint for spec in FORMS}
    assert posts - fuzzed - set(NOT_HERE) == set()
    assert (fuzzed | set(NOT_HERE)) - posts == set()  # no stale names
    assert not fuzzed & set(NOT_HERE)


@pytest.mark.parametrize("spec", FORMS, ids=lambda spec: spec.endpoint)
def test_hostile_form_input(spec: Form, app, client, world, login):
    from crm.imports import runner

    if spec.role != "anonymous":
        login(world.users[spec.role])
    if spec.each:
        spec.each(world, client)
    shapes = form_shapes(app, world, spec)
    assert shapes, f"{spec.endpoint} has no fields to fuzz"
    values = spec.values(world)
    statuses: list[int] = []

    @given(pairs=submission(shapes, values))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large, HealthCheck.large_base_example])
    def answers_without_harm(pairs: list[tuple[str, Any]]) -> None:
        if spec.each:
            spec.each(world, client)
        if spec.role == "anonymous":
            client.delete_cookie("session")
        else:
            with client.session_transaction() as session:
                session.pop("_flashes", None)  # a notice left by the last example is not this refusal's message
        pairs = [(name, value() if callable(value) else value) for name, value in pairs]
        note(f"posted {[(name, shown(value)) for name, value in pairs]}")
        before = snapshot()
        response = post(client, spec.url(world), pairs, spec.files())
        runner.join_all(60)
        statuses.append(response.status_code)
        assert response.status_code < 500, response.get_data(as_text=True)[:2000]
        if 400 <= response.status_code < 500:
            assert changed_tables(before, snapshot()) == [], f"{spec.endpoint} refused ({response.status_code}) " \
                                                             "but changed the database"
            assert message_of(response), f"{spec.endpoint} refused ({response.status_code}) without a message"
        elif spec.stored is not None and response.status_code in (302, 303):
            stored_as_typed(spec, world, pairs)

    answers_without_harm()
    print(spec.endpoint, sorted(statuses))


# ---------------------------------------------------------------- the JSON API

JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | HOSTILE,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(TEXT, max_size=8), inner, max_size=3),
    max_leaves=6)
VISIT_KEYS = ["uuid", "visited_on", "kind", "enterprise_id", "enterprise_name", "participant_ids", "summary",
              "next_step", "follow_up_on", "trip_id", "lead_id"]


@st.composite
def visit_bodies(draw: st.DrawFn, w: World) -> Any:
    """A visit as the phone sends it, with some keys hostile or missing, or not an object at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON_VALUE)
    plausible_body = {"uuid": str(draw(st.uuids())), "visited_on": draw(DATE_PAST), "kind": "call_on",
                      "enterprise_id": w.enterprise.id, "summary": draw(st.text(TEXT, max_size=30)),
                      "participant_ids": [w.users["member"].id]}
    for key in draw(st.sets(st.sampled_from(VISIT_KEYS))):
        if draw(st.booleans()):
            plausible_body.pop(key, None)
        else:
            plausible_body[key] = draw(JSON_VALUE)
    return plausible_body


def test_hostile_api_bodies(app, client, world, login):
    login(world.users["member"])

    @given(body=visit_bodies(world))
    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    def answers_without_harm(body: Any) -> None:
        before = snapshot()
        response = client.post("/api/v1/visits", json=body)
        assert response.status_code < 500
        assert response.is_json
        if response.status_code >= 400:
            assert changed_tables(before, snapshot()) == []
            assert CJK.search(response.json["message"])
        elif response.json["created"]:
            visit = db.session.scalars(select(Visit).where(Visit.uuid == response.json["visit"]["uuid"])).one()
            for key in ("summary", "next_step"):
                assert getattr(visit, key) == ((body.get(key) or "").strip() or None)

    answers_without_harm()


LIST_PAGES = ["/", "/enterprises/", "/trips/", "/visits/", "/visits/follow-ups", "/leads/", "/leads/list",
              "/projects/", "/projects/issues", "/projects/pending", "/rankings/projects", "/rankings/teams",
              "/rankings/teams/{team}", "/leads/overlaps", "/admin/users/", "/teams/", "/imports/",
              "/dashboard/data/monthly", "/exports/projects.xlsx", "/exports/ranking.csv", "/exports/teams.xlsx",
              "/exports/visits.csv", "/exports/leads.xlsx", "/leads/new", "/projects/new", "/enterprises/new"]
# The filters' own names, and words links or url_for could mistake for their own.
QUERY_NAMES = ["q", "industry", "province", "city", "ownership", "team", "team_id", "year", "quarter", "month",
               "start", "end", "ytd", "destination", "kind", "stage", "status", "owner", "enterprise", "size", "page",
               "per_page", "verified", "endpoint", "_method", "_external", "_scheme", "_anchor", "name", "ext",
               "project_id", "values", "enterprise_id"]


@pytest.mark.parametrize("path", LIST_PAGES)
def test_hostile_list_filters(client, world, login, path):
    """The lists' filters, read from the query string: a bad one is refused or left out, never a 500."""
    login(world.users["admin"])

    @given(query=st.lists(st.tuples(st.sampled_from(QUERY_NAMES), HOSTILE), max_size=5))
    @settings(max_examples=15, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    def answers_without_harm(query: list[tuple[str, str]]) -> None:
        from werkzeug.datastructures import MultiDict

        with client.get(path.format(team=world.team.id), query_string=MultiDict(query)) as response:
            response.get_data()  # read before the file it was sent from closes
            assert response.status_code < 500
            if response.status_code >= 400:
                assert message_of(response)

    answers_without_harm()


@pytest.mark.parametrize("path", ["/api/v1/enterprises", "/api/v1/visits"])
def test_hostile_api_queries(client, world, login, path):
    login(world.users["member"])

    @given(query=st.dictionaries(st.sampled_from(["q", "start", "end", "page", "per_page"]), HOSTILE, max_size=4))
    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    def answers_without_harm(query: dict[str, str]) -> None:
        response = client.get(path, query_string=query)
        assert response.status_code < 500 and response.is_json
        if response.status_code >= 400:
            assert CJK.search(response.json["message"])

    answers_without_harm()



@pytest.mark.parametrize("spec", [spec for spec in FORMS if spec.role != "anonymous"], ids=lambda spec: spec.endpoint)
def test_nul_in_any_text_is_refused_alike_on_every_database(spec: Form, app, client, world, login):
    """PostgreSQL cannot keep NUL in text and SQLite can: both refuse it, before anything is read or written."""
    login(world.users[spec.role])
    if spec.each:
        spec.each(world, client)
    texts = [s.name for s in form_shapes(app, world, spec)
             if s.type in ("StringField", "TextAreaField", "PasswordField", "HiddenField")] or ["note"]
    before = snapshot()
    response = post(client, spec.url(world), [(name, "名\x00称") for name in texts], spec.files())
    assert response.status_code == 400 and "空字符" in message_of(response)
    assert changed_tables(before, snapshot()) == []


@pytest.mark.parametrize("url", ["/enterprises/?q=%00", "/visits/?q=a%00", "/leads/list?enterprise=%00",
                                 "/api/v1/enterprises?q=%00", "/api/v1/visits?start=%00"])
def test_nul_in_a_query_is_refused(client, world, login, url):
    login(world.users["member"])
    response = client.get(url)
    assert response.status_code == 400 and "空字符" in message_of(response)


def test_nul_in_json_or_a_path_is_refused(client, world, login):
    login(world.users["member"])
    before = snapshot()
    response = client.post("/api/v1/visits", json={"uuid": str(uuid.uuid4()), "visited_on": "2026-01-05",
                                                   "enterprise_name": "某\u0000公司"})
    assert response.status_code == 400 and "空字符" in response.json["message"]
    response = client.post("/api/v1/visits/%00/photos", headers={"X-Requested-With": "magnet"})
    assert response.status_code == 400 and "空字符" in response.json["message"]
    assert changed_tables(before, snapshot()) == []
