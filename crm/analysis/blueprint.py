"""The analysis blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import views

bp = Blueprint("analysis", __name__, url_prefix="/analysis")

bp.add_url_rule("/", view_func=views.index, methods=["GET"])
