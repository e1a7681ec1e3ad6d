"""The auth blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import factor_views, views

bp = Blueprint("auth", __name__)

bp.add_url_rule("/login/code", view_func=factor_views.second_step, methods=["GET", "POST"])
bp.add_url_rule("/account/second-factor", view_func=factor_views.enrol, methods=["GET", "POST"])
bp.add_url_rule("/account/", view_func=factor_views.account, methods=["GET"])
bp.add_url_rule("/account/second-factor/disable", view_func=factor_views.disable_second_factor, methods=["POST"])
bp.add_url_rule("/account/second-factor/codes", view_func=factor_views.new_recovery_codes, methods=["POST"])
bp.add_url_rule("/account/sessions/end", view_func=factor_views.end_session, methods=["POST"])
bp.add_url_rule("/auth/confirm", view_func=factor_views.confirm, methods=["GET", "POST"])
bp.add_url_rule("/login", view_func=views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["POST"])
bp.add_url_rule("/account/password", view_func=views.change_password, methods=["GET", "POST"])
bp.add_url_rule("/account/language", view_func=views.set_language, methods=["POST"])
