"""The database itself refuses records that break the rules."""

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from crm.extensions import db
from crm.models import LeadStage, Project, ProjectStatus, Role, User


def refused(change) -> None:
    with pytest.raises((IntegrityError, StatementError)):
        change()
        db.session.flush()
    db.session.rollback()


def test_amounts_cannot_be_negative(app, make_project, make_lead):
    project = make_project()
    lead = make_lead()
    refused(lambda: setattr(project, "total_investment_yuan", -1))
    refused(lambda: setattr(lead, "intended_investment_yuan", -5))


def test_fixed_assets_within_total(app, make_project):
    project = make_project(total_investment_yuan=100)
    refused(lambda: setattr(project, "fixed_asset_investment_yuan", 101))


def test_milestones_in_order(app, make_project):
    project = make_project(signed_on=date(2026, 3, 1))
    refused(lambda: setattr(project, "started_on", date(2026, 2, 1)))
    project = db.session.get(Project, project.id)
    project.started_on = date(2026, 3, 10)
    db.session.commit()
    refused(lambda: setattr(project, "production_on", date(2026, 3, 9)))


def test_termination_and_void_need_a_reason(app, make_project):
    project = make_project()
    refused(lambda: setattr(project, "status", ProjectStatus.TERMINATED))
    refused(lambda: setattr(project, "voided", True))


def test_foreign_currency_needs_amount_and_rate(app, make_project):
    project = make_project()
    refused(lambda: setattr(project, "currency", "USD"))


def test_unknown_enum_values_are_refused(app, make_project):
    project = make_project()
    refused(lambda: setattr(project, "status", "half-built"))


def test_dropped_lead_needs_a_reason(app, make_lead):
    lead = make_lead()
    refused(lambda: setattr(lead, "stage", LeadStage.DROPPED))


def test_credit_code_unique_when_present(app, make_enterprise):
    first = make_enterprise()
    make_enterprise(credit_code=None)
    make_enterprise(credit_code=None)  # many without a code are fine
    with pytest.raises(IntegrityError):
        make_enterprise(credit_code=first.credit_code)
    db.session.rollback()


def test_visit_uuid_unique_within_its_team(app, make_visit, make_team):
    visit = make_visit()
    make_visit(uuid=visit.uuid, team=make_team())  # another team's (another district's) UUID is its own business
    with pytest.raises(IntegrityError):
        make_visit(uuid=visit.uuid, team=visit.team)
    db.session.rollback()


def test_usernames_unique(app, make_user):
    make_user(Role.ADMIN, username="same")
    with pytest.raises(IntegrityError):
        make_user(Role.ADMIN, username="same")
    db.session.rollback()


def test_lead_stage_changes_are_logged(app, make_lead, make_user):
    lead = make_lead()
    user = make_user(Role.MEMBER, team=lead.team)
    lead.move_to(LeadStage.CONTACTED, by=user)
    lead.move_to(LeadStage.NEGOTIATING, by=user)
    db.session.commit()
    assert [(c.from_stage, c.to_stage) for c in lead.stage_log] == [
        (LeadStage.CLUE, LeadStage.CONTACTED), (LeadStage.CONTACTED, LeadStage.NEGOTIATING)]
    assert all(c.changed_by == user and c.changed_at.tzinfo for c in lead.stage_log)


def test_timestamps_come_back_timezone_aware(app, make_user):
    user = make_user(Role.ADMIN)
    db.session.expire_all()
    assert db.session.get(User, user.id).created_at.utcoffset() is not None


def test_yi_threshold_is_inclusive(app, make_project):
    assert make_project(total_investment_yuan=100_000_000).is_yi
    assert not make_project(total_investment_yuan=99_999_999).is_yi
