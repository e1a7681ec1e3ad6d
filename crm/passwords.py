"""The password policy: length, kinds of character, and passwords too easy to guess.

Sites under 等保 (GB/T 22239-2019, 身份鉴别) usually ask for at least 3 of the 4 kinds;
the settings PASSWORD_MIN_LENGTH, PASSWORD_MIN_CLASSES and PASSWORD_REJECT_USERNAME say how strict.
"""

import secrets
import string
from collections.abc import Mapping
from typing import Any

from .i18n import gettext as _
from .i18n import join_names
from .i18n import lazy_gettext as _l

CLASS_NAMES = {"lower": _l("小写字母"), "upper": _l("大写字母"), "digit": _l("数字"), "symbol": _l("符号")}

# Refused outright, and as the word inside a password such as "Password@2024" or "admin123!".
COMMON = frozenset({
    "123456", "1234567", "12345678", "123456789", "1234567890", "0123456789", "987654321", "11111111",
    "1111111111", "00000000", "0000000000", "66666666", "88888888", "5201314", "1314520", "woaini1314",
    "1qaz2wsx", "1qaz@wsx", "1q2w3e4r", "1q2w3e4r5t", "q1w2e3r4", "zaq12wsx", "qwerty", "qwertyuiop",
    "asdfghjkl", "zxcvbnm", "abc", "abcd", "abcdef", "abcdefg", "abcdefgh", "abcde", "password", "passw0rd",
    "p@ssw0rd", "p@ssword", "admin", "administrator", "root", "test", "guest", "user", "welcome", "letmein",
    "iloveyou", "woaini", "qq", "aa", "aaa", "a", "changeme", "default", "superman", "dragon", "monkey",
    "sunshine", "football", "baseball", "master", "shadow", "trustno1", "zhangsan", "lisi", "wangwu",
})


def password_settings(config: Mapping[str, Any]) -> tuple[int, int, bool]:
    """Return (minimum length, minimum kinds of character, whether the username is refused) from the settings."""
    return (int(config.get("PASSWORD_MIN_LENGTH", 10)), min(4, max(1, int(config.get("PASSWORD_MIN_CLASSES", 1)))),
            bool(config.get("PASSWORD_REJECT_USERNAME", True)))


def character_classes(password: str) -> set[str]:
    """The kinds of character a password holds; anything not a letter or digit counts as a symbol."""
    kinds = set()
    for char in password:
        if char.islower():
            kinds.add("lower")
        elif char.isupper():
            kinds.add("upper")
        elif char.isdecimal():
            kinds.add("digit")
        else:
            kinds.add("symbol")
    return kinds


def common_stem(password: str) -> str:
    """The password in lower case without the digits and symbols at either end: "P@ssw0rd!2024" -> "p@ssw0rd"."""
    return password.lower().strip(string.digits + string.punctuation + " ")


def password_problems(password: str, config: Mapping[str, Any], *, username: str | None = None) -> list[str]:
    """Say, in the user's language, what a password lacks under the policy; an empty list when it passes."""
    min_length, min_classes, reject_username = password_settings(config)
    problems = []
    if len(password) < min_length:
        problems.append(_("密码至少需要 %(n)s 个字符，当前只有 %(have)s 个", n=min_length, have=len(password)))
    kinds = character_classes(password)
    if len(kinds) < min_classes:
        missing = join_names(str(name) for key, name in CLASS_NAMES.items() if key not in kinds)
        problems.append(_("密码需包含小写字母、大写字母、数字、符号中的至少 %(n)s 类，"
                          "当前只有 %(have)s 类（缺少：%(missing)s）", n=min_classes, have=len(kinds), missing=missing))
    name = (username or "").strip().lower()
    if reject_username and len(name) >= 3 and (name in password.lower() or name in password.lower()[::-1]):
        problems.append(_("密码不能包含用户名"))
    if password.lower() in COMMON or common_stem(password) in COMMON:
        problems.append(_("密码过于常见，容易被猜到，请换一个"))
    return problems


def policy_summary(config: Mapping[str, Any]) -> str:
    """One sentence that tells a user what a new password needs."""
    min_length, min_classes, reject_username = password_settings(config)
    text = _("新密码至少 %(n)s 个字符", n=min_length)
    if min_classes > 1:
        text += _("，包含小写字母、大写字母、数字、符号中的至少 %(n)s 类", n=min_classes)
    if reject_username:
        text += _("，不能包含用户名")
    return text + _("，不能是常见密码。")


def generate_password(config: Mapping[str, Any]) -> str:
    """A random password that meets the policy: every kind of character, and long enough."""
    length = max(16, password_settings(config)[0])
    kinds = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "-_.@#%+="]
    chars = [secrets.choice(kind) for kind in kinds]
    alphabet = "".join(kinds)
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
