"""The path blueprint: a district's path settings and a project's nodes. Only the app factory imports it."""

from flask import Blueprint

from . import views

ID = "int(max=2147483647)"

bp = Blueprint("path", __name__, url_prefix="/path")

bp.add_url_rule("/settings", view_func=views.settings, methods=["GET", "POST"])
bp.add_url_rule(f"/projects/<{ID}:project_id>/nodes", view_func=views.save_node, methods=["POST"])
bp.add_url_rule(f"/projects/<{ID}:project_id>/fill", view_func=views.fill, methods=["POST"])
