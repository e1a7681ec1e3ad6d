"""The language and time zone of each request."""

from collections.abc import Iterable
from typing import Any

from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_app_context, has_request_context
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user


def select_locale() -> str:
    """The signed-in user's language, else the district's default (Chinese)."""
    if current_user and current_user.is_authenticated and current_user.locale in current_app.config["LANGUAGES"]:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def translations() -> Translations | NullTranslations:
    """This request's translations, found once per request and kept in `g`.

    Flask-Babel finds them again on every call (several context lookups each); a page says a hundred things. Kept,
    the project list is 1.12× faster (scripts/bench_speed_layers.py, district demo).
    """
    if not has_app_context():
        return get_translations()
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


def gettext(string: str, **variables: Any) -> str:
    """Translate (and fill in) a message: flask_babel.gettext with the request's translations kept."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def counts_in_wan() -> bool:
    """Whether the reader's language counts large numbers in 万 and 亿 (Chinese) rather than in millions (English)."""
    locale = get_locale() if has_request_context() else None
    return locale is None or locale.language == "zh"


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """A message translated when shown, in the language of the request that shows it."""
    return LazyString(gettext, string, **variables)


def join_names(items: Iterable[Any]) -> str:
    """Names as a list in the request's language: 甲、乙、丙 in Chinese, "a, b, c" in English."""
    return gettext("、").join(map(str, items))


def join_clauses(items: Iterable[Any]) -> str:
    """Messages as one sentence in the request's language: 甲；乙 in Chinese, "a; b" in English.

    A message's own full stop goes before the separator (WTForms' 不是有效的整数。 would read 不是有效的整数。；…);
    the last keeps its own.
    """
    texts = [str(item) for item in items]
    return gettext("；").join([text.rstrip("。. ") for text in texts[:-1]] + texts[-1:])


def labelled(label: Any, text: Any) -> str:
    """A label and what it says: 汇率：格式不正确 in Chinese, "Rate: not a number" in English."""
    return gettext("%(label)s：%(text)s", label=label, text=text)


def with_note(text: Any, note: Any) -> str:
    """A text with a note after it in brackets: 李明（上海专班） in Chinese, "Li Ming (Shanghai team)" in English."""
    return gettext("%(text)s（%(note)s）", text=text, note=note)


def install_template_gettext(app: Flask) -> None:
    """Let templates' _() use the kept translations too (Flask-Babel installs its own, slower, callables)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True)
