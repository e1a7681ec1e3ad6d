"""The password policy: length, kinds of character, no easy patterns, not the username, not a common password.

The defaults are what a 等保2.0 三级 assessment asks for (GB/T 22239-2019 8.1.4.1 身份鉴别, "口令具有复杂度要求"):
- PASSWORD_MIN_LENGTH (10): the fewest characters;
- PASSWORD_MIN_CLASSES (3): how many of the four kinds (lower case, upper case, digits, symbols) it holds;
- PASSWORD_MAX_SEQUENCE (3): the longest run of characters in order allowed; a longer one is refused: the
  alphabet (abcd), digits (1234), a keyboard row (qwer, asdf, zxcv, 1234, !@#$), each also backwards (dcba, 4321);
  0 turns the check off;
- PASSWORD_MAX_REPEAT (3): the most times one character may follow itself (aaaa is refused); a group of 2 to 4
  characters repeated three times or more (ababab, abcabcabc, Ab1!Ab1!Ab1!) is refused too; 0 turns both off;
- PASSWORD_REJECT_USERNAME (true): the username, forwards or backwards, may not be inside it;
- always: not one of the few hundred most common passwords (common_passwords.txt), even wrapped in digits and
  symbols or spelt with @ for a and 0 for o ("P@ssw0rd!2024").
"""

import re
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..web.i18n import gettext as _
from ..web.i18n import join_names
from ..web.i18n import lazy_gettext as _l

CLASS_NAMES = {"lower": _l("小写字母"), "upper": _l("大写字母"), "digit": _l("数字"), "symbol": _l("符号")}

# Runs people type for a password: the alphabet, digits, and the keyboard's rows (also shifted); each backwards too.
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm",
             "!@#$%^&*()")
GROUP_REPEATS = 3  # a group of 2-4 characters this many times in a row (ababab) is a repeat
LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"})


@dataclass(frozen=True)
class PasswordPolicy:
    """The settings of the policy, read once from the app's configuration."""

    min_length: int
    min_classes: int
    max_sequence: int  # 0: no check
    max_repeat: int  # 0: no check
    reject_username: bool

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> "PasswordPolicy":
        max_sequence = int(config.get("PASSWORD_MAX_SEQUENCE", 3))
        max_repeat = int(config.get("PASSWORD_MAX_REPEAT", 3))
        return cls(min_length=int(config.get("PASSWORD_MIN_LENGTH", 10)),
                   min_classes=min(4, max(1, int(config.get("PASSWORD_MIN_CLASSES", 3)))),
                   max_sequence=max(2, max_sequence) if max_sequence > 0 else 0,  # "ab" alone is no pattern
                   max_repeat=max(1, max_repeat) if max_repeat > 0 else 0,
                   reject_username=bool(config.get("PASSWORD_REJECT_USERNAME", True)))


def password_settings(config: Mapping[str, Any]) -> tuple[int, int, bool]:
    """Return (minimum length, minimum kinds of character, whether the username is refused) from the settings."""
    policy = PasswordPolicy.of(config)
    return policy.min_length, policy.min_classes, policy.reject_username


@cache
def common_passwords() -> frozenset[str]:
    """The common passwords, read once from the list beside this module."""
    lines = (Path(__file__).with_name("common_passwords.txt").read_text(encoding="utf-8")).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


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


def is_common(password: str) -> bool:
    """Whether a password is a common one, as typed, inside digits and symbols, or spelt with @ and 0."""
    common = common_passwords()
    stem = common_stem(password)
    return password.lower() in common or stem in common or stem.translate(LEET) in common


def sequence_in(password: str, longest: int) -> str | None:
    """The first run of more than `longest` characters in order (abcd, 4321, qwer) in the password, or None."""
    text = password.lower()
    size = longest + 1
    for sequence in SEQUENCES:
        for line in (sequence, sequence[::-1]):
            for start in range(len(line) - size + 1):
                if line[start:start + size] in text:
                    return password[text.index(line[start:start + size]):][:size]
    return None


def repeat_in(password: str, most: int) -> str | None:
    """The first character repeated more than `most` times in a row, or group of 2-4 repeated, or None."""
    text = password.lower()
    single = re.search(rf"(.)\1{{{most},}}", text)
    if single:
        return password[single.start():single.end()]
    group = re.search(rf"(.{{2,4}}?)\1{{{GROUP_REPEATS - 1},}}", text)
    return password[group.start():group.end()] if group else None


def password_problems(password: str, config: Mapping[str, Any], *, username: str | None = None) -> list[str]:
    """Say, in the user's language, what a password lacks under the policy; an empty list when it passes."""
    policy = PasswordPolicy.of(config)
    problems = []
    if len(password) < policy.min_length:
        problems.append(_("密码至少需要 %(n)s 个字符，当前只有 %(have)s 个", n=policy.min_length, have=len(password)))
    kinds = character_classes(password)
    if len(kinds) < policy.min_classes:
        missing = join_names(str(name) for key, name in CLASS_NAMES.items() if key not in kinds)
        problems.append(_("密码需包含小写字母、大写字母、数字、符号中的至少 %(n)s 类，"
                          "当前只有 %(have)s 类（缺少：%(missing)s）", n=policy.min_classes, have=len(kinds),
                          missing=missing))
    run = sequence_in(password, policy.max_sequence) if policy.max_sequence else None
    if run:
        problems.append(_("密码不能含有连续 %(n)s 个或更多按顺序排列的字符（如 abcd、4321、qwer），当前含有“%(run)s”",
                          n=policy.max_sequence + 1, run=run))
    repeat = repeat_in(password, policy.max_repeat) if policy.max_repeat else None
    if repeat:
        problems.append(_("密码不能含有连续重复的字符或字符组（如 aaaa、abcabcabc），当前含有“%(run)s”", run=repeat))
    name = (username or "").strip().lower()
    if policy.reject_username and len(name) >= 3 and (name in password.lower() or name in password.lower()[::-1]):
        problems.append(_("密码不能包含用户名"))
    if is_common(password):
        problems.append(_("密码过于常见，容易被猜到，请换一个"))
    return problems


def policy_summary(config: Mapping[str, Any]) -> str:
    """One sentence that tells a user what a new password needs."""
    policy = PasswordPolicy.of(config)
    text = _("新密码至少 %(n)s 个字符", n=policy.min_length)
    if policy.min_classes > 1:
        text += _("，包含小写字母、大写字母、数字、符号中的至少 %(n)s 类", n=policy.min_classes)
    if policy.max_sequence:
        text += _("，不能含有连续 %(n)s 个或更多按顺序排列的字符（如 abcd、4321、qwer）", n=policy.max_sequence + 1)
    if policy.max_repeat:
        text += _("，不能含有连续重复（如 aaaa、abcabcabc）")
    if policy.reject_username:
        text += _("，不能包含用户名")
    return text + _("，不能是常见密码。")


def generate_password(config: Mapping[str, Any]) -> str:
    """A random password that meets the policy: every kind of character, long enough, and no pattern in it."""
    length = max(16, PasswordPolicy.of(config).min_length)
    kinds = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "-_.@#%+="]
    alphabet = "".join(kinds)
    while True:  # a random draw holds a pattern rarely (about one in twenty for 16 characters): draw again
        chars = [secrets.choice(kind) for kind in kinds]
        chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        if not password_problems(password, config):
            return password
