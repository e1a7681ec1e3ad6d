"""The OpenAPI 3 description of the API, kept true by tests that generate requests from it."""

from flask import jsonify

from ..access.rights import public
from ..models import FundKind, FundSource, VisitKind
from ..web.routing import MAX_ID
from .project_path import PATHS as PROJECT_PATH_PATHS

ERROR = {"type": "object", "required": ["error", "message"],
         "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                        "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}
DATE = {"type": "string", "format": "date"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ID}
VISIT_INPUT = {
    "type": "object", "required": ["uuid", "visited_on"],
    "properties": {
        "uuid": {"type": "string", "format": "uuid", "description": "Made by the client; the same UUID again "
                 "returns the visit already logged instead of a second one."},
        "enterprise_id": NULLABLE_ID,
        "enterprise_name": {"type": ["string", "null"], "maxLength": 200,
                            "description": "Used when no enterprise_id: found by its normalised name or created."},
        "visited_on": DATE,
        "kind": {"type": "string", "enum": [k.value for k in VisitKind]},
        "participant_ids": {"type": "array", "items": ID, "maxItems": 50},
        "summary": {"type": ["string", "null"], "maxLength": 4000},
        "next_step": {"type": ["string", "null"], "maxLength": 4000},
        "follow_up_on": {"type": ["string", "null"], "format": "date"},
        "trip_id": NULLABLE_ID, "lead_id": NULLABLE_ID,
        "team_id": NULLABLE_ID | {"description": "The team the visit is logged for: a leader or the office names "
                                  "one of the district's teams (or a trip's); a team's members log for their own."},
    },
}
TRANCHE = {"type": "object", "required": ["id", "received_on", "amount_yuan", "currency", "source", "kind", "verified"],
           "properties": {"id": ID, "received_on": DATE, "amount_yuan": {"type": "integer", "minimum": 1},
                          "currency": {"type": "string"}, "original_amount": {"type": ["integer", "null"]},
                          "fx_rate": {"type": ["string", "null"]},
                          "source": {"type": "string", "enum": [s.value for s in FundSource]},
                          "kind": {"type": "string", "enum": [k.value for k in FundKind]},
                          "verified": {"type": "boolean"}}}
VISIT = {"type": "object", "required": ["id", "uuid", "team_id", "enterprise_id", "enterprise_name", "visited_on",
                                        "kind", "participant_ids", "photo_count"],
         "properties": VISIT_INPUT["properties"] | {"id": ID, "team_id": ID, "enterprise_id": ID,
                                                    "enterprise_name": {"type": "string"},
                                                    "photo_count": {"type": "integer"}}}


def answers(ok: dict, *statuses: int) -> dict:
    """Responses: the success ones given, and the JSON errors for the rest (400: text holding NUL, anywhere)."""
    errors = {str(s): {"description": "error", "content": {"application/json": {"schema": ERROR}}}
              for s in (400, 401, 403, *statuses)}
    return ok | errors


def json_ok(status: int, schema: dict, description: str) -> dict:
    return {str(status): {"description": description, "content": {"application/json": {"schema": schema}}}}


SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Magnet 招商通 API", "version": "1",
             "description": "Signed in with the session cookie. Writes must be same-origin and carry JSON."},
    "components": {"securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "session"}},
                   "schemas": {"Error": ERROR, "Visit": VISIT, "VisitInput": VISIT_INPUT, "Tranche": TRANCHE}},
    "security": [{"session": []}],
    "paths": {
        "/api/v1/me": {"get": {"operationId": "me", "summary": "The signed-in user and their team",
                               "responses": answers(json_ok(200, {"type": "object"}, "the user"))}},
        "/api/v1/enterprises": {"get": {
            "operationId": "searchEnterprises", "summary": "Enterprises by part of the name or credit code",
            "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"},
                            "description": "Only its first 100 characters are used."}],
            "responses": answers(json_ok(200, {"type": "object", "required": ["items"], "properties": {
                "items": {"type": "array", "maxItems": 20, "items": {"type": "object"}}}}, "matches"))}},
        "/api/v1/follow-ups": {"get": {
            "operationId": "followUps", "summary": "The user's follow-ups due today or earlier",
            "responses": answers(json_ok(200, {"type": "object", "required": ["visits", "leads"]}, "due items"))}},
        "/api/v1/visits": {
            "get": {"operationId": "listVisits", "summary": "Visits of the teams the user may see",
                    "parameters": [{"name": n, "in": "query", "schema": s} for n, s in (
                        ("start", DATE), ("end", DATE),
                        ("page", {"type": "integer", "description": "From 1; smaller numbers read as 1."}),
                        ("per_page", {"type": "integer", "description": "1 to 200 (default 50); others are "
                                                                        "brought into that range."}))],
                    "responses": answers(json_ok(200, {"type": "object", "required": ["items", "page", "total"],
                                                       "properties": {"items": {"type": "array", "items": VISIT}}},
                                                 "a page of visits"), 422)},
            "post": {"operationId": "createVisit", "summary": "Log a visit (idempotent by uuid)",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": VISIT_INPUT}}},
                     "responses": answers(
                         json_ok(201, {"type": "object", "properties": {"visit": VISIT}}, "logged")
                         | json_ok(200, {"type": "object", "properties": {"visit": VISIT}}, "logged before"),
                         400, 422)},
        },
        "/api/v1/visits/{visit_id}/follow-up-done": {"post": {
            "operationId": "followUpDone", "summary": "Mark a visit's follow-up as done (again: the same answer)",
            "parameters": [{"name": "visit_id", "in": "path", "required": True, "schema": ID}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "description": "Nothing is read from it: send {}."}}}},
            "responses": answers(json_ok(200, {"type": "object", "required": ["visit"], "properties": {"visit": {
                "type": "object", "required": ["id", "follow_up_on"],
                "properties": {"id": ID, "follow_up_on": {"type": "null"}}}}}, "done"), 404)}},
        "/api/v1/visits/{uuid}/photos": {"post": {
            "operationId": "addVisitPhoto", "summary": "Attach a JPEG or PNG (10 MB at most) to a visit",
            "parameters": [{"name": "uuid", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "X-Requested-With", "in": "header", "required": True,
                            "schema": {"type": "string", "enum": ["magnet"]}}],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["photo"],
                "properties": {"photo": {"type": "string", "format": "binary"}}}}}},
            "responses": answers(json_ok(201, {"type": "object"}, "stored"), 400, 404, 413, 422)}},
        "/api/v1/projects/{project_id}/tranches": {"get": {
            "operationId": "projectTranches",
            "summary": "A project's tranches of money in place (到资), and its verified total, fixed-asset part and "
                       "到资率 to today",
            "parameters": [{"name": "project_id", "in": "path", "required": True, "schema": ID}],
            "responses": answers(json_ok(200, {"type": "object", "required": [
                "project_id", "funds_yuan", "fixed_asset_done_yuan", "rate", "tranches"], "properties": {
                "project_id": ID, "funds_yuan": {"type": "integer"}, "fixed_asset_done_yuan": {"type": "integer"},
                "rate": {"type": ["string", "null"], "description": "per cent, one decimal"},
                "tranches": {"type": "array", "items": TRANCHE}}}, "the tranches"), 404)}},
    } | {path: {"get": item["get"] | {"responses": answers(item["get"]["responses"], 404)}}
         for path, item in PROJECT_PATH_PATHS.items()},
}


@public
def openapi():
    """The description of this API."""
    return jsonify(SPEC)
