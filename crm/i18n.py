"""The language and time zone of each request."""

from flask import current_app
from flask_login import current_user


def select_locale() -> str:
    """The signed-in user's language, else the district's default (Chinese)."""
    if current_user and current_user.is_authenticated and current_user.locale in current_app.config["LANGUAGES"]:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]
