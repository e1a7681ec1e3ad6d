"""Reporting commands: the summary and brief, and the two rankings."""

import json

import click
from flask.cli import AppGroup

from ..access.command_scope import district_option
from ..domain.money import YUAN_PER_YI
from ..domain.periods import period_from, today
from .district_ranking import district_ranking
from .figures import district_figures
from .project_ranking import YiCriteria, yi_ranking, yi_totals
from .summary import brief, district_summary
from .team_ranking import team_ranking
from .year_on_year import comparison


def period_options(command):
    """Add the period options every reporting command shares."""
    for option in (click.option("--year", type=int, help="Year (default: this year)."),
                   click.option("--quarter", type=click.IntRange(1, 4), help="Quarter 1–4."),
                   click.option("--month", type=click.IntRange(1, 12), help="Month 1–12."),
                   click.option("--ytd", is_flag=True, help="With --month N: January to month N (1–N月累计)."),
                   click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="Custom range start."),
                   click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Custom range end.")):
        command = option(command)
    return command


def period_of(year, quarter, month, start, end, ytd=False):
    try:
        return period_from(year, quarter, month, start.date() if start else None, end.date() if end else None,
                           ytd=ytd)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


@click.command("summary")
@period_options
@district_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--brief", "as_brief", is_flag=True, help="The brief (简报) sentence only.")
def summary_command(year, quarter, month, ytd, start, end, district, as_json: bool, as_brief: bool) -> None:
    """Print the district totals for a period; with --json, 同比 as well."""
    period, now = period_of(year, quarter, month, start, end, ytd), today()
    figures = district_figures(period, district_id=district.id)
    summary = district_summary(period, now, figures, district_id=district.id)
    if as_json:
        year_on_year = comparison(period, now, figures, district.id)
        click.echo(json.dumps(summary.as_dict() | {"year_on_year": year_on_year}, ensure_ascii=False, indent=2))
    elif as_brief:
        click.echo(brief(summary, now))
    else:
        for key, value in summary.as_dict().items():
            click.echo(f"{key:24} {value}")


rankings_cli = AppGroup("rankings", help="The 亿元以上 project ranking and the team ranking.")


@rankings_cli.command("projects")
@period_options
@district_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def projects_command(year, quarter, month, ytd, start, end, district, as_json: bool) -> None:
    """Print the 亿元以上项目榜 for a period: largest first, with the totals row."""
    from ..extensions import db

    criteria = YiCriteria(period=period_of(year, quarter, month, start, end, ytd))
    totals = yi_totals(criteria)
    rows = [{"rank": rank, "code": p.code, "name": p.name, "investor": p.investor, "team": p.team_name,
             "signed_on": p.signed_on.isoformat(), "total_investment_yuan": p.total_investment_yuan}
            for rank, p in enumerate(db.session.execute(yi_ranking(criteria)), start=1)]
    if as_json:
        click.echo(json.dumps({"period_start": criteria.period.start.isoformat(),
                               "period_end": criteria.period.end.isoformat(), "count": totals.count,
                               "total_investment_yuan": totals.total_yuan, "buckets": totals.buckets,
                               "projects": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['rank']:>4}  {row['code']:14} {row['total_investment_yuan'] / YUAN_PER_YI:>10.2f}亿  "
                   f"{row['signed_on']}  {row['team']}  {row['name']}")
    click.echo(f"total: {totals.count} projects, {totals.total_yuan / YUAN_PER_YI:.2f}亿元")


@rankings_cli.command("teams")
@period_options
@district_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def teams_command(year, quarter, month, ytd, start, end, district, as_json: bool) -> None:
    """Print the 专班排名 for a period: figures, score and rank of every team of the district."""
    ranking = team_ranking(period_of(year, quarter, month, start, end, ytd), today(), district_id=district.id)
    if as_json:
        click.echo(json.dumps({"period_start": ranking.period.start.isoformat(),
                               "period_end": ranking.period.end.isoformat(),
                               "time_progress": str(ranking.time_progress), "rule": ranking.rule.as_dict(),
                               "teams": [row.as_dict() for row in ranking.rows]}, ensure_ascii=False, indent=2))
        return
    for row in ranking.rows:
        figures = row.figures
        click.echo(f"{row.rank:>3}  {row.score:>7}  {row.team_name}  trips {figures.trips}  visits {figures.visits}  "
                   f"signed {figures.signed_projects}  yi {figures.yi_projects}  "
                   f"investment {figures.signed_investment_yuan / YUAN_PER_YI:.2f}亿")


@rankings_cli.command("districts")
@period_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def districts_command(year, quarter, month, ytd, start, end, as_json: bool) -> None:
    """Print the 市级拉练排名 for a period: figures, score and rank of every district of the city."""
    ranking = district_ranking(period_of(year, quarter, month, start, end, ytd), today())
    if as_json:
        click.echo(json.dumps({"period_start": ranking.period.start.isoformat(),
                               "period_end": ranking.period.end.isoformat(),
                               "time_progress": str(ranking.time_progress), "rule": ranking.rule.as_dict(),
                               "districts": [row.as_dict() | {"district_id": row.team_id, "district": row.team_name}
                                             for row in ranking.rows],
                               "city": ranking.district.as_dict()}, ensure_ascii=False, indent=2))
        return
    for row in ranking.rows:
        figures = row.figures
        click.echo(f"{row.rank:>3}  {row.score:>7}  {row.team_name}  signed {figures.signed_projects}  "
                   f"yi {figures.yi_projects}  investment {figures.signed_investment_yuan / YUAN_PER_YI:.2f}亿  "
                   f"started {figures.started_projects}  producing {figures.producing_projects}  "
                   f"trips {figures.trips}  enterprises {figures.enterprises_visited}")
