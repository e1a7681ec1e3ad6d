import re
from decimal import ROUND_HALF_UP, Context, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.domain.money import (
    MAX_YUAN,
    YUAN_PER_WAN,
    YUAN_PER_YI,
    Amount,
    AmountError,
    Unit,
    format_amount,
    format_wan,
    format_yi,
    money_filter,
    parse_amount,
    reading_unit,
    to_unit,
    yuan_from,
)

HAN = re.compile(r"[\u4e00-\u9fff]")
# What the money filter prints: grouped digits (1-3 first, then groups of 3), a fixed fraction, the unit.
SHOWN = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})*(?:\.[0-9]+)?(?:亿元|万元|元)")
yuan_amounts = st.integers(min_value=0, max_value=MAX_YUAN)


def assert_refused(text: str, *fragments: str, **kwargs: object) -> None:
    with pytest.raises(AmountError) as info:
        parse_amount(text, **kwargs)
    message = str(info.value)
    assert HAN.search(message), message
    for fragment in fragments:
        assert fragment in message


def test_constants() -> None:
    assert YUAN_PER_WAN == 10_000
    assert YUAN_PER_YI == 100_000_000 == 10_000 * YUAN_PER_WAN
    assert MAX_YUAN == 10**15


def test_unit_labels_and_values() -> None:
    assert [u.value for u in Unit] == ["yuan", "wan", "yi"]
    assert [u.label for u in Unit] == ["元", "万元", "亿元"]
    assert Unit("wan") is Unit.WAN


@pytest.mark.parametrize(
    ("text", "unit", "yuan"),
    [
        ("8000万元", None, 80_000_000),
        ("8000万", None, 80_000_000),
        ("1.5亿", None, 150_000_000),
        ("1.5亿元", None, 150_000_000),
        ("572亿元", None, 57_200_000_000),
        ("120", Unit.WAN, 1_200_000),
        ("120", Unit.YI, 12_000_000_000),
        ("120", Unit.YUAN, 120),
        ("1,200万元", None, 12_000_000),
        ("1，200万元", None, 12_000_000),
        ("1,234,567元", None, 1_234_567),
        ("１．５亿", None, 150_000_000),
        ("１２００万元", None, 12_000_000),
        ("  8000万元  ", None, 80_000_000),
        ("\u30008000 万元\u3000", None, 80_000_000),
        ("5000元", None, 5000),
        ("5000元", Unit.YUAN, 5000),
        ("8000万元", Unit.WAN, 80_000_000),
        ("1.5亿", Unit.YI, 150_000_000),
        ("0万元", None, 0),
        ("0", Unit.YI, 0),
        ("-0万", None, 0),
        ("1.23456789亿", None, 123_456_789),
        ("0.00000001亿", None, 1),
        ("0.000000005亿", None, 1),  # 0.5 yuan rounds half-up
        ("0.000000004亿", None, 0),
        ("12.34565万元", None, 123_457),
        ("1.5元", None, 2),
        ("2.5元", None, 3),  # half-up, not banker's rounding
        ("2.4999元", None, 2),
        ("10000000亿元", None, MAX_YUAN),
        ("1.5亿人民币", None, 150_000_000),
    ],
)
def test_parse_accepted_forms(text: str, unit: Unit | None, yuan: int) -> None:
    assert parse_amount(text, unit) == Amount(yuan=yuan)


@pytest.mark.parametrize(
    ("text", "rate", "currency", "original", "yuan", "stored_rate"),
    [
        ("1.2亿美元", "7.1", "USD", 120_000_000, 852_000_000, "7.1"),
        ("3000万美元", Decimal("7.2"), "USD", 30_000_000, 216_000_000, "7.2"),
        ("3000万美金", Decimal("7.2"), "USD", 30_000_000, 216_000_000, "7.2"),
        ("500万欧元", "7.85", "EUR", 5_000_000, 39_250_000, "7.85"),
        ("500万港元", "0.92", "HKD", 5_000_000, 4_600_000, "0.92"),
        ("500万港币", "0.92", "HKD", 5_000_000, 4_600_000, "0.92"),
        ("500万日元", "0.048", "JPY", 5_000_000, 240_000, "0.048"),
        ("500万英镑", "9.1", "GBP", 5_000_000, 45_500_000, "9.1"),
        ("1美元", "7.5", "USD", 1, 8, "7.5"),  # 7.5 rounds half-up
        ("1美元", "7.4999", "USD", 1, 7, "7.4999"),
        # The original rounds half-up first; yuan follows the stored original.
        ("1.5美元", "7", "USD", 2, 14, "7"),
        ("１．２亿美元", " ７．１ ", "USD", 120_000_000, 852_000_000, "7.1"),
    ],
)
def test_parse_foreign_currency(
    text: str, rate: str | Decimal, currency: str, original: int, yuan: int, stored_rate: str
) -> None:
    amount = parse_amount(text, rate=rate)
    assert amount == Amount(yuan=yuan, currency=currency, original=original, rate=Decimal(stored_rate))
    assert isinstance(amount.rate, Decimal)


