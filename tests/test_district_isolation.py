"""A second district's records never reach the first district's users: by page, API, export or import.

Beside the access matrix's world (district 张湾区, teams 甲 and 乙) stands district 茅箭区 with a team of its own and
a record of every kind. Each of 张湾区's people asks for every endpoint with 茅箭区's ids (404 or refused, never
served), every list and export without ids (茅箭区's names never appear), and imports a file naming 茅箭区's
enterprise (matched to nothing). The city (市招商局) reads 茅箭区's records and changes none.
"""

import json
from datetime import date
from typing import Any

import pytest
from flask import Flask

from crm.domain.periods import today
from crm.exports.catalogue import EXPORTS
from crm.extensions import db
from crm.models import ImportJob, ImportJobStatus, Overlap, Role
from crm.rankings.services import freeze_quarter
from tests.test_access_matrix import RULES, Sessions, Side, World, ask, build_side, build_world, outcome, url_for_side
from tests.test_wall import readable

SECRET = "茅箭区秘密"  # in every name 茅箭区's records carry
READERS_OF_A = ("member A", "lead A", "member B", "leader", "admin")
RECORD_ARGUMENTS = {"enterprise_id", "contact_id", "trip_id", "visit_id", "photo_id", "lead_id", "overlap_id",
                    "project_id", "document_id", "item_id", "issue_id", "team_id", "user_id", "uuid", "job_id",
                    "supervision_id"}


@pytest.fixture
def worlds(app: Flask, make_district, make_team, make_user, make_enterprise, make_trip, make_visit, make_lead,
           make_project) -> tuple[World, Side, dict[str, Any]]:
    """The access matrix's world in 张湾区, and a side of 茅箭区 with its own admin, leader and records."""
    make = {"team": make_team, "user": make_user, "enterprise": make_enterprise, "trip": make_trip,
            "visit": make_visit, "lead": make_lead, "project": make_project}
    world = build_world(make)
    other = make_district(name="茅箭区", code="MJ")
    there = dict(make, team=lambda **kw: make_team(**({"district_id": other.id} | kw)),
                 enterprise=lambda **kw: make_enterprise(**({"district_id": other.id} | kw)))
    admin = make_user(Role.ADMIN, username="mj-admin", district_id=other.id)
    leader = make_user(Role.LEADER, username="mj-leader", district_id=other.id)
    side = build_side(SECRET, there, leader, admin)
    side.records["overlap"] = Overlap(enterprise=side.records["enterprise"], team=side.team, lead=side.records["lead"],
                                      source="visit", source_id=side.records["visit"].id)
    db.session.add(side.records["overlap"])
    snapshot = freeze_quarter(2025, 4, district_id=other.id, actor_id=admin.id, today=today())
    job = ImportJob(kind="enterprises", file_name=f"{SECRET}.xlsx", layout={"columns": []}, options={},
                    status=ImportJobStatus.DONE, summary={}, created_by_id=admin.id)
    db.session.add(job)
    db.session.commit()
    return world, side, {"admin": admin, "leader": leader, "snapshot_id": snapshot.id, "job_id": job.id,
                         "user": side.member}


def url_for_other(app: Flask, world: World, side: Side, extra: dict[str, Any], endpoint: str) -> str:
    """The endpoint's URL naming 茅箭区's records (its snapshot, job and users too)."""
    there = World(world.a, world.b, extra["leader"], extra["admin"], extra["user"], world.city, extra["snapshot_id"],
                  world.city_snapshot_id, extra["job_id"], fresh={})
    return url_for_side(app, there, endpoint, side)


def takes_a_record(app: Flask, endpoint: str) -> bool:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return bool(set(rule.arguments) & RECORD_ARGUMENTS) or endpoint == "rankings.frozen"


def test_no_endpoint_serves_another_districts_record(app: Flask, worlds) -> None:
    world, side, extra = worlds
    sessions = Sessions(app, world)
    leaks: list[str] = []
    for method in ("GET", "POST"):
        for rule in RULES.values():
            if method not in rule.methods or rule.endpoint == "auth.logout":
                continue
            record = takes_a_record(app, rule.endpoint)
            url = url_for_other(app, world, side, extra, rule.endpoint) if record else None
            for role in READERS_OF_A:
                if url is None:
                    url = url_for_side(app, world, rule.endpoint, world.a)
                response = ask(sessions.client(role), method, rule.endpoint, url)
                got = outcome(rule.endpoint, response)
                body = readable(response)  # a page, a workbook's or a Word document's parts
                response.close()
                if record and got not in ("404", "deny"):
                    leaks.append(f"{method} {url} as {role}: {got}")
                elif SECRET in body:
                    leaks.append(f"{method} {url} as {role}: shows {SECRET}")
                url = url if record else None
    assert leaks == [], "\n" + "\n".join(leaks)


def test_lists_exports_and_the_api_hold_only_the_districts_records(app: Flask, worlds) -> None:
    world, _side, _extra = worlds
    sessions = Sessions(app, world)
    pages = ["/", "/visits/", "/trips/", "/leads/", "/projects/", "/enterprises/", "/teams/", "/rankings/projects",
             "/rankings/teams", "/projects/issues", "/api/v1/visits", "/api/v1/enterprises?q=茅箭",
             "/api/v1/follow-ups", "/enterprises/?q=茅箭", "/rankings/frozen"]
    pages += [f"/exports/{name}.csv" for name in EXPORTS if name != "districts"]
    for role in ("admin", "leader", "member A"):
        client = sessions.client(role)
        for page in pages:
            response = client.get(page)
            assert response.status_code in (200, 403), (role, page, response.status_code)
            assert SECRET not in response.get_data(as_text=True), (role, page)
    # the city reads 茅箭区 too
    city = sessions.client("city")
    assert SECRET in city.get("/enterprises/").get_data(as_text=True)
    assert SECRET in city.get("/exports/projects.csv").get_data(as_text=True)


