"""The rules table of docs/security.md, checked against every endpoint, role and method.

One world (teams A and B, a user of every role, a record of every kind per team) is built once per
database; each role signs in once, then every row's URL is asked for with every method the row
lists, for an object of team A, and for cells `own` and `serves` for an object of each team.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from crm.domain.periods import today
from crm.extensions import db
from crm.models import (
    Contact,
    FundKind,
    FundSource,
    FundsTranche,
    ImportJob,
    ImportJobStatus,
    LeadStage,
    Milestone,
    Overlap,
    ProjectIssue,
    Reminder,
    ReminderKind,
    Role,
    ServiceItem,
    Supervision,
    User,
)
from crm.projects.lifecycle import verification
from crm.rankings.services import freeze_quarter
from crm.visits import photos
from tests.conftest import PASSWORD

DOC = Path(__file__).resolve().parents[1] / "docs" / "security.md"
ROLES = ("anonymous", "member A", "lead A", "member B", "leader", "admin", "city")
CELLS = {"allow", "deny", "login", "404", "own", "serves"}
# duty: the security or audit administrator's own pages (三员分立): none of the business's people, admin included
# person: the person's own record (a reminder), 404 to everyone else
SCOPES = {"none", "own team", "project served", "admin", "duty", "person"}
METHODS = {"GET", "POST"}
VALIDATION = {400, 409, 422}  # an allowed request may still be refused for what it carries

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass(frozen=True)
class Rule:
    """One row of the table: who gets what at one endpoint."""

    endpoint: str
    methods: frozenset[str]
    scope: str
    cells: dict[str, str]


def read_rules(text: str) -> dict[str, Rule]:
    """The rows of the table whose header starts with `| endpoint |`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"\|\s*endpoint\s*\|", line))
    header = [cell.strip() for cell in lines[start].strip().strip("|").split("|")]
    assert header == ["endpoint", "methods", "scope", *ROLES], header
    rules: dict[str, Rule] = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        endpoint = cells[0].strip("`")
        assert endpoint not in rules, f"{endpoint} is in the table twice"
        rules[endpoint] = Rule(endpoint, frozenset(m.strip() for m in cells[1].split(",")), cells[2],
                               dict(zip(ROLES, cells[3:], strict=True)))
    return rules


RULES = read_rules(DOC.read_text(encoding="utf-8"))


def test_the_table_is_well_formed():
    for rule in RULES.values():
        assert rule.methods <= METHODS and rule.methods, rule.endpoint
        assert rule.scope in SCOPES, rule.endpoint
        assert set(rule.cells.values()) <= CELLS, rule.endpoint
        if rule.scope == "admin":
            assert {rule.cells[r] for r in ROLES[1:5]} == {"deny"} and rule.cells["admin"] == "allow", rule.endpoint
            assert rule.cells["city"] == "deny", rule.endpoint  # the city reads, it keeps no district's records
        if rule.scope == "duty":
            assert {rule.cells[r] for r in ROLES[1:]} == {"deny"}, rule.endpoint
        if "own" in rule.cells.values():
            assert rule.scope == "own team", rule.endpoint
        if "serves" in rule.cells.values():
            assert rule.scope == "project served", rule.endpoint


def test_every_endpoint_is_in_the_table_and_no_other(app: Flask):
    served = {rule.endpoint: frozenset(rule.methods) & METHODS for rule in app.url_map.iter_rules()
              if rule.endpoint != "static"}
    assert set(RULES) - set(served) == set(), "rows for endpoints the app does not have"
    assert set(served) - set(RULES) == set(), "endpoints the table does not list"
    assert {e: served[e] for e in served if served[e] != RULES[e].methods} == {}, "methods differ"


@dataclass
class Side:
    """One team's users and records, by kind."""

    team: Any
    member: User
    lead: User
    records: dict[str, Any] = field(default_factory=dict)


@dataclass
class World:
    a: Side
    b: Side
    leader: User
    admin: User
    target: User  # the user the admin pages are asked about
    city: User  # 市招商局: reads every district, changes none
    snapshot_id: int
    city_snapshot_id: int
    job_id: int
    fresh: dict[str, Callable[[Side], Any]]

    def user(self, role: str) -> User | None:
        return {"anonymous": None, "member A": self.a.member, "lead A": self.a.lead, "member B": self.b.member,
                "leader": self.leader, "admin": self.admin, "city": self.city}[role]


