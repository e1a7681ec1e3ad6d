"""API errors: JSON with a machine-readable code and a message in the user's language."""

from flask import jsonify

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