def test_an_import_matches_nothing_of_another_district(app: Flask, worlds, runner, tmp_path) -> None:
    world, side, _extra = worlds
    theirs = side.records["enterprise"]
    path = tmp_path / "企业.csv"
    path.write_text(f"企业名称,统一社会信用代码\n{theirs.name},{theirs.credit_code}\n", encoding="utf-8-sig")
    result = runner.invoke(args=["import", "enterprises", str(path), "--dry-run", "--json",
                                 "--user", world.admin.username])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [row["fate"] for row in report["rows"]] == ["new"], report["rows"]
    assert str(theirs.id) not in json.dumps(report["rows"][0].get("duplicate_of"))


def test_the_city_reads_every_district_and_changes_none(app: Flask, worlds) -> None:
    world, side, extra = worlds
    city = Sessions(app, world).client("city")
    project = side.records["project"]
    assert city.get(f"/projects/{project.id}").status_code == 200
    assert city.get(f"/visits/{side.records['visit'].id}").status_code == 200
    assert city.post(f"/projects/{project.id}/edit", data={"name": "改名"}).status_code == 403
    teams = city.get(f"/rankings/teams?district={extra['admin'].district_id}&year={date.today().year}")
    assert teams.status_code == 200 and f"{SECRET}专班" in teams.text


def test_a_districts_figures_and_targets_are_its_own_under_its_scope(app: Flask, worlds) -> None:
    from crm.access.tenancy import within
    from crm.domain.periods import Period
    from crm.models import TargetMetric, TeamTarget
    from crm.reports.figures import district_figures
    from crm.reports.targets import district_targets

    world, side, extra = worlds
    db.session.add_all([TeamTarget(team_id=world.a.team.id, year=2026, metric=TargetMetric.TRIPS, target=5),
                        TeamTarget(team_id=side.team.id, year=2026, metric=TargetMetric.TRIPS, target=70)])
    db.session.commit()
    home = world.admin.district_id
    everywhere = district_figures(Period.year(2026))
    with within(home, "the home district"):
        assert district_targets(2026, home) == {TargetMetric.TRIPS: 5}
        mine = district_figures(Period.year(2026), district_id=home)
    assert mine.trips == everywhere.trips - 1 and mine.signed_projects == everywhere.signed_projects - 1
    assert district_targets(2026, extra["admin"].district_id) == {TargetMetric.TRIPS: 70}


def test_a_visit_uuid_used_in_another_district_is_simply_new_here(app: Flask, worlds) -> None:
    """Neither a 500 nor a refusal that would tell the UUID exists: the phone's outbox is answered and moves on."""
    import uuid as uuids

    from sqlalchemy import func, select

    from crm.models import Visit
    world, side, _extra = worlds
    theirs = side.records["visit"]
    member = Sessions(app, world).client("member A")
    body = {"uuid": theirs.uuid, "visited_on": today().isoformat(), "kind": "call_on",
            "enterprise_id": world.a.records["enterprise"].id, "summary": "同一编号"}
    created = member.post("/api/v1/visits", json=body, headers={"X-Requested-With": "magnet"})
    assert created.status_code == 201, created.text
    again = member.post("/api/v1/visits", json=body, headers={"X-Requested-With": "magnet"})
    assert again.status_code == 200 and again.json["visit"]["id"] == created.json["visit"]["id"]
    assert SECRET not in created.text + again.text
    assert db.session.scalar(select(func.count()).select_from(Visit).where(Visit.uuid == theirs.uuid)) == 2
    form = member.post("/visits/new", data={"uuid": str(uuids.uuid4()), "visited_on": today().isoformat(),
                                            "kind": "call_on", "enterprise_id": world.a.records["enterprise"].id})
    assert form.status_code in (201, 302), form.text


def test_a_remembered_import_mapping_is_its_districts_own(app: Flask, worlds) -> None:
    from crm.access.tenancy import within
    from crm.imports.headers import change_mapping
    from crm.imports.mapping import propose_layout, remember_mapping
    from crm.imports.reading import Table

    world, _side, extra = worlds
    table = Table(file_name="签约.csv", format="csv", sheet="签约", rows=[
        ["项目", "甲方单位", "金额", "签订", "责任专班"], ["甲项目", "甲公司", "5", "2026-01-05", "甲专班"]])
    with within(extra["admin"].district_id, "茅箭区's import"):
        layout = change_mapping(propose_layout(table, "projects"), {"甲方单位": "investor", "金额": "总投资:万元",
                                                                       "签订": "signed_on"})
        remember_mapping(layout, extra["admin"])
        db.session.commit()
        assert propose_layout(table, "projects").remembered is True
    with within(world.admin.district_id, "张湾区's import"):
        assert propose_layout(table, "projects").remembered is False


def test_a_district_leader_reads_the_city_ranking_of_every_district(app: Flask, worlds) -> None:
    world, _side, _extra = worlds
    sessions = Sessions(app, world)
    year = f"year={date.today().year}"
    as_city = sessions.client("city").get(f"/exports/districts.csv?{year}").get_data(as_text=True)
    as_leader = sessions.client("leader").get(f"/exports/districts.csv?{year}").get_data(as_text=True)
    assert "茅箭区" in as_leader and as_leader == as_city
