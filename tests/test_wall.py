"""The wall, proven from what the app serves: no page, file, chart or API answer holds another district's records.

Three districts each hold a record of every kind, every text of which carries the district's marker. Each
district's admin, leader, team lead and member then asks for every surface the app has, each found where it is
declared, never listed here: every GET endpoint of the URL map (with the user's own records for its arguments),
every export of the catalogue in every format, every chart of the dashboard's catalogue, and every GET path of
the API's description. Lists are asked again naming another district (its marker as the search, its id as
?district, its team as ?team). No answer may hold another district's marker, nor fail: a read that would
cross the wall raises, and a raise is a finding too.

A new route, export, chart or API path is walked the day it is added; an export built around the wall (its
rows read past the session, or in a thread of its own) is caught, as the last tests show.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from sqlalchemy import select, text

from crm.access import tenancy
from crm.api.openapi import SPEC
from crm.domain.periods import today
from crm.enterprises.merging import merge_enterprises
from crm.exports.catalogue import EXPORTS, FORMATS
from crm.exports.sheet import Column, Export, Table
from crm.extensions import db
from crm.models import (
    Contact,
    FundKind,
    FundSource,
    FundsTranche,
    ImportJob,
    ImportJobStatus,
    ImportMapping,
    LeadStage,
    Milestone,
    Overlap,
    Project,
    ProjectIssue,
    Reminder,
    ReminderKind,
    Role,
    ServiceItem,
    Supervision,
    SupervisionAnswer,
    TargetMetric,
    TeamTarget,
)
from crm.projects.lifecycle import verification
from crm.rankings.services import freeze_quarter
from crm.reports.charts import CHARTS
from crm.visits import photos
from tests.conftest import PASSWORD
from tests.test_access_matrix import PDF, PNG, Side, World, url_for_side

MARKERS = ("甲墙记", "乙墙记", "丙墙记")  # in no word the app prints of its own
SEARCH = "墙记"  # found in every district's records; a list echoing it shows no district's marker
DISTRICT_ROLES = tuple(role for role in Role if role is not Role.CITY)  # a new role is walked the day it is added
ROLES = tuple(role.value for role in DISTRICT_ROLES)
SKIPPED = {"static", "auth.logout"}  # a file of the app's own; signing out ends the session being tested
GENERATED = {"exports.download", "dashboard.chart"}  # walked per export × format and per chart below


@dataclass
class Walled:
    """One district's people and records, with the marker all their texts carry."""

    marker: str
    district_id: int
    users: dict[str, Any]
    side: Side
    world: World


