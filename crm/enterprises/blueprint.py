"""The enterprises blueprint: every URL of the feature and the view that answers it.

Views know nothing of the blueprint; this module imports them, and only the app factory imports it.
"""

from flask import Blueprint

from . import contacts, merge_views, views

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")

bp.add_url_rule("/", view_func=views.index, methods=["GET"])
bp.add_url_rule("/<int:enterprise_id>", view_func=views.detail, methods=["GET"])
bp.add_url_rule("/new", view_func=views.create, methods=["GET", "POST"])
bp.add_url_rule("/<int:enterprise_id>/edit", view_func=views.edit, methods=["GET", "POST"])
bp.add_url_rule("/<int:enterprise_id>/contacts", view_func=views.add_contact, methods=["POST"])
bp.add_url_rule("/<int:enterprise_id>/contacts/<int:contact_id>/reveal",
                view_func=views.reveal_contact, methods=["POST"])
bp.add_url_rule("/<int:enterprise_id>/contacts/<int:contact_id>/delete",
                view_func=views.delete_contact, methods=["POST"])
bp.add_url_rule("/<int:enterprise_id>/merge", view_func=merge_views.merge, methods=["GET", "POST"])
bp.add_url_rule("/<int:enterprise_id>/merge/preview", view_func=merge_views.merge_preview, methods=["GET"])
bp.add_url_rule("/<int:enterprise_id>/merge/undo", view_func=merge_views.undo_merge, methods=["POST"])
bp.add_app_template_filter(contacts.mask_phone, "masked_phone")
bp.add_app_template_filter(contacts.mask_wechat, "masked_wechat")
