"""The two rankings: 亿元以上项目榜 and 专班排名, the scoring rule, and quarters frozen as published."""

from flask import Blueprint

from ..auth.access import requires

bp = Blueprint("rankings", __name__, url_prefix="/rankings")


@bp.get("/projects")
@requires("rankings.view")
def projects():
    """亿元以上项目榜 (being built)."""
    return "", 204


@bp.get("/teams")
@requires("rankings.view")
def teams():
    """专班排名 (being built)."""
    return "", 204
