"""`flask export`: the downloads, written to a file."""

import click


@click.command("export")
def export_command() -> None:
    """Write a list to an .xlsx or .csv file."""
    raise click.UsageError("not available yet")
