"""The district a command-line command works on: the features' commands take it from here, not from crm/cli.py,
which only registers them."""

from collections.abc import Callable
from typing import Any

import click
from sqlalchemy import select

from ..extensions import db
from ..models import District
from .districts import home_district
from .tenancy import within


def choose_district(name: str | None) -> District:
    """The district a command works on: the one named (by name or code), else the home district (the first)."""
    districts = list(db.session.scalars(select(District).order_by(District.id)))
    if name:
        chosen = next((d for d in districts if name in (d.name, d.code)), None)
        if chosen is None:
            names = ", ".join(d.name for d in districts)
            raise click.ClickException(f"no district named {name!r} (there are: {names})")
        return chosen
    return districts[0] if districts else home_district()


def narrow_to(district_id: int) -> None:
    """Read this district only, until the running command ends."""
    click.get_current_context().with_resource(within(district_id, "a command given its district"))


def district_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --district: the command then sees that district's records only, as its users do."""
    def scope(ctx: click.Context, _param: click.Parameter, name: str | None) -> District:
        district = choose_district(name)
        ctx.with_resource(within(district.id, "a command given its district"))
        return district
    return click.option("--district", "district", callback=scope, expose_value=True, is_eager=False,
                        help="District name or code (default: the home district, the first one).")(command)
