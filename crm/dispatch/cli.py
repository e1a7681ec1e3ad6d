"""`flask dispatch`: the 调度会 list for a day, as text or JSON."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import click

from ..access.command_scope import district_option
from ..domain.periods import today
from ..path.page import reason
from ..reports.dispatch import meeting
from .forms import SINCE_DAYS


@click.command("dispatch")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="The meeting's day (default: today).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]),
              help=f"The last meeting's day: changes after it are listed (default: {SINCE_DAYS} days before).")
@district_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def dispatch_command(day: datetime | None, since: datetime | None, district, as_json: bool) -> None:
    """Print the 调度会 list: red and yellow projects, open 督办, and what changed since the last meeting."""
    on = day.date() if day else today()
    last = since.date() if since else on - timedelta(days=SINCE_DAYS)
    if last >= on:
        raise click.BadParameter("the last meeting must come before the meeting's day", param_hint="--since")
    board = meeting(on, last, district_id=district.id)
    projects = [{"code": p.code, "name": p.name, "team": p.team, "colour": p.colour.value,
                 "reason": reason(p.cause, on), "chief_officer": p.chief, "responsible_unit": p.unit,
                 "newly_red": p.newly_red} for p in board.projects]
    orders = [{"code": o.code, "what": o.what, "receiver": o.receiver, "deadline": o.deadline.isoformat(),
               "overdue": o.overdue} for o in board.orders]
    if as_json:
        click.echo(json.dumps({
            "date": on.isoformat(), "since": last.isoformat(), "district": district.name,
            "counts": {"red": len(board.red), "yellow": len(board.yellow), "orders": len(board.orders),
                       "newly_red": len(board.newly_red)},
            "projects": projects, "orders": orders,
            "reached": [{"code": r.code, "node": r.node, "date": r.day.isoformat()} for r in board.reached],
            "arrived": [{"code": a.code, "date": a.day.isoformat(), "amount_yuan": a.amount_yuan}
                        for a in board.arrived],
            "arrived_yuan": board.arrived_yuan}, ensure_ascii=False, indent=2))
        return
    click.echo(f"{district.name} 调度会 {on.isoformat()}（上次 {last.isoformat()}）："
               f"红 {len(board.red)}，黄 {len(board.yellow)}，未办结督办 {len(board.orders)}")
    for row in projects:
        click.echo(f"  [{row['colour']}] {row['code']} {row['name']}：{row['reason']}")
    for row in orders:
        click.echo(f"  督办 {row['code']} {row['what']} → {row['receiver']}（{row['deadline']}"
                   f"{'，逾期' if row['overdue'] else ''}）")
