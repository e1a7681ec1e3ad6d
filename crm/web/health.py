"""The health check for load balancers and monitoring."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..access.rights import public
from ..extensions import db

bp = Blueprint("health", __name__)


def unreachable():
    """The answer while the database cannot be reached (also given when it is lost before this view runs)."""
    return jsonify(status="error", database="unreachable"), 503


@bp.get("/healthz")
@public
def healthz():
    """Say whether the app can reach its database."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return unreachable()
    return jsonify(status="ok", database="ok")
