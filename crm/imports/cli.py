"""`flask import`: a spreadsheet brought in from the command line."""

import click


@click.command("import")
def import_command() -> None:
    """Import enterprises, leads, projects or visits from a spreadsheet."""
    raise click.UsageError("not available yet")
