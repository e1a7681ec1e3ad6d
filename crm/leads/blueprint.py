"""The leads blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import overlap_views, stage_views, views

bp = Blueprint("leads", __name__, url_prefix="/leads")

bp.add_url_rule("/overlaps", view_func=overlap_views.overlap_list, methods=["GET"])
bp.add_url_rule("/overlaps/<int:overlap_id>/resolve", view_func=overlap_views.resolve_overlap, methods=["POST"])
bp.add_url_rule("/<int:lead_id>/stage", view_func=stage_views.move, methods=["POST"])
bp.add_url_rule("/<int:lead_id>/sign", view_func=stage_views.sign, methods=["GET", "POST"])
bp.add_url_rule("/", view_func=views.board, methods=["GET"])
bp.add_url_rule("/list", view_func=views.table, methods=["GET"])
bp.add_url_rule("/<int:lead_id>", view_func=views.detail, methods=["GET"])
bp.add_url_rule("/new", view_func=views.create, methods=["GET", "POST"])
bp.add_url_rule("/<int:lead_id>/edit", view_func=views.edit, methods=["GET", "POST"])