def plant(marker: str, code: str, make: dict[str, Any], city: Any, city_snapshot_id: int) -> Walled:
    """A district holding a record of every kind, each naming the marker."""
    district = make["district"](name=f"{code}区", code=code)
    team = make["team"](name=f"{marker}专班", district_id=district.id)
    users = {role: make["user"](role, username=f"{code.lower()}-{role.value}", display_name=f"{marker}{role.value}",
                                district_id=district.id, **({"team": team} if role in (Role.LEAD, Role.MEMBER) else {}))
             for role in DISTRICT_ROLES}
    admin, leader, lead, member = (users[r] for r in (Role.ADMIN, Role.LEADER, Role.LEAD, Role.MEMBER))
    enterprise = make["enterprise"](name=f"{marker}新材料有限公司", district_id=district.id)
    trip = make["trip"](team=team, destination=f"{marker}市", purpose=f"{marker}考察")
    lead_record = make["lead"](team=team, enterprise=enterprise, owner=member, stage=LeadStage.AGREED,
                               title=f"{marker}线索项目", next_action_on=today())
    visit = make["visit"](team=team, enterprise=enterprise, trip=trip, lead=lead_record, created_by=member,
                          participants=[member], follow_up_on=today(), summary=f"{marker}纪要",
                          next_step=f"{marker}下一步", visited_on=today())
    project = make["project"](team=team, enterprise=enterprise, code=f"{code}-2026-001", name=f"{marker}项目",
                              signed_on=date(today().year, 1, 10), chief_officer=leader,
                              total_investment_yuan=300_000_000)
    unverified = make["project"](team=team, enterprise=enterprise, code=f"{code}-2026-002",
                                 name=f"{marker}待认定项目", signed_on=date(today().year, 1, 11), verified=False)
    year = today().year
    with db.session.no_autoflush:  # nothing is written half-made while the records below refer to each other
        contact = Contact(enterprise=enterprise, name=f"{marker}经理", phone="13812345678")
        item = ServiceItem(project=project, name=f"{marker}施工许可")
        issue = ProjectIssue(project=project, raised_on=date(year, 1, 12), description=f"{marker}用地")
        order = Supervision(project=project, what=f"{marker}督办", receiver_unit=f"{marker}局", deadline=today(),
                            issuer=leader, answers=[SupervisionAnswer(text=f"{marker}办理情况", answered_by=member)])
        db.session.add_all([contact, item, issue, order,
                            Milestone(project=project, name=f"{marker}首条产线", planned_on=date(year, 9, 1)),
                            TeamTarget(team_id=team.id, year=year, metric=TargetMetric.SIGNED_PROJECTS, target=3),
                            ImportMapping(district_id=district.id, kind="enterprises", signature=f"{code}-signature",
                                          columns=[{"index": 0, "header": f"{marker}列", "field": "name"}])])
    photo = photos.add_photo(visit, io.BytesIO(PNG), f"{marker}名片.png", actor=member)
    document = verification.add_document(project, io.BytesIO(PDF), f"{marker}协议.pdf", "agreement", actor=admin)
    db.session.add(FundsTranche(project=project, received_on=today(), amount_yuan=50_000_000, verified=True,
                                source=FundSource.OUT_OF_PROVINCE, kind=FundKind.FIXED_ASSET, note=f"{marker}到资"))
    job = ImportJob(kind="enterprises", file_name=f"{marker}.xlsx", layout={"columns": []}, options={},
                    status=ImportJobStatus.DONE, summary={"file": f"{marker}.xlsx"}, created_by_id=admin.id)
    db.session.add(job)
    reminder = Reminder(district_id=district.id, user_id=member.id, kind=ReminderKind.FOLLOW_UP, record_type="lead",
                        record_id=lead_record.id, subject=f"{marker}提醒", due_on=today(), raised_on=today())
    db.session.add(reminder)
    db.session.commit()
    db.session.add(Overlap(enterprise=enterprise, team=team, lead=lead_record, source="visit", source_id=visit.id))
    # a merge the enterprise's page lists (合并记录), naming the marker in the enterprise it took in
    taken_in = make["enterprise"](name=f"{marker}旧名有限公司", district_id=district.id)
    merge_enterprises(enterprise, taken_in, actor=admin)
    snapshot = freeze_quarter(today().year - 1, 4, district_id=district.id, actor_id=admin.id, today=today())
    db.session.commit()
    side = Side(team, member, lead, {"enterprise": enterprise, "contact": contact, "trip": trip, "lead": lead_record,
                                     "visit": visit, "photo": photo, "project": project, "item": item, "issue": issue,
                                     "document": document, "unverified": unverified, "reminder": reminder})
    world = World(side, side, leader, admin, member, city, snapshot.id, city_snapshot_id, job.id, fresh={})
    return Walled(marker, district.id, {role.value: user for role, user in users.items()}, side, world)


@pytest.fixture
def districts(app: Flask, make_district, make_team, make_user, make_enterprise, make_trip, make_visit, make_lead,
              make_project) -> list[Walled]:
    make = {"district": make_district, "team": make_team, "user": make_user, "enterprise": make_enterprise,
            "trip": make_trip, "visit": make_visit, "lead": make_lead, "project": make_project}
    city = make_user(Role.CITY, username="city")
    city_snapshot = freeze_quarter(today().year - 1, 4, district_id=None, actor_id=city.id, today=today())
    db.session.commit()
    return [plant(marker, code, make, city, city_snapshot.id) for marker, code in zip(MARKERS, ("WA", "WB", "WC"),
                                                                                      strict=True)]