def test_foreign_rate_is_exact_for_long_values() -> None:
    amount = parse_amount("9999999.9999万美元", rate="7.123456789012345678901234567891")
    assert amount.original == 99_999_999_999
    assert amount.yuan == (99_999_999_999 * 7_123456789012345678901234567891 * 2 + 10**30) // (2 * 10**30)


def test_rate_is_ignored_for_cny() -> None:
    assert parse_amount("8000万元", rate="7.1") == Amount(yuan=80_000_000)


@pytest.mark.parametrize(
    ("text", "kwargs", "fragment"),
    [
        ("120", {}, "单位"),
        ("1.5", {}, "单位"),
        ("-5万", {}, "负数"),
        ("-5000元", {"unit": Unit.YUAN}, "负数"),
        ("\u22125万", {}, "负数"),
        ("－５万", {}, "负数"),
        ("", {}, "金额"),
        ("   ", {}, "金额"),
        ("\u3000", {"unit": Unit.WAN}, "金额"),
        ("NaN", {"unit": Unit.WAN}, "格式"),
        ("nan万元", {}, "格式"),
        ("inf", {"unit": Unit.YI}, "格式"),
        ("Infinity亿元", {}, "格式"),
        ("1e5万元", {}, "格式"),
        ("abc", {}, "格式"),
        ("八千万元", {}, "格式"),
        ("8000千元", {}, "格式"),
        ("万元", {}, "格式"),
        ("1.2.3万", {}, "格式"),
        (".5亿", {}, "格式"),
        ("5.亿", {}, "格式"),
        ("1,5亿", {}, "格式"),
        ("12,00万元", {}, "格式"),
        ("1 200万元", {}, "格式"),
        ("8000万元元", {}, "格式"),
        ("8000亿万", {}, "格式"),
        ("8000万卢布", {}, "格式"),
        ("٣万", {}, "格式"),  # Arabic-Indic digit: not read as 3
        ("①万", {}, "格式"),
        ("1.5亿", {"unit": Unit.WAN}, "不一致"),
        ("5000元", {"unit": Unit.WAN}, "不一致"),
        ("8000万元", {"unit": Unit.YI}, "不一致"),
        ("500美元", {"unit": Unit.WAN, "rate": "7"}, "不一致"),
        ("10000000.00000001亿元", {}, "过大"),
        ("1000000000000001元", {}, "过大"),
        ("99999999999999999999999999999999亿元", {}, "过大"),
        ("1000000000000001美元", {"rate": "1"}, "过大"),
        ("1000000000000000美元", {"rate": "1.000000000000001"}, "过大"),
        ("1.2亿美元", {}, "汇率"),
        ("1.2亿美元", {"rate": ""}, "汇率"),
        ("1.2亿美元", {"rate": "  "}, "汇率"),
        ("1.2亿美元", {"rate": "0"}, "大于0"),
        ("1.2亿美元", {"rate": Decimal(0)}, "大于0"),
        ("1.2亿美元", {"rate": "-7.1"}, "大于0"),
        ("1.2亿美元", {"rate": Decimal("-7.1")}, "大于0"),
        ("1.2亿美元", {"rate": "abc"}, "汇率"),
        ("1.2亿美元", {"rate": "nan"}, "汇率"),
        ("1.2亿美元", {"rate": Decimal("NaN")}, "汇率"),
        ("1.2亿美元", {"rate": Decimal("Infinity")}, "汇率"),
        ("1.2亿美元", {"rate": Decimal("1e999999")}, "汇率"),
    ],
)
def test_parse_refusals(text: str, kwargs: dict[str, object], fragment: str) -> None:
    assert_refused(text, fragment, **kwargs)


def test_error_is_value_error_and_renders_without_app() -> None:
    with pytest.raises(ValueError, match="金额格式不正确：garbage"):
        parse_amount("garbage")


@pytest.mark.parametrize(
    ("value", "unit", "yuan"),
    [
        (Decimal("1.5"), Unit.YI, 150_000_000),
        (8000, Unit.WAN, 80_000_000),
        ("0.12345", Unit.WAN, 1235),
        ("0.12344", Unit.WAN, 1234),
        ("１．５", Unit.YI, 150_000_000),
        (Decimal("2.5"), Unit.YUAN, 3),
        (Decimal("1E+3"), Unit.WAN, 10_000_000),
        (Decimal("1E-999999999"), Unit.YI, 0),
        (Decimal("-0"), Unit.YI, 0),
        (Decimal("0.000000004999999999999999999999999999999"), Unit.YI, 0),
        (Decimal("0.000000005000000000000000000000000000000"), Unit.YI, 1),
    ],
)
def test_yuan_from(value: Decimal | int | str, unit: Unit, yuan: int) -> None:
    assert yuan_from(value, unit) == yuan


