"""`flask report monthly|quarterly|period`: the 月报/季报 (or a chosen period's report) as a .docx file."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from ..access.command_scope import choose_district, narrow_to
from ..domain.periods import Period, today
from .content import gather
from .document import report_document

report_cli = AppGroup("report", help="The 月报/季报: a period's report as a Word document (.docx).")

OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
                      help="The .docx file to write.")
DISTRICT = click.option("--district", "district_name",
                        help="District name or code (default: every district, the city's report).")


def write_report(period: Period, district_name: str | None, output: Path) -> None:
    """Gather, write and save the report; say where and how long it took."""
    if output.suffix.lower() != ".docx":
        raise click.BadParameter("the report is a Word document: give a file name ending in .docx", param_hint="-o")
    started = time.perf_counter()
    district_id = None
    if district_name:
        district_id = choose_district(district_name).id
        narrow_to(district_id)
    content = gather(period, today(), district_id)
    data = report_document(content)
    try:
        output.write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from error
    click.echo(f"wrote {output} ({content.title}, {len(data):,} bytes) in {time.perf_counter() - started:.2f} s")


def built(make, *args) -> Period:  # type: ignore[no-untyped-def]
    try:
        return make(*args)
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


@report_cli.command("monthly")
@click.option("--year", type=click.IntRange(2000, 2100), help="Year (default: this year).")
@click.option("--month", type=click.IntRange(1, 12), required=True, help="Month 1–12.")
@DISTRICT
@OUTPUT
def monthly_command(year: int | None, month: int, district_name: str | None, output: Path) -> None:
    """Write a month's report (月报)."""
    write_report(built(Period.month, year or today().year, month), district_name, output)


@report_cli.command("quarterly")
@click.option("--year", type=click.IntRange(2000, 2100), help="Year (default: this year).")
@click.option("--quarter", type=click.IntRange(1, 4), required=True, help="Quarter 1–4.")
@DISTRICT
@OUTPUT
def quarterly_command(year: int | None, quarter: int, district_name: str | None, output: Path) -> None:
    """Write a quarter's report (季报)."""
    write_report(built(Period.quarter, year or today().year, quarter), district_name, output)


@report_cli.command("period")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First day, YYYY-MM-DD.")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last day, YYYY-MM-DD.")
@DISTRICT
@OUTPUT
def period_command(start: datetime, end: datetime, district_name: str | None, output: Path) -> None:
    """Write the report of a chosen period, both days included."""
    if end < start:
        raise click.BadParameter("the end comes before the start", param_hint="--end")
    write_report(built(Period.between, start.date(), end.date()), district_name, output)
