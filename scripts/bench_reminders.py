"""Time the reminders' run at province scale: what falls due per kind, against hand-written SQL counting the same.

Load the province demo first (see bench_reports.py), then:

    .venv/bin/python scripts/bench_reminders.py                          # both databases, when they answer
    .venv/bin/python scripts/bench_reminders.py --database-url sqlite:////tmp/province.db --date 2026-12-07

For every active district, in its reach as `flask reminders run` reads it, each kind's due query (crm/reminders/due.py,
the district's rule days) is timed against plain SQL through the driver counting the same records, and the counts are
checked equal. Then the whole raise (due records, recipients, escalation, the INSERTs) is timed per district and rolled
back, so the demo database is left as it was. Each statement is compiled once first (a warm-up on the first
district), as it is in a long-running process. Prints reminders per kind, seconds, and the ratio app / SQL.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import date, timedelta
from typing import Any

from bench_common import DISTRICT_TEAMS, PlainDB, chosen_urls, production_app

IDLE = "('contacted', 'negotiating', 'agreed')"
ACTIVE = "('clue', 'contacted', 'negotiating', 'agreed')"
HELD = (("started", "planned_start_on", "started_on"), ("producing", "planned_production_on", "production_on"),
        ("capacity", "planned_capacity_on", "capacity_on"))
LIVE = "p.voided = FALSE AND p.status <> 'terminated'"


def local_date(db: PlainDB, column: str) -> str:
    if db.kind == "sqlite":
        return f"date({column}, '+8 hours')"
    return f"CAST(timezone('Asia/Shanghai', {column}) AS DATE)"


def plain_counts(db: PlainDB, on: date, days: dict[str, int]) -> dict[str, tuple[int, float]]:
    """Each kind's due records in the district counted by hand (the rules of crm/reminders/due.py), and seconds."""
    def cut(kind: str, sign: int) -> str:
        return (on + timedelta(days=sign * days[kind])).isoformat()

    teams = db.likely(DISTRICT_TEAMS)  # as the app says it of a district's limit (crm.core.database.likely)
    in_district = db.likely(f"p.{DISTRICT_TEAMS}")
    of_teams = db.likely("t.district_id = :district")
    candidates = f"SELECT id FROM lead WHERE stage IN {IDLE} AND status = 'active' AND {teams}"
    sql = {
        "lead_idle": f"""SELECT count(*) FROM lead l
            LEFT JOIN (SELECT lead_id, max(visited_on) AS d FROM visit WHERE lead_id IN ({candidates})
                       GROUP BY lead_id) v ON v.lead_id = l.id
            LEFT JOIN (SELECT lead_id, max(changed_at) AS at FROM lead_stage_change WHERE lead_id IN ({candidates})
                       GROUP BY lead_id) c ON c.lead_id = l.id
            WHERE l.stage IN {IDLE} AND l.status = 'active' AND {db.likely(f"l.{DISTRICT_TEAMS}")}
              AND coalesce(v.d, {local_date(db, 'c.at')}, {local_date(db, 'l.created_at')}) < :idle""",
        "follow_up": f"""SELECT (SELECT count(*) FROM visit WHERE follow_up_on <= :follow AND {teams})
            + (SELECT count(*) FROM lead WHERE next_action_on <= :follow AND stage IN {ACTIVE} AND {teams})""",
        "node": "SELECT count(*) FROM (" + " UNION ALL ".join(
            [f"""SELECT n.project_id FROM project_node n JOIN project p ON p.id = n.project_id
                 JOIN team t ON t.id = p.team_id LEFT JOIN path_step s ON s.district_id = t.district_id
                 AND s.node = n.node WHERE n.actual_on IS NULL AND n.planned_on <= :node
                 AND n.node NOT IN ('started', 'producing', 'capacity') AND coalesce(s.enabled, TRUE)
                 AND {LIVE} AND {of_teams}"""]
            + [f"""SELECT p.id FROM project p JOIN team t ON t.id = p.team_id LEFT JOIN path_step s
                   ON s.district_id = t.district_id AND s.node = '{name}' WHERE p.{actual} IS NULL
                   AND p.{planned} <= :node AND coalesce(s.enabled, TRUE) AND {LIVE} AND {of_teams}"""
               for name, planned, actual in HELD]) + ") due",
        "service_item": f"""SELECT count(*) FROM service_item i JOIN project p ON p.id = i.project_id
            WHERE i.status <> 'done' AND i.due_on < :service AND {LIVE} AND {in_district}""",
        "issue": f"""SELECT count(*) FROM project_issue i JOIN project p ON p.id = i.project_id
            WHERE i.raised_on < :issue AND i.raised_on <= :on AND (i.resolved_on IS NULL OR i.resolved_on > :on)
              AND {LIVE} AND {in_district}""",
        "supervision": f"""SELECT count(*) FROM supervision o JOIN project p ON p.id = o.project_id
            WHERE o.status <> 'closed' AND o.deadline <= :supervision AND {in_district}""",
        "verification": f"""SELECT count(*) FROM project p WHERE p.verified = FALSE AND {LIVE}
            AND p.signed_on < :verification AND {in_district}""",
    }
    params = {"on": on.isoformat(), "idle": cut("lead_idle", -1), "follow": cut("follow_up", 1),
              "node": cut("node", 1), "service": cut("service_item", -1), "issue": cut("issue", -1),
              "supervision": cut("supervision", 1), "verification": cut("verification", -1)}
    counts: dict[str, tuple[int, float]] = {}
    for kind, statement in sql.items():
        started = time.perf_counter()
        counts[kind] = (int(db.rows(statement, **params)[0][0]), time.perf_counter() - started)
    db.end()
    return counts


