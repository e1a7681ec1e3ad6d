"""The dashboard blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import views

bp = Blueprint("dashboard", __name__)

bp.add_url_rule("/", view_func=views.index, methods=["GET"])
bp.add_url_rule("/dashboard/data/<name>", view_func=views.chart, methods=["GET"])
