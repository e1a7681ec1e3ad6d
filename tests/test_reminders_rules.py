"""Reminders' rules: each kind on both sides of its days, who receives it, escalation, idempotency, the wall."""

import threading
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from crm.extensions import db
from crm.models import (
    IssueStatus,
    LeadStage,
    PathNode,
    PathStep,
    ProjectIssue,
    ProjectNode,
    Reminder,
    ReminderKind,
    ReminderRule,
    Role,
    ServiceItem,
    ServiceItemStatus,
    Supervision,
)
from crm.reminders.raising import raise_due

D = date(2026, 6, 15)  # a Monday


def days(n: int) -> date:
    return D + timedelta(days=n)


@pytest.fixture
def office(make_team, make_user, home_district):
    """A district's people: a team with its 专班负责人, 带队领导 and a member; an admin; a leader as 首席服务官."""
    team = make_team()
    leader = make_user(Role.LEADER, display_name="赵区长")
    team.leader_id = leader.id
    chief = make_user(Role.LEADER, display_name="钱书记")
    people = SimpleNamespace(
        district=home_district, team=team, leader=leader, chief=chief,
        lead=make_user(Role.LEAD, team=team, display_name="孙组长"),
        member=make_user(Role.MEMBER, team=team, display_name="王立"),
        admin=make_user(Role.ADMIN, display_name="李主任"))
    db.session.commit()
    return people


def run(office, on: date) -> set[tuple]:
    """Raise the day's reminders; (kind, record_type, record_id, person, level, due_on) of the new ones."""
    new = raise_due(on, office.district.id)
    db.session.commit()
    return {(r.kind, r.record_type, r.record_id, r.user_id, r.level, r.due_on) for r in new}


def test_an_idle_lead_is_due_after_n_days_without_a_visit_to_its_owner(office, make_lead, make_visit):
    lead = make_lead(team=office.team, owner=office.member, stage=LeadStage.NEGOTIATING)
    make_visit(team=office.team, enterprise=lead.enterprise, lead=lead, visited_on=days(-30))
    assert run(office, D) == set()  # 30 days (N) without a visit: not more than N
    assert run(office, days(1)) == {(ReminderKind.LEAD_IDLE, "lead", lead.id, office.member.id, 0, D)}


def test_an_idle_lead_of_no_one_goes_to_the_team_lead_and_a_lead_still_a_clue_is_never_idle(
        office, make_lead, make_visit):
    lead = make_lead(team=office.team, stage=LeadStage.AGREED)
    clue = make_lead(team=office.team, owner=office.member, stage=LeadStage.CLUE)
    for each in (lead, clue):
        make_visit(team=office.team, enterprise=each.enterprise, lead=each, visited_on=days(-40))
    assert run(office, D) == {(ReminderKind.LEAD_IDLE, "lead", lead.id, office.lead.id, 0, days(-10))}


def test_an_inactive_owner_receives_nothing_the_one_above_does(office, make_lead, make_visit):
    office.member.active = False
    lead = make_lead(team=office.team, owner=office.member, stage=LeadStage.CONTACTED)
    make_visit(team=office.team, enterprise=lead.enterprise, lead=lead, visited_on=days(-31))
    assert {(r[3], r[4]) for r in run(office, D)} == {(office.lead.id, 0)}


def test_follow_ups_of_visits_and_leads_fall_due_on_their_day(office, make_visit, make_lead):
    visit = make_visit(team=office.team, created_by=office.member, follow_up_on=days(1), next_step="送方案")
    lead = make_lead(team=office.team, owner=office.lead, stage=LeadStage.CONTACTED, next_action_on=days(1))
    assert run(office, D) == set()
    assert run(office, days(1)) == {(ReminderKind.FOLLOW_UP, "visit", visit.id, office.member.id, 0, days(1)),
                                    (ReminderKind.FOLLOW_UP, "lead", lead.id, office.lead.id, 0, days(1))}
    visit.follow_up_on = None  # done (我的待办's clear)
    db.session.commit()
    assert run(office, days(2)) == set()


def test_a_node_falls_due_n_days_ahead_for_the_chief_officer(office, make_project):
    project = make_project(team=office.team, chief_officer=office.chief, signed_on=days(-100))
    db.session.add(ProjectNode(project=project, node=PathNode.LAND, planned_on=days(8)))
    db.session.commit()
    assert run(office, D) == set()  # 8 days ahead, N = 7
    assert run(office, days(1)) == {(ReminderKind.NODE, "node:land", project.id, office.chief.id, 0, days(8))}


def test_a_node_the_district_turned_off_or_reached_is_never_due(office, make_project):
    project = make_project(team=office.team, signed_on=days(-100), planned_start_on=days(-3))
    db.session.add_all([ProjectNode(project=project, node=PathNode.LAND, planned_on=days(-5)),
                        ProjectNode(project=project, node=PathNode.FILED, planned_on=days(-5), actual_on=days(-6)),
                        PathStep(district_id=office.district.id, node=PathNode.LAND, enabled=False, position=1)])
    db.session.commit()
    # only 开工 (kept on the project) counts; no 首席服务官: the team's 专班负责人
    assert run(office, D) == {(ReminderKind.NODE, "node:started", project.id, office.lead.id, 0, days(-3))}


def test_a_service_item_is_due_the_day_after_its_due_date(office, make_project):
    project = make_project(team=office.team, chief_officer=office.chief)
    item = ServiceItem(project=project, name="施工许可", owner=office.member, due_on=days(-1))
    done = ServiceItem(project=project, name="环评", owner=office.member, due_on=days(-9),
                       status=ServiceItemStatus.DONE)
    db.session.add_all([item, done])
    db.session.commit()
    assert run(office, days(-1)) == set()
    assert run(office, D) == {(ReminderKind.SERVICE_ITEM, "service_item", item.id, office.member.id, 0, days(-1))}