def surfaces(app: Flask, walled: Walled) -> Iterator[tuple[str, bool]]:
    """Every URL a user of the district can ask for, and whether it is a list (asked again naming another district).

    From the URL map (arguments filled with the district's own records), the export catalogue × formats, the
    chart catalogue and the API description.
    """
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED | GENERATED:
            continue
        yield url_for_side(app, walled.world, rule.endpoint, walled.side), not rule.arguments
    adapter = app.url_map.bind("localhost")
    for name in EXPORTS:
        for ext in FORMATS:
            yield adapter.build("exports.download", {"name": name, "ext": ext}), True
    for name in CHARTS:
        yield adapter.build("dashboard.chart", {"name": name}), True
    for path, operations in SPEC["paths"].items():
        if "get" in operations:
            yield (path.replace("{uuid}", walled.side.records["visit"].uuid)
                   .replace("{project_id}", str(walled.side.records["project"].id))), True


def naming(url: str, other: Walled) -> str:
    """The list's URL asking for another district's records by every filter a list takes."""
    query = f"q={SEARCH}&district={other.district_id}&team={other.side.team.id}&year={today().year}"
    return f"{url}{'&' if '?' in url else '?'}{query}"


def readable(response: Any) -> str:
    """What a response holds, as text: a workbook's every part, a JSON body with its escapes undone."""
    body = response.get_data()
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    return body.decode("utf-8", "replace")


