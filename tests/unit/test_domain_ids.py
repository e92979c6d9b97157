"""Ids: any spelling of a UUID in, its one canonical form out; order ids must be version 4."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.model.ids import parse_id, parse_order_id

UUID4 = "3f1c1b7e-8a2b-4c1d-9e2f-0a1b2c3d4e5f"
UUID1 = "a8098c1a-f86e-11da-bd1a-00112444be1e"


def test_lowercase_uuid4_is_an_order_id() -> None:
    assert parse_order_id(UUID4) == UUID4


def test_uppercase_uuid4_is_accepted_in_its_canonical_lowercase_form() -> None:
    assert parse_order_id(UUID4.upper()) == UUID4
    assert parse_id(UUID4.upper()) == UUID4


def test_uuid1_is_an_id_but_not_an_order_id() -> None:
    assert parse_id(UUID1) == UUID1
    assert parse_order_id(UUID1) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not-a-uuid",
        UUID4.replace("-", ""),
        "{" + UUID4 + "}",
        "urn:uuid:" + UUID4,
        UUID4 + " ",
        " " + UUID4,
        UUID4[:-1],
        UUID4[:-1] + "g",
        UUID4 + "0",
        "3f1c1b7e-8a2b-4c1d-9e2f-0a1b2c3d4e5f\n",
    ],
)
def test_garbage_is_neither_an_id_nor_an_order_id(text: str) -> None:
    assert parse_id(text) is None
    assert parse_order_id(text) is None


def test_uuid_with_a_non_rfc_variant_is_not_an_order_id() -> None:
    # version nibble 4, but variant bits 0xxx (NCS) instead of 10xx
    assert parse_order_id("3f1c1b7e-8a2b-4c1d-1e2f-0a1b2c3d4e5f") is None


@given(st.uuids(version=4))
def test_every_uuid4_in_either_case_is_an_order_id(value: object) -> None:
    text = str(value)

    assert parse_order_id(text) == text
    assert parse_order_id(text.upper()) == text


@given(st.text(max_size=60))
def test_arbitrary_text_never_makes_the_id_parsers_raise(text: str) -> None:
    assert parse_id(text) in (None, text.lower())
    assert parse_order_id(text) in (None, text.lower())