def test_an_issue_open_more_than_n_days_goes_to_the_chief_officer(office, make_project):
    project = make_project(team=office.team, chief_officer=office.chief)
    issue = ProjectIssue(project=project, raised_on=days(-31), description="用电报装慢")
    closed = ProjectIssue(project=project, raised_on=days(-60), description="道路", status=IssueStatus.CLOSED,
                          resolved_on=days(-50))
    db.session.add_all([issue, closed])
    db.session.commit()
    assert run(office, days(-1)) == set()
    assert run(office, D) == {(ReminderKind.ISSUE, "issue", issue.id, office.chief.id, 0, days(-1))}


def test_a_supervision_is_due_n_days_before_its_deadline_and_escalates_to_its_issuer(office, make_project):
    project = make_project(team=office.team, chief_officer=office.chief)
    order = Supervision(project=project, what="协调供电", receiver=office.member, deadline=days(3), issuer=office.admin)
    db.session.add(order)
    db.session.commit()
    assert run(office, days(-1)) == set()
    assert run(office, D) == {(ReminderKind.SUPERVISION, "supervision", order.id, office.member.id, 0, days(3))}
    assert run(office, days(2)) == set()  # M = 3 days not yet gone
    assert run(office, days(3)) == {(ReminderKind.SUPERVISION, "supervision", order.id, office.admin.id, 1, days(3))}


def test_a_signing_waiting_for_verification_goes_to_the_office(office, make_project, make_user):
    second_admin = make_user(Role.ADMIN)
    project = make_project(team=office.team, verified=False, signed_on=days(-16))
    make_project(team=office.team, verified=True, signed_on=days(-40))
    assert run(office, days(-1)) == set()
    assert run(office, D) == {(ReminderKind.VERIFICATION, "project", project.id, admin, 0, days(-1))
                              for admin in (office.admin.id, second_admin.id)}
    assert {(r[3], r[4]) for r in run(office, days(7))} == {(office.leader.id, 1)}  # an admin → a district leader


def test_unacted_reminders_climb_the_ladder_every_m_days(office, make_lead, make_visit):
    lead = make_lead(team=office.team, owner=office.member, stage=LeadStage.NEGOTIATING)
    make_visit(team=office.team, enterprise=lead.enterprise, lead=lead, visited_on=days(-31))
    assert {(r[3], r[4]) for r in run(office, D)} == {(office.member.id, 0)}
    assert run(office, days(6)) == set()
    assert {(r[3], r[4]) for r in run(office, days(7))} == {(office.lead.id, 1)}  # member → 专班负责人
    assert {(r[3], r[4]) for r in run(office, days(14))} == {(office.leader.id, 2)}  # → 带队领导
    assert run(office, days(30)) == set()  # the top of the ladder


def test_a_record_acted_on_stops_climbing(office, make_lead, make_visit):
    lead = make_lead(team=office.team, owner=office.member, stage=LeadStage.NEGOTIATING)
    make_visit(team=office.team, enterprise=lead.enterprise, lead=lead, visited_on=days(-31))
    run(office, D)
    make_visit(team=office.team, enterprise=lead.enterprise, lead=lead, visited_on=days(5))
    assert run(office, days(7)) == set()


def test_the_chief_officer_escalates_to_the_office(office, make_project):
    project = make_project(team=office.team, chief_officer=office.chief)
    db.session.add(ProjectIssue(project=project, raised_on=days(-40), description="用地指标"))
    db.session.commit()
    run(office, D)
    assert {(r[3], r[4]) for r in run(office, days(7))} == {(office.admin.id, 1)}


def test_a_second_run_raises_nothing_again(office, make_project):
    make_project(team=office.team, verified=False, signed_on=days(-20))
    assert len(run(office, D)) == 1
    assert run(office, D) == set()
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 1


def test_the_districts_own_days_and_a_disabled_rule(office, make_project):
    project = make_project(team=office.team, chief_officer=office.chief, verified=False, signed_on=days(-11))
    db.session.add(ProjectIssue(project=project, raised_on=days(-11), description="环评"))
    db.session.add_all([
        ReminderRule(district_id=office.district.id, kind=ReminderKind.ISSUE, days=10, escalate_after_days=7),
        ReminderRule(district_id=office.district.id, kind=ReminderKind.VERIFICATION, enabled=False, days=1,
                     escalate_after_days=7)])
    db.session.commit()
    assert {r[0] for r in run(office, D)} == {ReminderKind.ISSUE}  # 11 days > 10 (the default is 30)


def test_a_run_raises_only_its_districts_records(office, make_district, make_team, make_user, make_project):
    other = make_district()
    their_team = make_team(district_id=other.id)
    their_admin = make_user(Role.ADMIN, district_id=other.id)
    make_user(Role.LEAD, team=their_team)
    theirs = make_project(team=their_team, verified=False, signed_on=days(-30))
    assert run(office, D) == set()  # the home district has no admin's work; the other's signing is not its
    new = raise_due(D, other.id)
    db.session.commit()
    assert [(r.record_id, r.user_id, r.district_id) for r in new] == [(theirs.id, their_admin.id, other.id)]


def test_two_runs_at_once_raise_each_reminder_once(app, office, make_project):
    for n in range(30):
        make_project(team=office.team, verified=False, signed_on=days(-20 - n))
    district_id, raised, errors = office.district.id, [], []
    db.session.commit()

    def one_run() -> None:
        try:
            with app.app_context():
                raised.append(len(raise_due(D, district_id)))
                db.session.commit()
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            errors.append(error)

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(raised) == 30
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 30
