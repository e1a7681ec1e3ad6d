"""`flask reminders run`: raise the day's reminders in each district, mail and post them; cron or a timer runs it."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..access.command_scope import choose_district
from ..domain.periods import today
from ..extensions import db
from ..models import District, ReminderKind
from .mail import mail_due
from .raising import raise_due
from .webhook import push_due

reminders_cli = AppGroup("reminders", help="Reminders (提醒): raise what fell due, mail and post them.")


@dataclass
class DistrictRun:
    """One district's run, as printed."""

    district: str
    date: str
    raised: dict[str, int] = field(default_factory=dict)  # level 0, per kind
    escalated: int = 0
    mailed: int = 0  # mails accepted by the server
    mailed_reminders: int = 0
    pushed: int = 0  # messages accepted by the group robots
    pushed_reminders: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        raised = ", ".join(f"{kind} {count}" for kind, count in self.raised.items())
        text = (f"{self.district} {self.date}: raised {raised}; escalated {self.escalated}; "
                f"mailed {self.mailed} ({self.mailed_reminders} reminders); "
                f"pushed {self.pushed} ({self.pushed_reminders} reminders); "
                f"failures {len(self.failures)}; {self.seconds:.2f} s")
        return "\n".join([text, *(f"  failed: {failure}" for failure in self.failures)])


def run_district(on: date, district: District) -> DistrictRun:
    """Raise the district's reminders (committed), then mail and post them; failures are reported, not raised."""
    started = time.perf_counter()
    report = DistrictRun(district.name, on.isoformat(), raised={kind.value: 0 for kind in ReminderKind})
    try:
        new = raise_due(on, district.id)
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        new = []
        report.failures.append(f"raising: {error.__class__.__name__}: {error}")
    for reminder in new:
        if reminder.level:
            report.escalated += 1
        else:
            report.raised[reminder.kind.value] += 1
    mailed = mail_due(on, district.id)
    pushed = push_due(on, district.id)
    report.mailed, report.mailed_reminders = mailed.mails, mailed.reminders
    report.pushed, report.pushed_reminders = pushed.messages, pushed.reminders
    report.failures += mailed.failures + pushed.failures
    report.seconds = round(time.perf_counter() - started, 3)
    return report


@reminders_cli.command("run")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day to run for (default: today).")
@click.option("--district", "district_name", help="One district, by name or code (default: every active one).")
@click.option("--json", "as_json", is_flag=True, help="Print each district's figures as JSON.")
def run_command(day: datetime | None, district_name: str | None, as_json: bool) -> None:
    """Raise the day's reminders in each district, mail and post them; idempotent per day."""
    on = day.date() if day else today()
    districts = ([choose_district(district_name)] if district_name else
                 list(db.session.scalars(select(District).where(District.active.is_(True)).order_by(District.id))))
    reports = [run_district(on, district) for district in districts]
    if as_json:
        click.echo(json.dumps([asdict(report) for report in reports], ensure_ascii=False))
    else:
        for report in reports:
            click.echo(report.line())
    if any(report.failures for report in reports):
        raise click.exceptions.Exit(1)  # after every district's work: the next run retries what failed