def build_side(name: str, make: dict[str, Callable[..., Any]], leader: User, admin: User) -> Side:
    team = make["team"](name=f"{name}专班")
    side = Side(team, make["user"](Role.MEMBER, team=team, username=f"member_{name}"),
                make["user"](Role.LEAD, team=team, username=f"lead_{name}"))
    enterprise = make["enterprise"](name=f"{name}新材料有限公司")
    trip = make["trip"](team=team)
    lead = make["lead"](team=team, enterprise=enterprise, owner=side.member, stage=LeadStage.AGREED,
                        next_action_on=today())
    visit = make["visit"](team=team, enterprise=enterprise, trip=trip, lead=lead, created_by=side.member,
                          participants=[side.member], follow_up_on=today(), summary="初访")
    project = make["project"](team=team, enterprise=enterprise, signed_on=date(2026, 1, 10),
                              chief_officer=leader if name == "甲" else None)
    contact = Contact(enterprise=enterprise, name="王经理", phone="13812345678")
    item = ServiceItem(project=project, name="施工许可")
    issue = ProjectIssue(project=project, raised_on=date(2026, 1, 12), description="用地指标")
    order = Supervision(project=project, what="协调用地", receiver_unit="区自然资源局", deadline=today(), issuer=leader)
    db.session.add_all([contact, item, issue, order,
                        Milestone(project=project, name="首条产线", planned_on=date(2026, 9, 1))])
    photo = photos.add_photo(visit, io.BytesIO(PNG), "名片.png", actor=side.member)
    document = verification.add_document(project, io.BytesIO(PDF), "协议.pdf", "agreement", actor=admin)
    tranche = FundsTranche(project=project, received_on=date(2026, 2, 1), amount_yuan=5_000_000,
                           source=FundSource.OUT_OF_PROVINCE, kind=FundKind.FIXED_ASSET)
    db.session.add(tranche)
    reminder = Reminder(district_id=team.district_id, user_id=side.member.id, kind=ReminderKind.FOLLOW_UP,
                        record_type="lead", record_id=lead.id, subject=lead.title, due_on=today(), raised_on=today())
    db.session.add(reminder)
    db.session.commit()
    side.records = {"enterprise": enterprise, "contact": contact, "trip": trip, "lead": lead, "visit": visit,
                    "photo": photo, "project": project, "item": item, "issue": issue, "document": document,
                    "tranche": tranche, "supervision": order, "reminder": reminder}
    return side


def build_world(make: dict[str, Callable[..., Any]]) -> World:
    leader = make["user"](Role.LEADER, username="leader")
    admin = make["user"](Role.ADMIN, username="admin")
    a = build_side("甲", make, leader, admin)
    b = build_side("乙", make, leader, admin)
    # 撞单: team B visited the enterprise team A courts
    overlap = Overlap(enterprise=a.records["enterprise"], team=b.team, lead=a.records["lead"], source="visit",
                      source_id=b.records["visit"].id)
    db.session.add(overlap)
    a.records["overlap"] = b.records["overlap"] = overlap
    snapshot = freeze_quarter(2025, 4, district_id=admin.district_id, actor_id=admin.id, today=today())
    city = make["user"](Role.CITY, username="city")
    city_snapshot = freeze_quarter(2025, 4, district_id=None, actor_id=city.id, today=today())
    job = ImportJob(kind="enterprises", file_name="企业.xlsx", layout={"columns": []}, options={},
                    status=ImportJobStatus.DONE, summary={}, created_by_id=admin.id)
    db.session.add(job)
    target = make["user"](Role.MEMBER, team=b.team, username="target")
    db.session.commit()

    def fresh_trip(side: Side) -> Any:
        return make["trip"](team=side.team)

    def fresh_visit(side: Side) -> Any:
        return make["visit"](team=side.team, enterprise=side.records["enterprise"], created_by=side.member)

    def fresh_contact(side: Side) -> Any:
        contact = Contact(enterprise=side.records["enterprise"], name="李主任")
        db.session.add(contact)
        db.session.commit()
        return contact

    def fresh_user(side: Side) -> Any:
        return make["user"](Role.MEMBER, team=side.team)

    def fresh_tranche(side: Side) -> Any:
        tranche = FundsTranche(project=side.records["project"], received_on=date(2026, 2, 2), amount_yuan=1_000_000,
                               source=FundSource.IN_CITY, kind=FundKind.WORKING)
        db.session.add(tranche)
        db.session.commit()
        return tranche

    return World(a, b, leader, admin, target, city, snapshot.id, city_snapshot.id, job.id,
                 fresh={"trips.delete": fresh_trip, "visits.delete": fresh_visit,
                        "enterprises.delete_contact": fresh_contact, "users.deactivate": fresh_user,
                        "projects.remove_tranche": fresh_tranche})


# Which record fills each URL argument.
ARGUMENT_RECORDS = {"enterprise_id": "enterprise", "contact_id": "contact", "trip_id": "trip", "visit_id": "visit",
                    "photo_id": "photo", "lead_id": "lead", "overlap_id": "overlap", "project_id": "project",
                    "document_id": "document", "item_id": "item", "issue_id": "issue", "tranche_id": "tranche",
                    "supervision_id": "supervision", "reminder_id": "reminder"}
NAMES = {"dashboard.chart": "monthly", "exports.download": "visits"}


