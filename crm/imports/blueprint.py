"""The imports blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from . import views

bp = Blueprint("imports", __name__, url_prefix="/imports")

bp.add_url_rule("/", view_func=views.index, methods=["GET", "POST"])
bp.add_url_rule("/jobs/<int:job_id>/mapping", view_func=views.mapping, methods=["GET", "POST"])
bp.add_url_rule("/jobs/<int:job_id>", view_func=views.job_page, endpoint="job", methods=["GET"])
bp.add_url_rule("/jobs/<int:job_id>/progress", view_func=views.progress, methods=["GET"])
bp.add_url_rule("/jobs/<int:job_id>/import", view_func=views.start_import, methods=["POST"])
bp.register_error_handler(RequestEntityTooLarge, views.too_large)
