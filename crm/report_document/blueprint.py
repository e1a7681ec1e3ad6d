"""The report document's blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import views

bp = Blueprint("reports", __name__, url_prefix="/reports")

bp.add_url_rule("/monthly", view_func=views.monthly, methods=["GET"])
bp.add_url_rule("/report.docx", view_func=views.download, methods=["GET"])
