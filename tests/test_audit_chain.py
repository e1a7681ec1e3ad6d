"""The audit trail is chained and guarded: `flask audit verify` finds an edited, deleted or inserted event; the
database refuses to change an event or delete a young one; `flask audit prune` keeps 180 days and the chain."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from crm.core.audit import record
from crm.core.audit_chain import GENESIS, event_hash
from crm.domain.periods import today
from crm.extensions import db
from crm.models import AuditEvent, Role, now_utc
from crm.models.audit import unguard_statements
from crm.models.enums import AuditResult


@pytest.fixture
def trail(make_user, make_team):
    """Events of every kind: record changes (the session hook) and recorded actions, on both paths."""
    admin = make_user(Role.ADMIN)
    make_team(name="上海专班")
    record("login", user_id=admin.id, entity="User", entity_id=admin.id, address="10.0.0.1")
    record("login_failed", detail="nobody", address="10.0.0.2")
    record("forbidden", user_id=admin.id, detail="{}")
    db.session.commit()
    return [event.id for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def verify(runner) -> tuple[int, dict]:
    result = runner.invoke(args=["audit", "verify", "--json"])
    return result.exit_code, json.loads(result.output)


def tamper(sql: str, **params) -> None:
    """Change the table as someone holding the database's owner rights could: the guard dropped first."""
    db.session.commit()  # the test's own transaction ends (on SQLite it holds the write lock)
    with db.engine.begin() as conn:
        for statement in unguard_statements(db.engine.dialect.name):
            conn.exec_driver_sql(statement)
        conn.execute(text(sql), params)


def test_each_event_holds_the_hash_of_the_one_before_and_of_its_content(app, trail):
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert len(events) >= 5 and events[0].prev_hash == GENESIS
    for before, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == before.hash
    for event in events:
        fields = {c: getattr(event, c) for c in ("at", "user_id", "district_id", "action", "result", "entity",
                                                 "entity_id", "changes", "address", "detail")}
        assert event.hash == event_hash(event.prev_hash, fields)


def test_verify_says_ok_with_the_count_on_an_untouched_trail(app, runner, trail):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"OK: {len(trail)} events")


def test_verify_finds_an_edited_event(app, runner, trail):
    middle = trail[len(trail) // 2]
    tamper("UPDATE audit_event SET detail = 'nothing happened' WHERE id = :id", id=middle)
    code, verdict = verify(runner)
    assert code == 1 and verdict["broken_event"] == middle and verdict["problem"] == "edited"
    plain = runner.invoke(args=["audit", "verify"])
    assert plain.exit_code == 1 and plain.output.startswith(f"BROKEN at event {middle}: edited")


def test_verify_finds_a_deleted_event(app, runner, trail):
    middle = trail[len(trail) // 2]
    tamper("DELETE FROM audit_event WHERE id = :id", id=middle)
    code, verdict = verify(runner)
    following = trail[trail.index(middle) + 1]
    assert code == 1 and verdict["broken_event"] == following and verdict["problem"] == "deleted"


def test_verify_finds_the_oldest_events_deleted_without_a_prune_record(app, runner, trail):
    tamper("DELETE FROM audit_event WHERE id = :id", id=trail[0])
    code, verdict = verify(runner)
    assert code == 1 and verdict["broken_event"] == trail[1] and verdict["problem"] == "deleted"


def test_verify_finds_an_event_forged_in_place_of_a_deleted_one(app, runner, trail):
    """A forged event, hashed correctly after its predecessor, put where a deleted one was."""
    gone = trail[2]
    before_hash = db.session.get(AuditEvent, trail[1]).hash
    after_follows = db.session.get(AuditEvent, trail[3]).prev_hash
    forged = {"at": now_utc(), "user_id": None, "district_id": None, "action": "login", "result": "success",
              "entity": None, "entity_id": None, "changes": None, "address": None, "detail": "forged"}
    tamper("DELETE FROM audit_event WHERE id = :id", id=gone)
    with db.engine.begin() as conn:
        conn.execute(AuditEvent.__table__.insert().values(id=gone, prev_hash=before_hash,
                                                          hash=event_hash(before_hash, forged), **forged))
    code, verdict = verify(runner)
    # the event after it still points at the one that was deleted
    assert after_follows != event_hash(before_hash, forged)
    assert code == 1 and verdict["broken_event"] == trail[3] and verdict["problem"] == "deleted"


def test_a_result_is_noted_on_every_event(app, trail):
    results = dict(db.session.execute(select(AuditEvent.action, AuditEvent.result)).all())
    assert results["login"] is AuditResult.SUCCESS and results["insert"] is AuditResult.SUCCESS
    assert results["login_failed"] is AuditResult.FAILED and results["forbidden"] is AuditResult.REFUSED


def test_the_database_refuses_to_change_an_event(app, trail):
    db.session.commit()
    with pytest.raises(DBAPIError, match="cannot be changed"), db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET detail = 'x' WHERE id = :id"), {"id": trail[0]})


def test_the_database_refuses_to_delete_an_event_younger_than_180_days(app, trail):
    db.session.commit()
    with pytest.raises(DBAPIError, match="180 days"), db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": trail[0]})
    assert db.session.get(AuditEvent, trail[0]) is not None


@pytest.fixture
def aged(app):
    """Three events of 300 days ago (the first of the trail), then two of today."""
    old = now_utc() - timedelta(days=300)
    for n in range(3):
        event = record("login_failed", detail=f"old {n}")
        event.at = old + timedelta(minutes=n)
    db.session.commit()
    record("login_failed", detail="new 1")
    record("login_failed", detail="new 2")
    db.session.commit()


def test_prune_refuses_a_date_less_than_180_days_ago(app, runner, aged):
    too_late = today() - timedelta(days=179)
    result = runner.invoke(args=["audit", "prune", "--before", too_late.isoformat()])
    assert result.exit_code != 0 and "180 days" in result.output
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.detail == "old 0")) is not None


def test_prune_deletes_old_events_and_the_chain_still_verifies(app, runner, aged):
    events_before = db.session.scalar(select(db.func.count()).select_from(AuditEvent))
    result = runner.invoke(args=["audit", "prune", "--before", (today() - timedelta(days=200)).isoformat(),
                                 "--json"])
    assert result.exit_code == 0, result.output
    pruned = json.loads(result.output)
    assert pruned["deleted"] == 3
    details = db.session.scalars(select(AuditEvent.detail).order_by(AuditEvent.id)).all()
    assert not any(d and d.startswith("old") for d in details) and "new 2" in details
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)) == events_before - pruned["deleted"] + 1
    code, verdict = verify(runner)
    assert code == 0, verdict
    # and deleting what is now the oldest event, without a prune record, is still found
    oldest = db.session.scalar(select(db.func.min(AuditEvent.id)))
    tamper("DELETE FROM audit_event WHERE id = :id", id=oldest)
    code, verdict = verify(runner)
    assert code == 1 and verdict["problem"] == "deleted"
