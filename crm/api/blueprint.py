"""The api blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from ..domain.refused import Refused
from . import openapi, project_path, projects, views, visits
from .errors import ApiError, refused_response
from .guard import same_origin_only

bp = Blueprint("api", __name__, url_prefix="/api/v1")

bp.add_url_rule("/openapi.json", view_func=openapi.openapi, methods=["GET"])
bp.add_url_rule("/me", view_func=views.me, methods=["GET"])
bp.add_url_rule("/enterprises", view_func=views.search_enterprises, methods=["GET"])
bp.add_url_rule("/follow-ups", view_func=views.follow_ups, methods=["GET"])
bp.add_url_rule("/visits", view_func=visits.create_visit, methods=["POST"])
bp.add_url_rule("/visits", view_func=visits.list_visits, methods=["GET"])
bp.add_url_rule("/visits/<int(min=1):visit_id>/follow-up-done", view_func=visits.follow_up_done,
                methods=["POST"])  # an id past the column's range is no visit (PostgreSQL refuses to look)
bp.add_url_rule("/projects/<int(min=1):project_id>/nodes", view_func=project_path.project_nodes,
                methods=["GET"])
bp.add_url_rule("/projects/<int(min=1):project_id>/colour", view_func=project_path.project_colour,
                methods=["GET"])
bp.add_url_rule("/visits/<uuid>/photos", view_func=visits.add_visit_photo, methods=["POST"])
bp.add_url_rule("/projects/<int(min=1):project_id>/tranches", view_func=projects.tranches,
                methods=["GET"])
bp.before_request(same_origin_only)
bp.register_error_handler(ApiError, lambda error: error.response())
bp.register_error_handler(Refused, refused_response)
