"""The rankings blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import admin_views, district_views, frozen_views, views

bp = Blueprint("rankings", __name__, url_prefix="/rankings")

bp.add_url_rule("/weights/<int:year>", view_func=admin_views.weights, methods=["GET", "POST"])
bp.add_url_rule("/teams/freeze", view_func=admin_views.freeze, methods=["POST"])
bp.add_url_rule("/districts", view_func=district_views.districts, methods=["GET"])
bp.add_url_rule("/districts/weights/<int:year>", view_func=district_views.district_weights, methods=["GET", "POST"])
bp.add_url_rule("/districts/freeze", view_func=district_views.district_freeze, methods=["POST"])
bp.add_url_rule("/districts/frozen", view_func=district_views.district_frozen_list, methods=["GET"])
bp.add_url_rule("/districts/frozen/<int:snapshot_id>", view_func=district_views.district_frozen, methods=["GET"])
bp.add_url_rule("/frozen", view_func=frozen_views.frozen_list, methods=["GET"])
bp.add_url_rule("/frozen/<int:snapshot_id>", view_func=frozen_views.frozen, methods=["GET"])
bp.add_url_rule("/frozen/<int:snapshot_id>/teams/<int:team_id>", view_func=frozen_views.frozen_team, methods=["GET"])
bp.add_url_rule("/projects", view_func=views.projects, methods=["GET"])
bp.add_url_rule("/teams", view_func=views.teams, methods=["GET"])
bp.add_url_rule("/teams/<int:team_id>", view_func=views.team, methods=["GET"])
bp.context_processor(views.ranking_helpers)
