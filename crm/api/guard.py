"""Cross-site request protection for the JSON API.

The API is exempt from the form CSRF token so that a phone can send visits it queued hours
earlier, when any token it held has expired. It is protected instead by:
- the session cookie being SameSite=Lax, so other sites' POSTs arrive without it;
- writes having to carry a JSON body (a cross-site form cannot send application/json without
  a CORS preflight, which this app never grants) or, for photo uploads, the X-Requested-With
  header (which also needs a preflight);
- requests whose Origin or Sec-Fetch-Site header names another site being refused.
"""

from typing import Any

from flask import abort, request

from ..web.i18n import gettext as _
from .errors import ApiError

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def same_origin_only() -> None:
    """Before each API request: refuse writes that come from another site."""
    if request.method not in WRITE_METHODS:
        return
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        abort(403)
    origin = request.headers.get("Origin")
    if origin and origin.rstrip("/") != request.host_url.rstrip("/"):
        abort(403)


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 that says what is wrong."""
    if not request.is_json:
        raise ApiError(400, _("请求内容必须是 JSON（Content-Type: application/json）"))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, _("请求内容必须是一个 JSON 对象"))
    return body


def upload_header() -> None:
    """Multipart uploads must say they come from Magnet's own page."""
    if request.headers.get("X-Requested-With") != "magnet":
        raise ApiError(400, _("上传请求缺少 X-Requested-With: magnet 头"))
