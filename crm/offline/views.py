"""What a phone needs to work offline: the service worker and the web app manifest."""

from flask import Blueprint, current_app, jsonify, send_from_directory, url_for
from flask_babel import gettext as _

from ..auth.access import public

bp = Blueprint("offline", __name__)


@bp.get("/sw.js")
@public
def service_worker():
    """Serve the service worker from the site root, so its scope is the whole site."""
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"  # a new version must reach phones at once
    return response


@bp.get("/manifest.webmanifest")
@public
def manifest():
    """Describe Magnet as an installable app."""
    response = jsonify({
        "name": _("招商通"), "short_name": _("招商通"), "lang": "zh-CN",
        "start_url": url_for("visits.new"), "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#c62828",
        "icons": [{"src": url_for("static", filename="favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    })
    response.mimetype = "application/manifest+json"
    return response
