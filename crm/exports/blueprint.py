"""The exports blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import views

bp = Blueprint("exports", __name__, url_prefix="/exports")

bp.add_url_rule("/<name>.<ext>", view_func=views.download, methods=["GET"])
