"""The API's read of a project's path and its 红黄绿: the nodes with dates, unit and colour; the colour and why."""

from flask import jsonify
from sqlalchemy import select

from ..access.rights import requires
from ..domain.periods import today
from ..extensions import db
from ..models import Project
from ..path.page import path_panel
from ..web.i18n import gettext as _
from ..web.routing import MAX_ID
from .errors import ApiError

DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
COLOUR = {"type": "string", "enum": ["green", "yellow", "red"]}
NODE = {"type": "object", "required": ["node", "label", "planned_on", "actual_on", "responsible_unit", "colour"],
        "properties": {"node": {"type": "string"}, "label": {"type": "string"}, "planned_on": DATE_OR_NULL,
                       "actual_on": DATE_OR_NULL, "responsible_unit": {"type": ["string", "null"]},
                       "colour": COLOUR, "days_from_signing": {"type": ["integer", "null"]}}}


def project_or_404(project_id: int) -> Project:
    """The project, if it is on file and within the reader's district."""
    project = db.session.scalar(select(Project).where(Project.id == project_id))
    if project is None:
        raise ApiError(404, _("没有找到这个项目"))
    return project


@requires("projects.view")
def project_nodes(project_id: int):
    """The project's path after signing, in its district's order, each node with its colour."""
    project = project_or_404(project_id)
    panel = path_panel(project, today())
    return jsonify(project_id=project.id, signed_on=project.signed_on.isoformat(), nodes=[
        {"node": row.node.value, "label": str(row.node.label), "colour": row.colour.value,
         "planned_on": row.planned_on.isoformat() if row.planned_on else None,
         "actual_on": row.actual_on.isoformat() if row.actual_on else None,
         "responsible_unit": row.unit, "days_from_signing": row.days_from_signing} for row in panel.nodes])


@requires("projects.view")
def project_colour(project_id: int):
    """The project's 红黄绿 today and the one line that says why (null for a voided or terminated project)."""
    project = project_or_404(project_id)
    panel = path_panel(project, today())
    return jsonify(project_id=project.id, on=today().isoformat(),
                   colour=panel.colour.value if panel.colour else None, reason=panel.reason or None)


def _get(operation: str, summary: str, schema: dict) -> dict:
    return {"get": {"operationId": operation, "summary": summary,
                    "parameters": [{"name": "project_id", "in": "path", "required": True,
                                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}},
                                  "404": {"description": "no such project in the reader's district"}}}}


PATHS = {
    "/api/v1/projects/{project_id}/nodes": _get(
        "projectNodes", "A project's path after signing, each node with its dates, unit and 红黄绿",
        {"type": "object", "required": ["project_id", "signed_on", "nodes"],
         "properties": {"project_id": {"type": "integer"}, "signed_on": {"type": "string", "format": "date"},
                        "nodes": {"type": "array", "items": NODE}}}),
    "/api/v1/projects/{project_id}/colour": _get(
        "projectColour", "A project's 红黄绿 today and why",
        {"type": "object", "required": ["project_id", "on", "colour", "reason"],
         "properties": {"project_id": {"type": "integer"}, "on": {"type": "string", "format": "date"},
                        "colour": {"type": ["string", "null"], "enum": ["green", "yellow", "red", None]},
                        "reason": {"type": ["string", "null"]}}}),
}
