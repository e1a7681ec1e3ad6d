"""What a phone needs to work offline: the service worker and the web app manifest."""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app, jsonify, url_for
from flask_babel import get_locale
from flask_login import current_user

from ..access.rights import may, public
from ..web.i18n import gettext as _

VERSION_MARK = "__SHELL_VERSION__"


def static_files(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Every static file with its modification time and size, the key under which the version is kept."""
    return tuple(sorted((str(path), path.stat().st_mtime_ns, path.stat().st_size)
                        for path in folder.rglob("*") if path.is_file()))


@lru_cache(maxsize=8)
def shell_version(folder: Path, files: tuple[tuple[str, int, int], ...]) -> str:
    """A digest of the static files' names and contents, the same on every host that serves the same release."""
    digest = hashlib.sha256()
    for name, _mtime, _size in files:
        path = Path(name)
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@public
def service_worker():
    """Serve the service worker from the site root, so its scope is the whole site."""
    folder = Path(current_app.static_folder)
    script = (folder / "js" / "sw.js").read_text(encoding="utf-8")
    script = script.replace(VERSION_MARK, shell_version(folder, static_files(folder)), 1)
    response = Response(script, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # a new version must reach phones at once
    return response


@public
def manifest():
    """Describe Magnet as an installable app: it opens on the visit form, or the dashboard for who logs none."""
    logs_none = current_user.is_authenticated and not may(current_user, "visits.log")  # the city
    response = jsonify({
        "name": _("招商通"), "short_name": _("招商通"), "lang": "en" if get_locale().language == "en" else "zh-CN",
        "start_url": url_for("dashboard.index" if logs_none else "visits.new"), "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#c62828",
        "icons": [{"src": url_for("static", filename="favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    })
    response.mimetype = "application/manifest+json"
    return response
