"""The users blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import views

bp = Blueprint("users", __name__, url_prefix="/admin/users")

bp.add_url_rule("/", view_func=views.index, methods=["GET"])
bp.add_url_rule("/new", view_func=views.create, methods=["GET", "POST"])
bp.add_url_rule("/<int:user_id>/edit", view_func=views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:user_id>/deactivate", view_func=views.deactivate, methods=["POST"])
bp.add_url_rule("/<int:user_id>/password", view_func=views.reset_password, methods=["GET", "POST"])
bp.add_url_rule("/<int:user_id>/second-factor/reset", view_func=views.reset_second_factor, methods=["POST"])
