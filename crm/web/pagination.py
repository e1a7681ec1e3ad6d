"""Pages of query results, with the page number read safely from the request."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from sqlalchemy import Select, func, inspect, select
from sqlalchemy.orm import lazyload

from ..extensions import db

MAX_PAGE = 100_000  # far past any real list; larger numbers overflow the database's integers
MAX_PER_PAGE = 200
# How far past a page's start a list counts its rows. A district's lists run to a million visits: counting them
# all cost more than reading the page, so past this a list says "1000+" and a later page counts on from there.
COUNT_AHEAD = 1000


@dataclass(frozen=True, slots=True)
class ListPage:
    """One page of a list: its rows, its number, and how many rows the list holds, as far as they were counted.

    `total` is exact when `more` is false; otherwise the list holds more than `bound` rows, and `total` (one past
    the bound) keeps the next page's link. The labels say what is known: "1000+" rows, "20+" pages. The pager
    macro and the API read it as they would read Flask-SQLAlchemy's Pagination (page, pages, has_prev, next_num…).
    """

    items: list[Any]
    page: int
    per_page: int
    total: int
    bound: int | None = None  # the rows were counted up to one past this (None: all of them)

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def more(self) -> bool:
        """Whether the list holds rows past the bound it was counted to."""
        return self.bound is not None and self.total > self.bound

    @property
    def total_label(self) -> str:
        return f"{self.bound}+" if self.more else str(self.total)

    @property
    def pages_label(self) -> str:
        return f"{(self.bound or 0) // self.per_page}+" if self.more else str(self.pages)


def page_size(per_page: int | None) -> int:
    """Rows a page shows: the setting's unless given, at most MAX_PER_PAGE."""
    return min(per_page or current_app.config["PAGE_SIZE"], MAX_PER_PAGE)


def counted_rows(query: Select, bound: int | None = None) -> int:
    """How many rows the select holds, counted on its keys alone and in no order; up to one past `bound` if given."""
    rows = query.options(lazyload("*")).order_by(None)
    if bound is not None:
        entity = rows.column_descriptions[0].get("entity")
        if entity is not None:  # the rows' keys only, so an index can answer
            rows = rows.with_only_columns(*inspect(entity).primary_key, maintain_column_froms=True)
        rows = rows.limit(bound + 1)
    return db.session.execute(select(func.count()).select_from(rows.subquery())).scalar_one()


def link_args(*taken: str) -> dict[str, str]:
    """The query string as links to other pages of a list keep it: no page number, no blanks, and none of the
    words url_for reads as its own (endpoint, _external, _method…) or a link names itself (`taken`)."""
    return {key: value for key, value in request.args.items()
            if value and key not in ("page", "endpoint", *taken) and not key.startswith("_")}


def requested_page() -> int:
    """`?page=` from the request, clamped to a sane range."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def paginate(query: Select, *, per_page: int | None = None, total: int | None = None,
             exact: bool = False) -> ListPage:
    """One page of the query's entities, counted to COUNT_AHEAD past it (`total`: known already; `exact`: count all)."""
    page, size = requested_page(), page_size(per_page)
    offset = (page - 1) * size
    items = list(db.session.execute(query.limit(size).offset(offset)).unique().scalars())
    if total is not None or exact:
        return ListPage(items, page, size, total if total is not None else counted_rows(query))
    bound = COUNT_AHEAD * math.ceil((offset + size) / COUNT_AHEAD)
    return ListPage(items, page, size, counted_rows(query, bound), bound)


def paginate_rows(query: Select, *, total: int | None = None, per_page: int | None = None) -> ListPage:
    """One page of a select of columns, as rows; give `total` when it is already known, to spare the count."""
    page, size = requested_page(), page_size(per_page)
    items = list(db.session.execute(query.limit(size).offset((page - 1) * size)))
    return ListPage(items, page, size, total if total is not None else counted_rows(query))


def paginate_fetched(fetch: Callable[[int, int], list[Any]], *, total: int, per_page: int | None = None) -> ListPage:
    """One page of the rows `fetch(limit, offset)` returns, of `total` in all."""
    page, size = requested_page(), page_size(per_page)
    return ListPage(fetch(size, (page - 1) * size), page, size, total)
