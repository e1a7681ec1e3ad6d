"""统一社会信用代码 (unified social credit code, GB 32100-2015): normalization and check character."""

from __future__ import annotations

import random

# The standard leaves out I, O, Z, S and V because they are easily confused with 1, 0, 2, 5 and U.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CODE_LENGTH = 18

_VALUES = {char: index for index, char in enumerate(CHARSET)}
# Only full-width ASCII and the ideographic space are folded; other look-alikes are left to fail.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# Real region codes keep demo data plausible for the district this CRM serves (湖北十堰).
_REGION_CODES = (
    "420300",  # 十堰市
    "420302",  # 茅箭区
    "420303",  # 张湾区
    "420304",  # 郧阳区
    "420322",  # 郧西县
    "420323",  # 竹山县
    "420324",  # 竹溪县
    "420325",  # 房县
    "420381",  # 丹江口市
    "420100",  # 武汉市
)


def normalize_credit_code(text: str) -> str:
    """Strip whitespace, fold full-width characters to ASCII and uppercase the code."""
    return text.translate(_FULLWIDTH).strip().upper()


def check_char(first17: str) -> str:
    """Compute the check character for the first 17 characters of a code."""
    if len(first17) != CODE_LENGTH - 1:
        raise ValueError(f"expected {CODE_LENGTH - 1} characters, got {len(first17)}")
    try:
        total = sum(_VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"character not allowed in a credit code: {exc.args[0]!r}") from None
    return CHARSET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """Tell whether the text, once normalized, is a well-formed code with a correct check character."""
    normalized = normalize_credit_code(code)
    if len(normalized) != CODE_LENGTH or any(char not in _VALUES for char in normalized):
        return False
    return check_char(normalized[:-1]) == normalized[-1]


def make_credit_code(rng: random.Random) -> str:
    """Generate a random valid code, for demo data and tests."""
    # 1 = 机构编制, 5 = 民政, 9 = 工商; the second digit is the organization type within it.
    prefix = rng.choice("159") + rng.choice("123")
    if rng.random() < 0.5:
        region = rng.choice(_REGION_CODES)
    else:
        region = "".join(rng.choice("0123456789") for _ in range(6))
    body = "".join(rng.choice(CHARSET) for _ in range(9))
    first17 = prefix + region + body
    return first17 + check_char(first17)
