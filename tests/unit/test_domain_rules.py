"""Field rules: exact decimals, decimal bounds, instants and the collection of field problems."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.model.errors import FieldError
from domain.model.rules import (
    ANY_SIGN,
    EARLIEST_INSTANT,
    LATEST_INSTANT,
    NON_NEGATIVE,
    POSITIVE,
    Problems,
    canonical_decimal,
    decimal_problem,
    stored_instant_problem,
)

storable_decimals = st.builds(
    lambda digits, exponent: Decimal(f"{digits}E{exponent}"),
    st.integers(-(10**38) + 1, 10**38 - 1),
    st.integers(-130, 125),
).filter(lambda value: decimal_problem(value, sign=ANY_SIGN) is None)
"""Decimals the rules let through: at most 38 significant digits, magnitude 1E-130 to 9.99E+125
(or zero). Built from digits and an exponent, so that every one is exact and storable."""


# canonical_decimal


@pytest.mark.parametrize(
    ("given_text", "expected_text"),
    [
        ("10.50", "10.5"),
        ("1E+2", "100"),
        ("-0", "0"),
        ("0.000", "0"),
        ("0.1", "0.1"),
        ("12345.12345678901234567", "12345.12345678901234567"),
        ("7850.25", "7850.25"),
        ("100", "100"),
        ("-2.500", "-2.5"),
    ],
)
def test_canonical_decimal_is_the_shortest_exact_form(given_text: str, expected_text: str) -> None:
    result = canonical_decimal(Decimal(given_text))

    assert str(result) == expected_text


def test_canonical_decimal_of_negative_zero_has_no_sign() -> None:
    result = canonical_decimal(Decimal("-0.00"))

    assert not result.is_signed()


@given(storable_decimals)
def test_canonical_decimal_keeps_the_value(value: Decimal) -> None:
    result = canonical_decimal(value)

    assert result == value


@given(storable_decimals)
def test_canonical_decimal_never_shows_trailing_zeros_after_a_decimal_point(value: Decimal) -> None:
    text = str(canonical_decimal(value))

    mantissa = text.split("E")[0]
    if "." in mantissa:
        assert not mantissa.endswith("0")


@given(storable_decimals)
def test_canonical_decimal_writes_whole_numbers_of_up_to_40_digits_without_exponent(value: Decimal) -> None:
    result = canonical_decimal(value)

    if result == result.to_integral_value() and result.adjusted() < 40:
        assert "E" not in str(result)
        assert "." not in str(result)


def test_canonical_decimal_keeps_huge_whole_numbers_in_exponent_form() -> None:
    assert str(canonical_decimal(Decimal("9.99E+125"))) == "9.99E+125"
    assert str(canonical_decimal(Decimal("1E+40"))) == "1E+40"
    assert str(canonical_decimal(Decimal("1E+39"))) == "1" + "0" * 39


@given(storable_decimals)
def test_canonical_decimal_is_idempotent(value: Decimal) -> None:
    once = canonical_decimal(value)

    assert str(canonical_decimal(once)) == str(once)


# decimal_problem: precision and magnitude


@pytest.mark.parametrize(
    "text",
    [
        "1" * 38,
        "1." + "1" * 37,
        "0." + "1" * 38,
        "1E-130",
        "9.99E+125",
        "0.1",
        "12345.12345678901234567",
        "1" * 38 + "000",  # trailing zeros are not significant
    ],
)
def test_decimal_within_dynamodb_bounds_is_accepted(text: str) -> None:
    assert decimal_problem(Decimal(text), sign=POSITIVE) is None


@pytest.mark.parametrize(
    "text",
    [
        "1" * 39,
        "1." + "1" * 38,
        "0." + "1" * 39,
        "1E-131",
        "1E+126",
        "9.991E+125",
        "9.9E-131",
    ],
)
def test_decimal_outside_dynamodb_bounds_is_rejected(text: str) -> None:
    assert decimal_problem(Decimal(text), sign=POSITIVE) is not None


@pytest.mark.parametrize(
    "text",
    [
        # 31 significant digits: within precision, but just above the largest storable magnitude
        "9.990000000000000000000000000001E+125",
        # 31 significant digits: within precision, but just below the smallest storable magnitude
        "9.999999999999999999999999999999E-131",
    ],
)
def test_decimal_just_outside_the_magnitude_bounds_is_rejected_however_many_digits_it_has(text: str) -> None:
    assert decimal_problem(Decimal(text), sign=POSITIVE) is not None


@pytest.mark.parametrize("text", ["1E+1000000", "1E-1000000", "-1E+999999999"])
def test_decimal_with_an_absurd_exponent_is_reported_as_a_problem_not_raised(text: str) -> None:
    problem = decimal_problem(Decimal(text), sign=ANY_SIGN)

    assert problem is not None


@pytest.mark.parametrize("text", ["NaN", "sNaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("sign", [POSITIVE, NON_NEGATIVE, ANY_SIGN])
def test_decimal_that_is_not_finite_is_rejected(text: str, sign: str) -> None:
    assert decimal_problem(Decimal(text), sign=sign) == "must be a finite number"


# decimal_problem: sign rules


@pytest.mark.parametrize("text", ["0", "-0", "0.00", "-1", "-0.1"])
def test_positive_rule_rejects_zero_and_negatives(text: str) -> None:
    assert decimal_problem(Decimal(text), sign=POSITIVE) == "must be > 0"


@pytest.mark.parametrize("text", ["0", "-0", "0.0", "1.5"])
def test_non_negative_rule_accepts_zero_and_positives(text: str) -> None:
    assert decimal_problem(Decimal(text), sign=NON_NEGATIVE) is None


@pytest.mark.parametrize("text", ["-1", "-0.0001"])
def test_non_negative_rule_rejects_negatives(text: str) -> None:
    assert decimal_problem(Decimal(text), sign=NON_NEGATIVE) == "must be >= 0"


@pytest.mark.parametrize("text", ["-1", "0", "1", "-9.99E+125", "-1E-130"])
def test_any_sign_rule_accepts_negative_zero_and_positive_values(text: str) -> None:
    assert decimal_problem(Decimal(text), sign=ANY_SIGN) is None


@pytest.mark.parametrize("text", ["-1E+126", "-1E-131", "-" + "1" * 39])
def test_any_sign_rule_still_applies_bounds_to_negative_values(text: str) -> None:
    assert decimal_problem(Decimal(text), sign=ANY_SIGN) is not None


# Problems


def test_problems_lists_each_failed_field_in_order() -> None:
    problems = Problems()

    problems.check("a", False, "is wrong")
    problems.check("b", True, "never shown")
    problems.decimal("c", Decimal("-1"))
    problems.text("d", "", max_length=5)
    problems.text("e", None, max_length=5)
    problems.decimal("f", None)

    assert problems.errors == [
        FieldError("a", "is wrong"),
        FieldError("c", "must be > 0"),
        FieldError("d", "must be 1 to 5 characters"),
    ]


def test_problems_text_accepts_the_bounds_and_rejects_beyond() -> None:
    problems = Problems()

    problems.text("one", "x", max_length=3)
    problems.text("three", "xyz", max_length=3)
    problems.text("four", "wxyz", max_length=3)

    assert [e.field for e in problems.errors] == ["four"]


def test_nested_problems_carry_the_full_field_path() -> None:
    problems = Problems()

    def inner(level2: Problems) -> None:
        level2.check("value", False, "is required")
        level2.nested("close.", lambda level3: level3.decimal("spread", Decimal("-1"), sign=NON_NEGATIVE))

    problems.nested("conditions[0].", inner)
    problems.nested("trigger.", lambda p: p.decimal("quantity", Decimal("0")))

    assert [e.field for e in problems.errors] == [
        "conditions[0].value",
        "conditions[0].close.spread",
        "trigger.quantity",
    ]


def test_nested_problems_without_errors_add_nothing() -> None:
    problems = Problems()

    problems.nested("trigger.", lambda p: p.decimal("quantity", Decimal("1")))

    assert problems.errors == []


def test_instants_are_the_seconds_of_years_1_to_9999_in_utc() -> None:
    assert datetime.fromtimestamp(EARLIEST_INSTANT, tz=UTC) == datetime(1, 1, 1, tzinfo=UTC)
    assert datetime.fromtimestamp(LATEST_INSTANT, tz=UTC) == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (EARLIEST_INSTANT, None),
        (EARLIEST_INSTANT - 1, "must fall between years 1 and 9999 once converted to UTC"),
        (1_000 + 300, None),
        (1_000 + 301, "is more than 5 minutes in the future"),
        (LATEST_INSTANT + 1, "must fall between years 1 and 9999 once converted to UTC"),
        (10**20, "must fall between years 1 and 9999 once converted to UTC"),
    ],
)
def test_a_stored_instant_is_a_representable_second_at_most_5_minutes_ahead(value: int, problem: str | None) -> None:
    assert stored_instant_problem(value, now=1_000) == problem
