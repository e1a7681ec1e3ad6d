"""`flask demo`: load demo data into an empty database."""

from __future__ import annotations

import json
import time

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..domain.periods import today
from ..extensions import db
from ..models import Role, Team, User
from .district import load_district
from .logins import DemoLogins


@click.command("demo")
@click.option("--scale", type=click.Choice(["district", "province"]), default="district", show_default=True,
              help="district: the report's figures; province: the volume benchmark.")
@click.option("--year", type=click.IntRange(2000, 2100), help="Year of the demo data (default: this year).")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option("--if-empty", is_flag=True, help="Load only into an empty database; else do nothing, successfully.")
@click.option("--json", "as_json", is_flag=True, help="Print the logins as JSON.")
@with_appcontext
def demo_command(scale: str, year: int | None, seed: int, if_empty: bool, as_json: bool) -> None:
    """Load demo data into an empty database and print one login per role."""
    if db.session.scalar(select(func.count()).select_from(User)):
        if if_empty:
            click.echo("The database already has users: demo data not loaded, existing data kept.", err=True)
            logins = existing_demo_logins()
            if logins:
                print_logins(logins)
            return
        raise click.ClickException("the database already has users: demo data goes only into an empty "
                                   "database (run it on a fresh database, or pass --if-empty to skip quietly)")
    year = year or today().year
    started = time.perf_counter()
    try:
        if scale == "district":
            logins = load_district(year, seed)
        else:
            logins = load_province_with_progress(year, seed, show=not as_json)
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    elapsed = time.perf_counter() - started
    if as_json:
        click.echo(json.dumps({"scale": scale, "year": year, "seed": seed, "elapsed_seconds": round(elapsed, 1),
                               "logins": logins.as_dict()}, ensure_ascii=False, indent=2))
        return
    click.echo(f"Loaded {scale} demo data for {year} (seed {seed}) in {elapsed:.1f} s.")
    print_logins(logins)


def print_logins(logins: DemoLogins) -> None:
    """Print one login per role."""
    click.echo("Demo logins:")
    for role, pair in logins.as_dict().items():
        click.echo(f"  {role:8} {pair['username']:16} {pair['password']}")


def existing_demo_logins() -> DemoLogins | None:
    """The logins of demo data loaded earlier: the admin, the first team's leader, lead and member."""
    def first(*conditions) -> User | None:
        return db.session.scalar(select(User).where(*conditions).order_by(User.id).limit(1))
    admin = first(User.username == "admin", User.role == Role.ADMIN)
    in_district = Team.district_id == (admin.district_id if admin else None)
    team = db.session.scalar(select(Team).where(in_district).order_by(Team.id).limit(1))
    if admin is None or team is None or team.leader is None:
        return None  # not a demo database: show nothing
    lead = first(User.team_id == team.id, User.role == Role.LEAD)
    member = first(User.team_id == team.id, User.role == Role.MEMBER)
    if lead is None or member is None:
        return None
    city = db.session.scalar(select(User).where(User.role == Role.CITY).order_by(User.id).limit(1)
                             .execution_options(all_districts=True))  # the city's user is of no district
    duties = {role: first(User.role == role, User.district_id == admin.district_id)
              for role in (Role.SECURITY, Role.AUDITOR)}
    return DemoLogins.of(admin.username, team.leader.username, lead.username, member.username,
                         city.username if city else None, *(u.username if u else None for u in duties.values()))


def load_province_with_progress(year: int, seed: int, show: bool) -> DemoLogins:
    """Load the province-scale data, with a progress bar on the terminal."""
    from .province import PROVINCE_LOGINS, TOTAL_ROWS, load_province

    if not show:
        load_province(year, seed, None)
        return PROVINCE_LOGINS
    with click.progressbar(length=TOTAL_ROWS, label="Loading province-scale demo data") as bar:
        load_province(year, seed, bar.update)
    return PROVINCE_LOGINS