def signed_in(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


def breaches(app: Flask, districts: list[Walled], prefix: str = "/") -> tuple[list[str], int]:
    """Every answer that holds another district's marker or fails, for every role of every district; and how many.

    `prefix` keeps the surfaces whose path starts with it (all of them by default).
    """
    found: list[str] = []
    asked = 0
    for walled in districts:
        foreign = [other for other in districts if other is not walled]
        for role in ROLES:
            client = signed_in(app, walled.users[role])
            for url, is_list in surfaces(app, walled):
                if not url.startswith(prefix):
                    continue
                for asked_url in [url, *(naming(url, other) for other in foreign[:1] if is_list)]:
                    asked += 1
                    try:
                        response = client.get(asked_url)
                        shown = readable(response)
                        status = response.status_code
                        response.close()
                    except Exception as error:  # a read that would cross the wall raises: a finding
                        found.append(f"{walled.marker} {role} {asked_url}: raised {error!r}")
                        continue
                    if status >= 500:
                        found.append(f"{walled.marker} {role} {asked_url}: {status}")
                    found += [f"{walled.marker} {role} {asked_url}: holds {other.marker}"
                              for other in foreign if other.marker in shown]
    return found, asked


def test_no_surface_holds_another_districts_records(app: Flask, districts: list[Walled]) -> None:
    found, asked = breaches(app, districts)
    print(f"wall: {asked} answers for {len(ROLES)} roles × {len(districts)} districts, {len(found)} breaches")
    assert asked > 500  # every surface was walked: the URL map, the exports, the charts and the API
    assert found == [], "\n" + "\n".join(found[:40])


def test_each_district_sees_its_own_marker_and_the_city_every_one(app: Flask, districts: list[Walled]) -> None:
    """The walk would find a leak: the markers are there to be found where they belong."""
    for walled in districts:
        client = signed_in(app, walled.users["admin"])
        for url in ("/projects/", "/exports/projects.csv", "/exports/visits.xlsx", "/api/v1/visits"):
            response = client.get(url)
            assert walled.marker in readable(response), (walled.marker, url)
            response.close()
    city = signed_in(app, districts[0].world.city)
    shown = readable(city.get("/exports/projects.csv"))
    assert all(walled.marker in shown for walled in districts)


def rogue_export(rows_from: Any) -> Any:
    """An export added without the wall: its rows read by `rows_from`, whatever path that takes."""
    def build(_args: Any, _viewer: Any) -> Export:
        table = Table(sheet="签约项目", title="签约项目", columns=[Column("项目名称")], rows=rows_from)
        return Export(name="rogue", filename="rogue", tables=[table], rows=0)
    return build


def around_the_session() -> Iterator[tuple[str]]:
    with db.engine.connect() as connection:  # past the session: no criteria are added
        yield from connection.execute(select(Project.name))


def in_a_thread() -> Iterator[tuple[str]]:
    names: list[Any] = []
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def read() -> None:
        with app.app_context():
            try:
                names.extend(db.session.execute(select(Project.name)).all())
            except tenancy.WallError as error:
                names.append(error)
    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    for name in names:
        if isinstance(name, Exception):
            raise name
        yield name


@pytest.mark.parametrize("rows_from", [around_the_session, in_a_thread])
def test_an_export_added_without_the_wall_is_caught(app: Flask, districts: list[Walled], monkeypatch,
                                                    rows_from: Any) -> None:
    monkeypatch.setitem(EXPORTS, "rogue", rogue_export(rows_from))
    found, _asked = breaches(app, districts[:2], prefix="/exports/")
    rogue = [line for line in found if "/exports/rogue." in line]
    assert rogue, "the walk did not notice an export that reads around the wall"
    assert all("/exports/rogue." in line for line in found), found


def test_a_read_outside_any_reach_raises(app: Flask, districts: list[Walled]) -> None:
    with tenancy.entered(None):
        with pytest.raises(tenancy.WallError):
            db.session.scalars(select(Project)).all()
        with pytest.raises(tenancy.WallError):
            db.session.execute(text("SELECT name FROM project")).all()
        with pytest.raises(tenancy.WallError):
            tenancy.carried(iter(()))
        assert db.session.execute(text("SELECT 1")).scalar() == 1  # no district's table: nothing to keep


def test_a_district_reach_holds_below_the_orm(app: Flask, districts: list[Walled]) -> None:
    home, other = districts[0], districts[1]
    with tenancy.within(home.district_id, "a district's work"):
        names = set(db.session.scalars(select(Project.name)))
        assert f"{home.marker}项目" in names and not any(other.marker in name for name in names)
        with pytest.raises(tenancy.WallError), db.engine.connect() as connection:
            connection.execute(select(Project.name)).all()


def test_a_stream_keeps_the_reach_it_was_made_in(app: Flask, districts: list[Walled]) -> None:
    from crm.exports.query import stream

    home, other = districts[0], districts[1]
    with tenancy.within(home.district_id, "a district's request"):
        rows = stream(select(Project.name))
    with tenancy.entered(None):  # read after the request has gone, as a CSV download is
        names = [name for (name,) in rows]
    assert f"{home.marker}项目" in names and not any(other.marker in name for name in names)


def test_the_command_line_given_a_district_writes_its_records_alone(app: Flask, districts: list[Walled], runner,
                                                                    tmp_path) -> None:
    """Every export of the catalogue in every format, written by `flask export … --district`."""
    home, others = districts[0], districts[1:]
    for name in EXPORTS:
        for ext in FORMATS:
            path = tmp_path / f"{name}.{ext}"
            result = runner.invoke(args=["export", name, "--district", "WA", "-o", str(path)])
            assert result.exit_code == 0, result.output
            data = path.read_bytes()
            if data[:2] == b"PK":
                with zipfile.ZipFile(io.BytesIO(data)) as book:
                    shown = "".join(book.read(part).decode("utf-8", "replace") for part in book.namelist())
            else:
                shown = data.decode("utf-8-sig")
            if name != "districts":  # the city's ranking of its districts names districts, not records
                assert home.marker in shown, (name, ext)
            assert not [other.marker for other in others if other.marker in shown], (name, ext)
