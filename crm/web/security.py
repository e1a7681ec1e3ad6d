"""Security headers on every response: pages, JSON, downloads, static files, redirects and error pages."""

from flask import Response, request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), geolocation=(), microphone=()",  # the visit form takes photos
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",  # photos and documents are not embeddable by other sites
}

PRIVATE_TYPES = frozenset({"text/html", "application/json"})  # pages and data hold personal and official figures


def add_security_headers(response: Response) -> Response:
    """Set the content security policy and the other protective headers, keeping any a view chose itself."""
    headers = response.headers
    for name, value in HEADERS.items():
        headers.setdefault(name, value)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if response.mimetype in PRIVATE_TYPES:
        headers.setdefault("Cache-Control", "no-store")
    return response
