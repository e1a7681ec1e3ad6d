"""Pages of query results, with the page number read safely from the request."""

import math
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import lazyload

from ..extensions import db

MAX_PAGE = 100_000  # far past any real list; larger numbers overflow the database's integers
# How far past a page's start a list counts its rows. A district's lists run to a million visits: counting them
# all cost more than reading the page, so past this a list says "1000+" and a later page counts on from there.
COUNT_AHEAD = 1000


class CountedPagination(SelectPagination):
    """A page of a select of entities, its rows counted up to a bound past the page, or exactly when asked.

    `total` is exact when `more` is false; otherwise the list holds more than `bound` rows, and `total` (one past
    the bound) keeps the next page's link. The labels say what is known: "1000+" rows, "20+" pages.
    """

    bound: int | None = None

    def _query_count(self) -> int:
        known = self._query_args.get("total")
        if known is not None:
            return known
        if self._query_args.get("exact"):
            return super()._query_count()
        self.bound = COUNT_AHEAD * math.ceil((self._query_offset + self.per_page) / COUNT_AHEAD)
        rows = self._query_args["select"].options(lazyload("*")).order_by(None)  # counted in any order
        entity = rows.column_descriptions[0].get("entity")
        if entity is not None:  # the rows' keys only, so an index can answer
            rows = rows.with_only_columns(*inspect(entity).primary_key, maintain_column_froms=True)
        return db.session.execute(select(func.count()).select_from(rows.limit(self.bound + 1).subquery())).scalar_one()

    @property
    def more(self) -> bool:
        """Whether the list holds rows past the bound it was counted to."""
        return self.bound is not None and (self.total or 0) > self.bound

    @property
    def total_label(self) -> str:
        return f"{self.bound}+" if self.more else str(self.total)

    @property
    def pages_label(self) -> str:
        return f"{(self.bound or 0) // self.per_page}+" if self.more else str(self.pages)


class RowPagination(SelectPagination):
    """A page of a select of columns: its rows as they come, and the total when the caller has counted it."""

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(db.session.execute(select))

    def _query_count(self) -> int:
        known = self._query_args.get("total")
        return known if known is not None else super()._query_count()


class FetchedPagination(Pagination):
    """A page of rows a function fetches by (limit, offset), for a query built once; the total already counted."""

    def _query_items(self) -> list[Any]:
        return self._query_args["fetch"](self.per_page, self._query_offset)

    def _query_count(self) -> int:
        return self._query_args["total"]


def link_args(*taken: str) -> dict[str, str]:
    """The query string as links to other pages of a list keep it: no page number, no blanks, and none of the
    words url_for reads as its own (endpoint, _external, _method…) or a link names itself (`taken`)."""
    return {key: value for key, value in request.args.items()
            if value and key not in ("page", "endpoint", *taken) and not key.startswith("_")}


def requested_page() -> int:
    """`?page=` from the request, clamped to a sane range."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def paginate(query: Any, *, per_page: int | None = None, total: int | None = None, exact: bool = False) -> Pagination:
    """One page of the query's entities, counted to COUNT_AHEAD past it (`total`: known already; `exact`: count all)."""
    return CountedPagination(select=query, session=db.session, total=total, exact=exact, page=requested_page(),
                             per_page=per_page or current_app.config["PAGE_SIZE"], max_per_page=200, error_out=False)


def paginate_rows(query: Any, *, total: int | None = None, per_page: int | None = None) -> Pagination:
    """One page of a select of columns, as rows; give `total` when it is already known, to spare the count."""
    return RowPagination(select=query, session=db.session, total=total, page=requested_page(),
                         per_page=per_page or current_app.config["PAGE_SIZE"], max_per_page=200, error_out=False)


def paginate_fetched(fetch: Callable[[int, int], list[Any]], *, total: int, per_page: int | None = None) -> Pagination:
    """One page of the rows `fetch(limit, offset)` returns, of `total` in all."""
    return FetchedPagination(fetch=fetch, total=total, page=requested_page(),
                             per_page=per_page or current_app.config["PAGE_SIZE"], max_per_page=200, error_out=False)
