import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.domain.credit_code import (
    CHARSET,
    WEIGHTS,
    check_char,
    is_valid_credit_code,
    make_credit_code,
    normalize_credit_code,
)

# Published codes of well-known companies; they check the algorithm against the real world.
REAL_CODES = (
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
)
OUTSIDE_CHARSET = "IOZSV-_.*/ 中ÄΑ٣"

seeds = st.integers(min_value=0, max_value=2**64)
valid_codes = seeds.map(lambda seed: make_credit_code(random.Random(seed)))


def _to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_charset_and_weights() -> None:
    assert len(CHARSET) == 31
    assert len(set(CHARSET)) == 31
    assert not set("IOZSV") & set(CHARSET)
    assert list(WEIGHTS) == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    # The weights are 3**i mod 31.
    assert [pow(3, i, 31) for i in range(17)] == list(WEIGHTS)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_validate(code: str) -> None:
    assert is_valid_credit_code(code)
    assert check_char(code[:17]) == code[17]


def test_fixed_prefix_example() -> None:
    first17 = "91420300MA4XXXXXX"
    # Worked by hand (M=21, A=10, X=29): sum of value*weight = 4267; 4267 % 31 = 20; 31 - 20 = 11 -> "B".
    assert sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) == 4267
    assert check_char(first17) == "B"
    assert is_valid_credit_code(first17 + "B")
    for wrong in CHARSET.replace("B", ""):
        assert not is_valid_credit_code(first17 + wrong)


def test_check_char_zero_remainder_maps_to_zero() -> None:
    # All zeros sum to 0, so (31 - 0) % 31 must give "0", not an index error.
    assert check_char("0" * 17) == "0"
    assert is_valid_credit_code("0" * 18)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "91420300MA4XXXXXX",  # 17 chars
        "91420300MA4XXXXXXBB",  # 19 chars
        "91420300MA4XXXXXIB",  # I is not in the charset
        "91420300MA4XXXX XXB",
        "9142 0300MA4XXXXXXB",
        "91420300MA4XXXXXX3",  # wrong check char
    ],
)
def test_invalid_shapes(text: str) -> None:
    assert not is_valid_credit_code(text)


@pytest.mark.parametrize("bad", ["", "0" * 16, "0" * 18, "0" * 16 + "I", "0" * 16 + "a"])
def test_check_char_refuses_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        check_char(bad)


def test_normalization() -> None:
    assert normalize_credit_code("  91420300ma4xxxxxxb\t") == "91420300MA4XXXXXXB"
    assert normalize_credit_code("\u3000９１４２０３００ＭＡ４ｘｘｘｘｘｘｂ\u3000") == "91420300MA4XXXXXXB"
    assert is_valid_credit_code("９１４２０３００ｍａ４ｘｘｘｘｘｘｂ")
    assert is_valid_credit_code(" 91440300708461136t ")


@given(valid_codes)
def test_generated_codes_are_valid(code: str) -> None:
    assert len(code) == 18
    assert set(code) <= set(CHARSET)
    assert code[0] in "159"
    assert code[1] in "123"
    assert code[2:8].isdigit()
    assert is_valid_credit_code(code)
    assert normalize_credit_code(code) == code


@given(valid_codes)
def test_generated_codes_survive_fullwidth_lowercase_and_spaces(code: str) -> None:
    assert is_valid_credit_code(_to_fullwidth(code.lower()))
    assert is_valid_credit_code(f" \u3000{code.lower()}\n")
    assert normalize_credit_code(_to_fullwidth(code.lower())) == code


@given(valid_codes)
def test_every_single_substitution_is_detected(code: str) -> None:
    for position in range(18):
        for replacement in CHARSET + OUTSIDE_CHARSET:
            if replacement == code[position]:
                continue
            changed = code[:position] + replacement + code[position + 1 :]
            assert not is_valid_credit_code(changed), (code, position, replacement)


@given(valid_codes, st.integers(min_value=0, max_value=17))
def test_deleting_a_character_is_detected(code: str, position: int) -> None:
    assert not is_valid_credit_code(code[:position] + code[position + 1 :])


def test_same_seed_same_code() -> None:
    assert make_credit_code(random.Random(42)) == make_credit_code(random.Random(42))
    codes = {make_credit_code(random.Random(seed)) for seed in range(200)}
    assert len(codes) == 200