@pytest.mark.parametrize(
    "value", [Decimal("NaN"), Decimal("Infinity"), "abc", "", Decimal(-1), -1, "1e999999999"]
)
def test_yuan_from_refusals(value: Decimal | int | str) -> None:
    with pytest.raises(AmountError):
        yuan_from(value, Unit.WAN)


def test_yuan_from_refuses_float() -> None:
    with pytest.raises(TypeError):
        yuan_from(1.5, Unit.YI)  # type: ignore[arg-type]


def test_to_unit_is_exact() -> None:
    assert to_unit(80_000_000, Unit.WAN) == Decimal(8000)
    assert to_unit(123_456_789, Unit.YI) == Decimal("1.23456789")
    assert to_unit(1, Unit.YI) == Decimal("0.00000001")
    assert to_unit(5000, Unit.YUAN) == Decimal(5000)
    assert to_unit(-150_000_000, Unit.YI) == Decimal("-1.5")
    # Beyond the default 28-digit context precision, the value must still be exact.
    huge = 10**40 + 1
    assert to_unit(huge, Unit.YI).as_integer_ratio() == (huge, 10**8)


@pytest.mark.parametrize(
    ("yuan", "places", "text"),
    [
        (57_200_000_000, 2, "572.00"),
        (123_456_789, 2, "1.23"),
        (125_000_000, 1, "1.3"),  # half-up on an exact tie
        (135_000_000, 1, "1.4"),
        (124_999_999, 1, "1.2"),
        (99_500_000, 2, "1.00"),
        (99_499_999, 2, "0.99"),
        (0, 2, "0.00"),
        (1, 8, "0.00000001"),
        (1, 10, "0.0000000100"),
        (150_000_000, 0, "2"),
        (MAX_YUAN, 2, "10000000.00"),
        (-123_456_789, 2, "-1.23"),
        (-1, 2, "0.00"),
    ],
)
def test_format_yi(yuan: int, places: int, text: str) -> None:
    assert format_yi(yuan, places) == text


@pytest.mark.parametrize(
    ("yuan", "places", "text"),
    [
        (80_000_000, 2, "8000.00"),
        (12_345, 2, "1.23"),
        (12_350, 2, "1.24"),
        (5_000, 0, "1"),
        (1, 4, "0.0001"),
        (MAX_YUAN, 2, "100000000000.00"),
    ],
)
def test_format_wan(yuan: int, places: int, text: str) -> None:
    assert format_wan(yuan, places) == text


def test_format_refuses_negative_places() -> None:
    with pytest.raises(ValueError):
        format_yi(1, -1)


def test_money_filter() -> None:
    assert money_filter(1_234_000_000) == "12.34亿元"
    assert money_filter(80_000_000, "wan") == "8,000.00万元"
    assert money_filter(80_000_000, Unit.WAN, 0) == "8,000万元"
    assert money_filter(5000, "yuan", 0) == "5,000元"
    assert money_filter(None) == "—"
    assert money_filter(None, "wan") == "—"
    assert money_filter(0) == "0.00亿元"
    with pytest.raises(ValueError):
        money_filter(1, "usd")


@pytest.mark.parametrize(
    ("yuan", "unit", "text"),
    [
        (352_000_000, "wan", "35,200.00万元"),
        (123_456_789_000_000, "yi", "1,234,567.89亿元"),
        (99_900_000_000, "yi", "999.00亿元"),
        (100_000_000_000, "yi", "1,000.00亿元"),
        (-352_000_000, "wan", "-35,200.00万元"),
        (-1, "yi", "0.00亿元"),
        (MAX_YUAN, "wan", "100,000,000,000.00万元"),
        (123_456_789, "yuan", "123,456,789.00元"),
    ],
)
def test_money_filter_groups_thousands(yuan: int, unit: str, text: str) -> None:
    assert money_filter(yuan, unit) == text


@pytest.mark.parametrize(
    ("yuan", "text"),
    [
        (352_000_000, "3.52亿元"),  # 35,200万 reads as 亿
        (100_000_000, "1.00亿元"),
        (99_999_950, "1.00亿元"),  # rounds to 10,000.00万, so it is shown as the 亿 it is
        (99_999_949, "9,999.99万元"),
        (80_000_000, "8,000.00万元"),
        (5_000, "0.50万元"),
        (0, "0.00万元"),
        (-352_000_000, "-3.52亿元"),
        (123_456_789_012_345, "1,234,567.89亿元"),
    ],
)
def test_money_filter_auto_reads_yi_from_one_yi_up(yuan: int, text: str) -> None:
    assert money_filter(yuan, "auto") == text


