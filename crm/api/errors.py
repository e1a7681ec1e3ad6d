"""API errors: JSON with a machine-readable code and a message in the user's language."""

from flask import jsonify

from ..domain.refused import Refused
from ..extensions import db
from ..web.errors import CODES


class ApiError(Exception):
    """An error the API answers with its status and message."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}

    def response(self):
        body = {"error": CODES.get(self.status, "error"), "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return jsonify(body), self.status


def refusal(error: Refused, field: str | None = None) -> ApiError:
    """A rule's refusal as the API answers it: nothing of the request kept, 422, the message by its field.

    `field` names the request's field when the rule could not (a photo is refused whatever the form calls it).
    """
    db.session.rollback()
    field = field or error.field
    return ApiError(422, error.message, {field: error.message} if field else None)


def refused_response(error: Refused):
    """The answer to any refusal raised while answering an API request."""
    return refusal(error).response()
