"""Every insert, update and delete of a core record lands in the audit trail, from one hook."""

from sqlalchemy import select

from crm.core.audit import set_actor
from crm.extensions import db
from crm.models import AuditEvent, Role, Team


def events(entity: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)).all()


def test_insert_update_delete_are_recorded_with_user_and_changes(app, make_user):
    admin = make_user(Role.ADMIN)
    set_actor(admin.id, "192.0.2.7")
    team = Team(name="苏州专班", base_city="苏州", district_id=admin.district_id)
    db.session.add(team)
    db.session.commit()
    team.base_city = "昆山"
    db.session.commit()
    team_id = team.id
    db.session.delete(team)
    db.session.commit()

    inserted, updated, deleted = events("Team")
    assert (inserted.action, inserted.entity_id, inserted.user_id) == ("insert", team_id, admin.id)
    assert inserted.changes["name"] == [None, "苏州专班"]
    assert updated.action == "update" and updated.changes == {"base_city": ["苏州", "昆山"]}
    assert updated.address == "192.0.2.7"
    assert deleted.action == "delete" and deleted.changes["base_city"] == ["昆山", None]
    assert inserted.at.tzinfo is not None


def test_no_event_for_an_update_that_changes_nothing(app, make_team):
    team = make_team(base_city="上海")
    before = len(events("Team"))
    team.base_city = "上海"
    db.session.commit()
    assert len(events("Team")) == before


def test_secrets_are_never_written_to_the_trail(app, make_user):
    user = make_user(Role.MEMBER)
    user.password_hash = "$argon2id$changed"
    user.end_sessions()
    db.session.commit()
    update = events("User")[-1]
    assert update.changes["password_hash"] == ["…", "…"]
    assert "argon2" not in str(update.changes) and user.session_token not in str(update.changes)


def test_changes_made_through_a_page_name_the_signed_in_user(app, client, make_user, make_team, login):
    admin = make_user(Role.ADMIN)
    team = make_team(name="深圳专班")
    login(admin)
    response = client.post(f"/teams/{team.id}/edit", data={"name": "深圳专班", "base_city": "东莞",
                                                            "leader_id": 0, "active": "y", "version": "1"})
    assert response.status_code == 302
    update = events("Team")[-1]
    assert update.user_id == admin.id and update.changes == {"base_city": ["上海", "东莞"]}


def test_a_rolled_back_change_leaves_no_event(app, make_team):
    team = make_team()
    before = len(events("Team"))
    team.base_city = "杭州"
    db.session.flush()
    db.session.rollback()
    assert len(events("Team")) == before