@given(yuan_amounts, st.sampled_from(["yi", "wan", "yuan", "auto"]), st.integers(min_value=0, max_value=8))
def test_money_filter_prints_one_format(yuan: int, unit: str, places: int) -> None:
    text = money_filter(yuan, unit, places)
    assert SHOWN.fullmatch(text), text
    number = text.removesuffix("亿元").removesuffix("万元").removesuffix("元")
    assert len(number.partition(".")[2]) == places
    # The grouped text is the exact amount, rounded half-up, with separators put in.
    shown_unit = reading_unit(yuan, places) if unit == "auto" else Unit(unit)
    assert number.replace(",", "") == _plain(yuan, shown_unit, places)
    assert format_amount(yuan, unit, places) == number


@given(yuan_amounts)
def test_money_filter_auto_reads_back_within_half_a_hundredth_of_its_unit(yuan: int) -> None:
    text = money_filter(yuan, "auto")
    unit = Unit.YI if text.endswith("亿元") else Unit.WAN
    assert (unit is Unit.YI) == (yuan >= YUAN_PER_YI - YUAN_PER_WAN // 200)
    assert abs(parse_amount(text).yuan - yuan) <= unit.factor // 200


def _plain(yuan: int, unit: Unit, places: int) -> str:
    """The same amount formatted without separators, by Decimal."""
    exact = to_unit(yuan, unit)
    return f"{exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=Context(prec=60)):f}"


@given(yuan_amounts)
def test_round_trip_yi_8_places(yuan: int) -> None:
    assert parse_amount(format_yi(yuan, 8) + "亿元").yuan == yuan


@given(yuan_amounts)
def test_round_trip_wan_4_places(yuan: int) -> None:
    assert parse_amount(format_wan(yuan, 4) + "万元").yuan == yuan


@given(yuan_amounts)
def test_round_trip_yuan(yuan: int) -> None:
    assert parse_amount(str(yuan) + "元").yuan == yuan


@given(yuan_amounts)
def test_round_trip_with_field_unit(yuan: int) -> None:
    assert parse_amount(format_wan(yuan, 4), Unit.WAN).yuan == yuan
    assert parse_amount(format_yi(yuan, 8), Unit.YI).yuan == yuan


@given(yuan_amounts)
def test_round_trip_2_places_within_half_unit(yuan: int) -> None:
    via_yi = parse_amount(format_yi(yuan, 2) + "亿元").yuan
    assert abs(via_yi - yuan) <= YUAN_PER_YI // 200
    assert via_yi % (YUAN_PER_YI // 100) == 0
    via_wan = parse_amount(format_wan(yuan, 2) + "万元").yuan
    assert abs(via_wan - yuan) <= YUAN_PER_WAN // 200
    assert via_wan % (YUAN_PER_WAN // 100) == 0


@given(yuan_amounts, st.sampled_from(list(Unit)))
def test_to_unit_inverts_yuan_from(yuan: int, unit: Unit) -> None:
    assert yuan_from(to_unit(yuan, unit), unit) == yuan


@given(yuan_amounts, st.integers(min_value=0, max_value=12))
def test_format_matches_decimal_half_up(yuan: int, places: int) -> None:
    exact = to_unit(yuan, Unit.YI)
    expected = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=Context(prec=60))
    assert format_yi(yuan, places) == f"{expected:f}"


@given(st.integers(min_value=0, max_value=MAX_YUAN // YUAN_PER_WAN))
def test_thousands_separators_parse_like_plain(wan: int) -> None:
    assert parse_amount(f"{wan:,}万元") == parse_amount(f"{wan}万元") == Amount(yuan=wan * YUAN_PER_WAN)


@given(st.integers(min_value=1, max_value=MAX_YUAN))
def test_negative_amounts_refused(yuan: int) -> None:
    with pytest.raises(AmountError, match="负数"):
        parse_amount(f"-{yuan}元")


@given(
    st.integers(min_value=0, max_value=10**12),
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(1000), places=4),
)
def test_foreign_yuan_is_original_times_rate(original: int, rate: Decimal) -> None:
    amount = parse_amount(f"{original}美元", rate=f"{rate:f}")
    assert amount.original == original
    assert amount.rate == rate
    assert abs(Decimal(amount.yuan) - original * rate) <= Decimal("0.5")
    assert amount.yuan == (original * int(rate.scaleb(4)) * 2 + 10**4) // (2 * 10**4)
