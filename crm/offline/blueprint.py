"""The offline blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import views

bp = Blueprint("offline", __name__)

bp.add_url_rule("/sw.js", view_func=views.service_worker, methods=["GET"])
bp.add_url_rule("/manifest.webmanifest", view_func=views.manifest, methods=["GET"])
