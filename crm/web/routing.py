"""How the app reads the numbers in its URLs."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the databases' integer: a larger number names no record, and would overflow a query


class RecordNumber(IntegerConverter):
    """`<int:…>` in every route: a number the database's integer holds, else no such page (404), never a query
    that overflows (PostgreSQL refuses a larger one with an error)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_routing(app: Flask) -> None:
    """Before any blueprint's rules are added: they are compiled with the converters of that moment."""
    app.url_map.converters["int"] = RecordNumber
