"""The visits blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import followups, new_visit, views

bp = Blueprint("visits", __name__, url_prefix="/visits")

bp.add_url_rule("/follow-ups", view_func=followups.follow_ups, methods=["GET"])
bp.add_url_rule("/<int:visit_id>/follow-up-done", view_func=followups.follow_up_done, methods=["POST"])
bp.add_url_rule("/<int:visit_id>/photos/<int:photo_id>", view_func=followups.photo, methods=["GET"])
bp.add_url_rule("/new", view_func=new_visit.new, methods=["GET", "POST"])
bp.add_url_rule("/", view_func=views.index, methods=["GET"])
bp.add_url_rule("/<int:visit_id>", view_func=views.detail, methods=["GET"])
bp.add_url_rule("/<int:visit_id>/edit", view_func=views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:visit_id>/delete", view_func=views.delete, methods=["POST"])
