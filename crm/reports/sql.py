"""SQL pieces the reports need that the two databases spell differently."""

from datetime import date
from typing import Any

from sqlalchemy import Date, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class year_month(GenericFunction[str]):  # lower case, as SQL functions are named
    """The 'YYYY-MM' of a date: one grouping key for a month, cheaper than grouping by year and month apart."""

    type = String()
    inherit_cache = True


@compiles(year_month, "sqlite")
def _year_month_sqlite(element: year_month, compiler: Any, **kw: Any) -> str:
    # SQLite keeps dates as 'YYYY-MM-DD' text: the month is its first seven characters (cheaper than strftime).
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"


@compiles(year_month, "postgresql")
def _year_month_postgresql(element: year_month, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class year_quarter(GenericFunction[str]):
    """The 'YYYY-Qn' of a date: one grouping key for a quarter."""

    type = String()
    inherit_cache = True


@compiles(year_quarter, "sqlite")
def _year_quarter_sqlite(element: year_quarter, compiler: Any, **kw: Any) -> str:
    day = compiler.process(element.clauses, **kw)
    return f"(substr({day}, 1, 4) || '-Q' || ((CAST(substr({day}, 6, 2) AS INTEGER) + 2) / 3))"


@compiles(year_quarter, "postgresql")
def _year_quarter_postgresql(element: year_quarter, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-\"Q\"Q')"


class year_of(GenericFunction[str]):
    """The 'YYYY' of a date: one grouping key for a year."""

    type = String()
    inherit_cache = True


@compiles(year_of, "sqlite")
def _year_of_sqlite(element: year_of, compiler: Any, **kw: Any) -> str:
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 4)"


@compiles(year_of, "postgresql")
def _year_of_postgresql(element: year_of, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY')"


class local_date(GenericFunction[date]):  # lower case, as SQL functions are named
    """The local (Asia/Shanghai) day of a UTC timestamp."""

    type = Date()
    inherit_cache = True


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: Any, **kw: Any) -> str:
    # Stored as UTC text; Asia/Shanghai has kept UTC+8 all year since 1991.
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(local_date, "postgresql")
def _local_date_postgresql(element: local_date, compiler: Any, **kw: Any) -> str:
    return f"CAST(timezone('Asia/Shanghai', {compiler.process(element.clauses, **kw)}) AS DATE)"
