"""The 督办 blueprint: the 督办台账 and the project page's order forms. Only the app factory imports it."""

from flask import Blueprint

from . import views

bp = Blueprint("supervision", __name__)

bp.add_url_rule("/projects/supervision", view_func=views.ledger, methods=["GET"])
bp.add_url_rule("/projects/<int:project_id>/supervision", view_func=views.issue, methods=["POST"])
bp.add_url_rule("/projects/supervision/<int:supervision_id>/answer", view_func=views.answer, methods=["POST"])
bp.add_url_rule("/projects/supervision/<int:supervision_id>/close", view_func=views.close, methods=["POST"])
bp.add_url_rule("/projects/supervision/<int:supervision_id>/return", view_func=views.send_back, methods=["POST"])