def measure(url: str, on: date) -> None:
    from sqlalchemy import select

    from crm.access.tenancy import within
    from crm.extensions import db
    from crm.models import District
    from crm.reminders.due import KINDS
    from crm.reminders.raising import raise_due
    from crm.reminders.rules import district_rules

    app = production_app(url)
    plain = PlainDB(url)
    app_seconds: Counter[str] = Counter()
    sql_seconds: Counter[str] = Counter()
    records: Counter[str] = Counter()
    reminders: Counter[str] = Counter()
    raise_seconds = 0.0
    with app.app_context():
        districts = list(db.session.execute(select(District.id, District.name).where(District.active.is_(True))))
        with within(districts[0][0], "a warm-up: the statements compiled once, as in a long-running process"):
            for kind, rule in district_rules(districts[0][0]).items():
                KINDS[kind](on, rule.days)
        db.session.rollback()
        for district_id, _name in districts:
            rules = district_rules(district_id)
            days = {kind.value: rule.days for kind, rule in rules.items()}
            plain.district = district_id
            expected = plain_counts(plain, on, days)
            sql_seconds.update({kind: seconds for kind, (_count, seconds) in expected.items()})
            with within(district_id, "a benchmark of a district's reminders"):
                for kind, rule in rules.items():
                    started = time.perf_counter()
                    dues = KINDS[kind](on, rule.days)
                    app_seconds[kind.value] += time.perf_counter() - started
                    records[kind.value] += len(dues)
                    if len(dues) != expected[kind.value][0]:
                        raise SystemExit(f"{kind.value} in district {district_id}: the app finds {len(dues)}, "
                                         f"the SQL {expected[kind.value][0]}")
            db.session.rollback()
            started = time.perf_counter()
            new = raise_due(on, district_id)
            raise_seconds += time.perf_counter() - started
            reminders.update(reminder.kind.value for reminder in new)
            db.session.rollback()  # leave the demo as it was
    plain.close()
    report(url, on, len(districts), records, reminders, app_seconds, sql_seconds, raise_seconds)


def report(url: str, on: date, districts: int, records: Counter[str], reminders: Counter[str],
           app_seconds: Counter[str], sql_seconds: Counter[str], raise_seconds: float) -> None:
    app_total, sql_total = sum(app_seconds.values()), sum(sql_seconds.values())
    print(f"\n{url}  day {on}  {districts} districts")
    print(f"{'kind':14} {'due records':>12} {'reminders':>10} {'app s':>8} {'SQL s':>8} {'ratio':>6}")
    for kind in records:
        ratio = app_seconds[kind] / sql_seconds[kind] if sql_seconds[kind] else float("nan")
        print(f"{kind:14} {records[kind]:>12,} {reminders[kind]:>10,} {app_seconds[kind]:>8.2f} "
              f"{sql_seconds[kind]:>8.2f} {ratio:>6.2f}")
    print(f"{'all':14} {sum(records.values()):>12,} {sum(reminders.values()):>10,} {app_total:>8.2f} "
          f"{sql_total:>8.2f} {app_total / sql_total:>6.2f}")
    print(f"whole raise (due, recipients, escalation, INSERT; rolled back): {raise_seconds:.2f} s, "
          f"ratio to the SQL counts {raise_seconds / sql_total:.2f}")


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", action="append", help="a database to run on (repeatable)")
    parser.add_argument("--date", type=date.fromisoformat, default=None, help="the run's day (default: today)")
    args = parser.parse_args(argv)
    from crm.domain.periods import today

    for url in chosen_urls(args.database_url):
        measure(url, args.date or today())


if __name__ == "__main__":
    main()
