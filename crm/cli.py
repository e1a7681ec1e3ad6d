"""Command-line commands: `flask --app crm …`."""

import json

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .auth import services as accounts
from .extensions import db
from .models import Role, Team
from .passwords import generate_password

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True,
              help="admin, leader, lead or member.")
@click.option("--team", "team_name", help="Team name (required for lead and member).")
@click.option("--name", "display_name", help="Display name (default: the username).")
@click.option("--password", help="Password (default: a random one, printed once).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def create_user_command(username: str, role: str, team_name: str | None, display_name: str | None,
                        password: str | None, as_json: bool) -> None:
    """Add a user."""
    team = None
    if team_name:
        team = db.session.scalar(select(Team).where(Team.name == team_name))
        if team is None:
            raise click.ClickException(f"no team named {team_name!r}")
    generated = password is None
    password = password or generate_password(current_app.config)
    try:
        user = accounts.create_user(username=username, display_name=display_name or username, role=Role(role),
                                    password=password, team=team)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    result = {"id": user.id, "username": user.username, "role": role, "team": team_name}
    if generated:
        result["password"] = password
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(f"created {username} ({role})" + (f", password: {password}" if generated else ""))


def register_commands(app: Flask) -> None:
    """Attach the commands to the app's `flask` group."""
    from .backup import backup_command
    from .demo.cli import demo_command
    from .exports.cli import export_command
    from .imports.cli import import_command
    from .reports.cli import rankings_cli, summary_command

    app.cli.add_command(users_cli)
    app.cli.add_command(summary_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(rankings_cli)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(backup_command)
