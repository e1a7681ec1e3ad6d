"""The projects blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import edit_views, lifecycle, lifecycle_views, service_views, verification, views
from .service_views import ID

bp = Blueprint("projects", __name__, url_prefix="/projects")

bp.add_url_rule("/new", view_func=edit_views.create, methods=["GET", "POST"])
bp.add_url_rule("/<int:project_id>/edit", view_func=edit_views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:project_id>/advance", view_func=lifecycle_views.advance, methods=["POST"])
bp.add_url_rule("/<int:project_id>/planned", view_func=lifecycle_views.planned, methods=["POST"])
bp.add_url_rule("/<int:project_id>/milestones", view_func=lifecycle_views.add_milestone, methods=["POST"])
bp.add_url_rule("/<int:project_id>/verify", view_func=lifecycle_views.verify, methods=["POST"])
bp.add_url_rule("/<int:project_id>/withdraw", view_func=lifecycle_views.withdraw, methods=["POST"])
bp.add_url_rule("/<int:project_id>/void", view_func=lifecycle_views.void, methods=["POST"])
bp.add_url_rule("/<int:project_id>/restore", view_func=lifecycle_views.restore, methods=["POST"])
bp.add_url_rule("/<int:project_id>/documents", view_func=lifecycle_views.upload_document, methods=["POST"])
bp.add_url_rule("/<int:project_id>/documents/<int:document_id>", view_func=lifecycle_views.document, methods=["GET"])
bp.add_url_rule("/pending", view_func=lifecycle_views.pending, methods=["GET"])
bp.add_app_template_global(service_views.project_service, "project_service")
bp.add_url_rule(f"/<{ID}:project_id>/service-officer", view_func=service_views.assign_service, methods=["POST"])
bp.add_url_rule(f"/<{ID}:project_id>/service-items/template",
                view_func=service_views.add_standard_items, methods=["POST"])
bp.add_url_rule(f"/<{ID}:project_id>/service-items", view_func=service_views.add_service_item, methods=["POST"])
bp.add_url_rule(f"/<{ID}:project_id>/service-items/<{ID}:item_id>",
                view_func=service_views.update_service_item, methods=["POST"])
bp.add_url_rule(f"/<{ID}:project_id>/issues", view_func=service_views.raise_issue, methods=["POST"])
bp.add_url_rule(f"/<{ID}:project_id>/issues/<{ID}:issue_id>/advance",
                view_func=service_views.advance_issue, methods=["POST"])
bp.add_url_rule("/mine", view_func=service_views.mine, methods=["GET"])
bp.add_url_rule("/issues", view_func=service_views.issues, methods=["GET"])
bp.add_url_rule("/", view_func=views.index, methods=["GET"])
bp.add_url_rule("/<int:project_id>", view_func=views.detail, methods=["GET"])
bp.add_app_template_global(lifecycle.panel, "lifecycle_panel")  # from lifecycle_views
bp.add_app_template_global(verification.DOCUMENT_KINDS, "document_kinds")  # from lifecycle_views
