"""The teams blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import views

bp = Blueprint("teams", __name__, url_prefix="/teams")

bp.add_url_rule("/", view_func=views.index, methods=["GET"])
bp.add_url_rule("/new", view_func=views.create, methods=["GET", "POST"])
bp.add_url_rule("/<int:team_id>/edit", view_func=views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:team_id>/targets/<int:year>", view_func=views.targets, methods=["GET", "POST"])
