"""Pages of query results, with the page number read safely from the request."""

from typing import Any

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination

from .extensions import db

MAX_PAGE = 100_000  # far past any real list; larger numbers overflow the database's integers


def paginate(query: Any, *, per_page: int | None = None) -> Pagination:
    """One page of the query: `?page=` from the request, clamped to a sane range."""
    page = request.args.get("page", 1, type=int) or 1
    page = min(max(page, 1), MAX_PAGE)
    return db.paginate(query, page=page, per_page=per_page or current_app.config["PAGE_SIZE"], max_per_page=200,
                       error_out=False)
