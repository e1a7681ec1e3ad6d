"""`flask backup`: a consistent copy of the database while the app keeps running."""

import click


@click.command("backup")
def backup_command() -> None:
    """Write a consistent copy of the database to a file."""
    raise click.UsageError("not available yet")