def url_for_side(app: Flask, world: World, endpoint: str, side: Side) -> str:
    """The URL of an endpoint, for the records of one team (or a fresh one, where the request uses it up)."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    records = dict(side.records)
    if endpoint in world.fresh:
        made = world.fresh[endpoint](side)
        records[{"trips.delete": "trip", "visits.delete": "visit", "enterprises.delete_contact": "contact",
                 "users.deactivate": "user", "projects.remove_tranche": "tranche"}[endpoint]] = made
    values: dict[str, Any] = {}
    for argument in rule.arguments:
        if argument in ARGUMENT_RECORDS:
            values[argument] = records[ARGUMENT_RECORDS[argument]].id
        elif argument == "team_id":
            values[argument] = side.team.id
        elif argument == "user_id":
            values[argument] = records["user"].id if "user" in records else world.target.id
        elif argument == "snapshot_id":
            city = endpoint.startswith("rankings.district_")
            values[argument] = world.city_snapshot_id if city else world.snapshot_id
        elif argument == "job_id":
            values[argument] = world.job_id
        elif argument == "year":
            values[argument] = 2026
        elif argument == "uuid":
            values[argument] = records["visit"].uuid
        elif argument == "name":
            values[argument] = NAMES[endpoint]
        elif argument == "ext":
            values[argument] = "csv"
        else:
            raise AssertionError(f"no value for <{argument}> of {endpoint}")
    if endpoint == "dashboard.chart":
        values["team"] = side.team.id
    return app.url_map.bind("localhost").build(endpoint, values)


def outcome(endpoint: str, response: Any) -> str:
    """The class of an answer: allow, deny, login or 404 (or the status, when it is none of these)."""
    status = response.status_code
    api = endpoint.startswith("api.")
    if api and status == 401 and response.is_json and response.json.get("error") == "unauthenticated":
        return "login"
    if not api and status == 302 and response.location.startswith("/login?next="):
        return "login"
    if status == 403:
        return "deny"
    if status == 404:
        return "404"
    if status < 400 or status in VALIDATION:
        return "allow"
    return f"status {status}"


def expectations(rule: Rule, role: str, user: User | None, world: World) -> list[tuple[Side, str]]:
    """(the team whose record is asked for, the outcome expected) for one cell."""
    cell = rule.cells[role]
    own, other = (world.b, world.a) if user is not None and user.team_id == world.b.team.id else (world.a, world.b)
    if cell == "own":
        return [(own, "allow"), (other, "404")]
    if cell == "serves":
        return [(own, "allow"), (other, "deny")]
    return [(world.a, cell)]


class Sessions:
    """One signed-in client per role, signed in again after it signs out."""

    def __init__(self, app: Flask, world: World) -> None:
        self.app, self.world = app, world
        self.clients: dict[str, FlaskClient] = {}

    def client(self, role: str) -> FlaskClient:
        if role not in self.clients:
            client = self.app.test_client()
            user = self.world.user(role)
            if user is not None:
                response = client.post("/login", data={"username": user.username, "password": PASSWORD})
                assert response.status_code == 302, (role, response.status_code)
            self.clients[role] = client
        return self.clients[role]

    def forget(self, role: str) -> None:
        self.clients.pop(role, None)


def ask(client: FlaskClient, method: str, endpoint: str, url: str) -> Any:
    """Send the request a user of the page (or the phone's outbox, for the API) would send, without content."""
    if method == "GET":
        return client.get(url)
    if endpoint.startswith("api."):
        return client.post(url, json={}, headers={"X-Requested-With": "magnet"})
    return client.post(url, data={})


def test_every_endpoint_answers_every_role_as_the_table_says(app: Flask, make_team, make_user, make_enterprise,
                                                             make_trip, make_visit, make_lead, make_project):
    world = build_world({"team": make_team, "user": make_user, "enterprise": make_enterprise, "trip": make_trip,
                         "visit": make_visit, "lead": make_lead, "project": make_project})
    sessions = Sessions(app, world)
    mismatches: list[str] = []
    asked = 0
    # Reading first, then writing, the office's writes last: a write allowed to one role must not change what
    # the next one is asked (an empty service assignment, for one, takes the chief officer off project A).
    for method in ("GET", "POST"):
        for rule in sorted(RULES.values(), key=lambda rule: rule.scope == "admin"):
            if method not in rule.methods:
                continue
            for role in ROLES:
                for side, expected in expectations(rule, role, world.user(role), world):
                    url = url_for_side(app, world, rule.endpoint, side)
                    try:
                        response = ask(sessions.client(role), method, rule.endpoint, url)
                        got = outcome(rule.endpoint, response)
                        response.close()  # a sent file stays open until its response is closed
                    except Exception as error:  # a crash is one more mismatch to list
                        got = f"raised {error!r}"
                    asked += 1
                    if got != expected:
                        mismatches.append(f"{method} {url} ({rule.endpoint}) as {role}: expected {expected}, got {got}")
                    if rule.endpoint == "auth.logout":
                        sessions.forget(role)
    print(f"{len(RULES)} endpoints × {len(ROLES)} roles: {asked} requests")
    assert mismatches == [], "\n" + "\n".join(mismatches)
