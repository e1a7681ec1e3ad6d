"""The projects blueprint: every URL of the feature and the view that answers it.

The feature is three: the record (records/), its course and verification (lifecycle/), the service after signing
(aftercare/). Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from .aftercare import views as aftercare
from .funds import views as funds
from .lifecycle import views as lifecycle
from .records import views as records

bp = Blueprint("projects", __name__, url_prefix="/projects")

bp.add_url_rule("/", view_func=records.index, methods=["GET"])
bp.add_url_rule("/<int:project_id>", view_func=records.detail, methods=["GET"])
bp.add_url_rule("/new", view_func=records.create, methods=["GET", "POST"])
bp.add_url_rule("/<int:project_id>/edit", view_func=records.edit, methods=["GET", "POST"])

bp.add_url_rule("/<int:project_id>/advance", view_func=lifecycle.advance, methods=["POST"])
bp.add_url_rule("/<int:project_id>/planned", view_func=lifecycle.planned, methods=["POST"])
bp.add_url_rule("/<int:project_id>/milestones", view_func=lifecycle.add_milestone, methods=["POST"])
bp.add_url_rule("/<int:project_id>/verify", view_func=lifecycle.verify, methods=["POST"])
bp.add_url_rule("/<int:project_id>/withdraw", view_func=lifecycle.withdraw, methods=["POST"])
bp.add_url_rule("/<int:project_id>/void", view_func=lifecycle.void, methods=["POST"])
bp.add_url_rule("/<int:project_id>/restore", view_func=lifecycle.restore, methods=["POST"])
bp.add_url_rule("/<int:project_id>/documents", view_func=lifecycle.upload_document, methods=["POST"])
bp.add_url_rule("/<int:project_id>/documents/<int:document_id>", view_func=lifecycle.document, methods=["GET"])
bp.add_url_rule("/pending", view_func=lifecycle.pending, methods=["GET"])

bp.add_url_rule("/<int:project_id>/service-officer", view_func=aftercare.assign_service, methods=["POST"])
bp.add_url_rule("/<int:project_id>/service-items/template",
                view_func=aftercare.add_standard_items, methods=["POST"])
bp.add_url_rule("/<int:project_id>/service-items", view_func=aftercare.add_service_item, methods=["POST"])
bp.add_url_rule("/<int:project_id>/service-items/<int:item_id>",
                view_func=aftercare.update_service_item, methods=["POST"])
bp.add_url_rule("/<int:project_id>/service-items/<int:item_id>/done",
                view_func=aftercare.complete_service_item, methods=["POST"])
bp.add_url_rule("/<int:project_id>/issues", view_func=aftercare.raise_issue, methods=["POST"])
bp.add_url_rule("/<int:project_id>/issues/<int:issue_id>/advance",
                view_func=aftercare.advance_issue, methods=["POST"])
bp.add_url_rule("/mine", view_func=aftercare.mine, methods=["GET"])

bp.add_url_rule("/<int:project_id>/funds", "add_tranche", view_func=funds.add, methods=["POST"])
bp.add_url_rule("/<int:project_id>/funds/<int:tranche_id>/verify", "verify_tranche", view_func=funds.verify,
                methods=["POST"])
bp.add_url_rule("/<int:project_id>/funds/<int:tranche_id>/remove", "remove_tranche", view_func=funds.remove,
                methods=["POST"])
bp.add_url_rule("/issues", view_func=aftercare.issues, methods=["GET"])
