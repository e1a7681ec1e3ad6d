"""Device cookies (OWASP): a browser that signed in to an account is known to the sign-in throttle for it.

Once someone is signed in, their browser is given a cookie, signed with the app's secret key, that names the
accounts signed in from it (the last five, each with a random nonce). When it comes back with a sign-in for one
of them, failures made elsewhere do not hold it up (crm/auth/throttle.py). The cookie signs no one in: it only
says "this browser has known this account's password before". It lasts LOGIN_DEVICE_TRUST after the last
sign-in, and is sent like the session cookie: HttpOnly, SameSite=Lax, Secure where the session's is.
"""

import secrets

from flask import Response, current_app, request, session
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE = "magnet_device"
SALT = "magnet.sign-in-device"
KEPT = 5  # accounts one browser is known for: a shared office computer
SEEN = "device_for"  # the session notes the account whose cookie it has already given


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=SALT)


def presented() -> str | None:
    """The device cookie the browser sent with this request, if any."""
    return request.cookies.get(COOKIE)


def accounts_known(cookie: str | None) -> dict[str, str]:
    """{user id: nonce} from a device cookie; empty when it is missing, forged, malformed or too old."""
    if not cookie:
        return {}
    try:
        pairs = _serializer().loads(cookie, max_age=int(current_app.config["LOGIN_DEVICE_TRUST"].total_seconds()))
    except BadData:
        return {}
    if not isinstance(pairs, list):
        return {}
    return {str(pair[0]): str(pair[1]) for pair in pairs
            if isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)}


def vouched_nonce(cookie: str | None, user_id: int) -> str | None:
    """The nonce a device cookie holds for this user, or None when it holds none."""
    return accounts_known(cookie).get(str(user_id))


def remember_device(response: Response) -> Response:
    """After a request of a signed-in user: give the browser a device cookie naming them, once per session."""
    if not current_user.is_authenticated or session.get(SEEN) == current_user.id:
        return response
    known = accounts_known(presented())
    account = str(current_user.id)
    nonce = known.pop(account, None) or secrets.token_urlsafe(16)
    pairs = [[account, nonce], *([user, other] for user, other in known.items())][:KEPT]
    cfg = current_app.config
    response.set_cookie(COOKIE, _serializer().dumps(pairs), max_age=cfg["LOGIN_DEVICE_TRUST"], httponly=True,
                        secure=cfg["SESSION_COOKIE_SECURE"], samesite="Lax")
    session[SEEN] = current_user.id
    return response
