"""`flask export`: the downloads, written to a file."""

import getpass
import json
from pathlib import Path

import click
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..access.command_scope import choose_district, narrow_to
from ..domain.refused import Refused
from ..extensions import db
from ..models import Role, Team, User
from ..reports.cli import period_of, period_options
from .catalogue import EXPORTS, build_export, record_export, write_export

# The query key each list's page filters a team by; the team ranking covers every team.
TEAM_KEYS = {"projects": "team", "ranking": "team", "visits": "team_id", "leads": "team"}


def period_query(name: str, year, quarter, month, ytd, start, end) -> list[tuple[str, str]]:
    """The period options as the list's page takes them in its query string."""
    given = any((year, quarter, month, ytd, start, end))
    if not given:
        return []  # each page's own default: this year for the rankings, no period for the lists
    if name == "leads":
        raise click.UsageError("the lead list has no period filter: leave out the period options")
    period = period_of(year, quarter, month, start, end, ytd)
    if name == "visits":  # its page takes a period as a range of dates
        return [("start", period.start.isoformat()), ("end", period.end.isoformat())]
    options = {"year": year, "quarter": quarter, "month": month, "ytd": "y" if ytd else None,
               "start": start.date().isoformat() if start else None, "end": end.date().isoformat() if end else None}
    return [(key, str(value)) for key, value in options.items() if value]


def team_query(name: str, team_name: str | None) -> list[tuple[str, str]]:
    if not team_name:
        return []
    if name not in TEAM_KEYS:
        raise click.UsageError(f"the {name} export covers every team: leave out --team")
    team_id = db.session.scalar(select(Team.id).where(Team.name == team_name))
    if team_id is None:
        raise click.ClickException(f"no team named {team_name!r}")
    return [(TEAM_KEYS[name], str(team_id))]


def os_user() -> str:
    """Who ran the command, as the operating system knows them."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


def filter_query(filters: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for item in filters:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--filter")
        pairs.append((key.strip(), value))
    return pairs


@click.command("export")
@click.argument("name", type=click.Choice(list(EXPORTS)))
@period_options
@click.option("--team", "team_name", help="Only this team's rows (by team name).")
@click.option("--filter", "filters", multiple=True, metavar="KEY=VALUE",
              help="Any other filter of the list's page, as in its URL (e.g. size=10, status=started, q=新材料).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write; .xlsx or .csv by its suffix.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--district", "district_name", help="District name or code (default: the only one); "
              "the districts list covers the whole city.")
def export_command(name, year, quarter, month, ytd, start, end, team_name, filters, output: Path,
                   as_json: bool, district_name: str | None) -> None:
    """Write a list to an .xlsx or .csv file: projects (签约项目清单), ranking (亿元以上项目榜),
    teams (专班排名 with its score breakdown), visits (拜访记录) or leads (在谈项目清单).

    The filters are those of the list's page; the file holds every team's rows. Without period options the
    rankings cover this year and the other lists every date.
    """
    ext = output.suffix.lower().lstrip(".")
    if ext not in ("xlsx", "csv"):
        raise click.BadParameter("the file name must end in .xlsx or .csv", param_hint="-o")
    if name == "districts":
        office = User(username="cli", display_name="cli", role=Role.CITY)  # the city reads every district
    else:
        district = choose_district(district_name)
        narrow_to(district.id)
        office = User(username="cli", display_name="cli", role=Role.ADMIN, district_id=district.id)
    query = MultiDict(period_query(name, year, quarter, month, ytd, start, end) + team_query(name, team_name)
                      + filter_query(filters))
    try:
        export = build_export(name, query, office)
    except Refused as error:
        raise click.ClickException(str(error)) from error
    rows = write_export(export, ext, str(output))
    db.session.commit()
    record_export(export, ext, rows=rows, user_id=None, address=None, via="cli", os_user=os_user(),
                  district_id=office.district_id)
    db.session.commit()
    if as_json:
        click.echo(json.dumps({"export": name, "file": str(output), "title": export.filename, "rows": rows,
                               "filters": export.filters}, ensure_ascii=False))
    else:
        click.echo(f"{export.filename}: {rows} rows written to {output}")
