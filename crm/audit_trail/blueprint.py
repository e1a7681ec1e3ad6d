"""The audit trail blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import views

bp = Blueprint("audit_trail", __name__, url_prefix="/audit")

bp.add_url_rule("/", view_func=views.index, methods=["GET"])
bp.add_url_rule("/export.<ext>", view_func=views.export, methods=["GET"])
