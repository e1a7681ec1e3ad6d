"""Command-line commands: `flask --app crm …`."""

import json

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .access.command_scope import (
    choose_district,
)
from .access.declaring import commands_reach
from .auth import services as accounts
from .auth.passwords import generate_password
from .extensions import db
from .models import District, Role, Team

users_cli = AppGroup("users", help="Manage user accounts.")
districts_cli = AppGroup("districts", help="The city's districts (区/县).")


@districts_cli.command("create")
@click.argument("name")
@click.option("--code", required=True, help="Short code its project codes start with, e.g. ZW (ZW-2026-001).")
def create_district_command(name: str, code: str) -> None:
    """Add a district of the city."""
    if db.session.scalar(select(District.id).where((District.name == name) | (District.code == code))):
        raise click.ClickException(f"a district named {name!r} or coded {code!r} exists already")
    if not code.isascii() or not code.isalnum() or len(code) > 8:
        raise click.ClickException("the code is up to 8 letters or digits")
    db.session.add(District(name=name, code=code.upper()))
    db.session.commit()
    click.echo(f"created district {name} ({code.upper()})")


@districts_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the districts as JSON.")
def list_districts_command(as_json: bool) -> None:
    """List the city's districts."""
    rows = [{"id": d.id, "name": d.name, "code": d.code, "active": d.active}
            for d in db.session.scalars(select(District).order_by(District.id))]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
    else:
        for row in rows:
            click.echo(f"{row['id']:>3}  {row['code']:8} {row['name']}" + ("" if row["active"] else "  (inactive)"))


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True,
              help="admin, leader, lead, member, or city (市招商局: reads every district).")
@click.option("--team", "team_name", help="Team name (required for lead and member).")
@click.option("--district", "district_name", help="District name or code (default: the only one; none for city).")
@click.option("--name", "display_name", help="Display name (default: the username).")
@click.option("--password", help="Password (default: a random one, printed once).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def create_user_command(username: str, role: str, team_name: str | None, district_name: str | None,
                        display_name: str | None, password: str | None, as_json: bool) -> None:
    """Add a user."""
    district = None if role == Role.CITY.value else choose_district(district_name)
    team = None
    if team_name:
        team = db.session.scalar(select(Team).where(Team.name == team_name,
                                                    Team.district_id == (district.id if district else None)))
        if team is None:
            raise click.ClickException(f"no team named {team_name!r}" + (f" in {district.name}" if district else ""))
    generated = password is None
    password = password or generate_password(current_app.config)
    try:
        user = accounts.create_user(username=username, display_name=display_name or username, role=Role(role),
                                    password=password, team=team, district=district)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    result = {"id": user.id, "username": user.username, "role": role, "team": team_name,
              "district": district.name if district else None}
    if generated:
        result["password"] = password
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(f"created {username} ({role})" + (f", password: {password}" if generated else ""))


def register_commands(app: Flask) -> None:
    """Attach the commands to the app's `flask` group."""
    from .audit_trail.cli import audit_cli
    from .core.backup import backup_command
    from .demo.cli import demo_command
    from .dispatch.cli import dispatch_command
    from .exports.cli import export_command
    from .imports.cli import import_command
    from .reminders.cli import reminders_cli
    from .report_document.cli import report_cli
    from .reports.cli import rankings_cli, summary_command

    app.cli.add_command(users_cli)
    app.cli.add_command(districts_cli)
    app.cli.add_command(summary_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(rankings_cli)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(audit_cli)
    app.cli.add_command(dispatch_command)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(report_cli)
    commands_reach(app.cli)  # the operator's commands read every district unless given one
