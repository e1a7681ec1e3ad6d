"""The reminders blueprint: every URL of the feature, and the bell every page's header shows. Only the app factory
imports it."""

from flask import Blueprint

from . import views
from .bell import bell_context

ID = "int(max=2147483647)"

bp = Blueprint("reminders", __name__, url_prefix="/reminders")

bp.add_url_rule("/", view_func=views.index, methods=["GET"])
bp.add_url_rule(f"/<{ID}:reminder_id>/open", "open", view_func=views.open_record, methods=["GET"])
bp.add_url_rule(f"/<{ID}:reminder_id>/read", view_func=views.read, methods=["POST"])
bp.add_url_rule("/read-all", view_func=views.read_all, methods=["POST"])
bp.add_url_rule("/settings", view_func=views.settings, methods=["GET", "POST"])
bp.add_url_rule("/rules", view_func=views.rules, methods=["GET", "POST"])
bp.app_context_processor(bell_context)
