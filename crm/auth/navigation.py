"""What the sign-in pages share: where to go on after signing in, and who is asking."""

from urllib.parse import urlsplit

from flask import request, url_for


def safe_next(target: str | None) -> str:
    """Return target if it is a path on this site, else the dashboard; never a control character (a header split)."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ord(char) < 0x20 or ord(char) == 0x7F for char in target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("dashboard.index")


def client_address() -> str:
    return request.remote_addr or "-"
