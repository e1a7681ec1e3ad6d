"""`flask audit verify` and `flask audit prune`: the operator's checks of the audit trail."""

from __future__ import annotations

import json
from datetime import date

import click
from flask.cli import AppGroup

from ..domain.periods import today
from ..extensions import db
from .prune import PruneRefused, prune_before
from .verify import verify_chain

audit_cli = AppGroup("audit", help="Check and prune the audit trail.")


@audit_cli.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def verify_command(as_json: bool) -> None:
    """Walk the audit trail's hash chain: OK with the count, or the first broken event and why (exit 1)."""
    verdict = verify_chain()
    db.session.rollback()
    if as_json:
        click.echo(json.dumps(verdict.as_dict()))
    elif verdict.ok:
        click.echo(f"OK: {verdict.events} events, the chain is intact; newest hash {verdict.head}")
    else:
        click.echo(f"BROKEN at event {verdict.broken_id}: {verdict.problem}: {verdict.why}")
    if not verdict.ok:
        raise SystemExit(1)


@audit_cli.command("prune")
@click.option("--before", "before", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="Delete the events written before this day (YYYY-MM-DD), at least 180 days ago.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def prune_command(before, as_json: bool) -> None:
    """Delete events older than the days kept (网络安全法 Art. 21: at least 180), keeping the chain verifiable."""
    day: date = before.date()
    try:
        pruned = prune_before(day, today=today())
    except PruneRefused as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    if as_json:
        click.echo(json.dumps({"before": day.isoformat(), "deleted": pruned.deleted, "anchor": pruned.anchor,
                               "prune_event": pruned.event_id}))
    else:
        click.echo(f"deleted {pruned.deleted} events written before {day}; recorded as event {pruned.event_id}")
