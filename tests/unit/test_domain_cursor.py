"""History filters, page positions and the opaque cursor bound to one workflow and one filter set."""

import base64
import json
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import builders
from builders import NOW, ORDER_ID, OTHER_WORKFLOW_ID, WORKFLOW_ID
from domain.model.enums import OrderDirection
from domain.model.errors import InvalidCursorError, InvalidInputError
from domain.model.history import CursorCodec, HistoryFilter, Position, history_scope

KEY = b"k" * 32
PLACED_AT = NOW
BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

filters = st.builds(
    HistoryFilter,
    since=st.none() | st.integers(min_value=0, max_value=4_000_000_000),
    until=st.none() | st.integers(min_value=0, max_value=4_000_000_000),
    direction=st.none() | st.sampled_from(OrderDirection),
)
positions = st.builds(
    Position,
    placed_at=st.integers(min_value=0, max_value=4_000_000_000),
    order_id=st.uuids(version=4).map(str),
)


make_order = partial(builders.make_order, order_id=ORDER_ID)
"""An order of WORKFLOW_ID placed at PLACED_AT under ORDER_ID unless told otherwise."""


def token_for(payload: bytes, codec: CursorCodec, history_filter: HistoryFilter) -> str:
    """A token carrying a valid MAC over an arbitrary payload, as only the key holder could make."""
    mac = codec._mac(history_scope(WORKFLOW_ID, history_filter), payload)
    return f"{b64(payload)}.{b64(mac)}"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@pytest.fixture
def codec() -> CursorCodec:
    return CursorCodec(KEY)


# HistoryFilter


def test_an_empty_filter_matches_every_order() -> None:
    assert HistoryFilter().matches(make_order(placed_at=0, direction="SELL"))


def test_since_and_until_are_inclusive_bounds() -> None:
    history_filter = HistoryFilter(since=100, until=200)

    assert [history_filter.matches(make_order(placed_at=t)) for t in (99, 100, 150, 200, 201)] == [
        False,
        True,
        True,
        True,
        False,
    ]


def test_direction_filter_matches_only_that_direction() -> None:
    history_filter = HistoryFilter(direction=OrderDirection.SELL)

    assert history_filter.matches(make_order(direction="SELL"))
    assert not history_filter.matches(make_order(direction="BUY"))


def test_all_filter_parts_must_match_together() -> None:
    history_filter = HistoryFilter(since=100, direction=OrderDirection.BUY)

    assert not history_filter.matches(make_order(placed_at=150, direction="SELL"))
    assert not history_filter.matches(make_order(placed_at=50, direction="BUY"))
    assert history_filter.matches(make_order(placed_at=150, direction="BUY"))


# Position


def test_an_older_order_comes_after_a_position() -> None:
    position = Position(PLACED_AT, ORDER_ID)

    assert position.is_after(make_order(placed_at=PLACED_AT - 1, order_id="ffffffff-ffff-4fff-bfff-ffffffffffff"))


def test_a_newer_order_does_not_come_after_a_position() -> None:
    position = Position(PLACED_AT, ORDER_ID)

    assert not position.is_after(make_order(placed_at=PLACED_AT + 1, order_id="00000000-0000-4000-8000-000000000000"))


def test_same_second_orders_come_after_a_position_only_with_a_smaller_id() -> None:
    position = Position(PLACED_AT, "55555555-5555-4555-9555-555555555555")

    assert position.is_after(make_order(order_id="44444444-4444-4444-8444-444444444444"))
    assert not position.is_after(make_order(order_id="66666666-6666-4666-8666-666666666666"))


def test_the_order_at_a_position_does_not_come_after_it() -> None:
    order = make_order()

    assert not Position(order.placed_at, order.id).is_after(order)


# CursorCodec: round trip


@given(history_filter=filters, position=positions)
def test_a_cursor_decodes_to_the_position_it_was_made_from(history_filter: HistoryFilter, position: Position) -> None:
    codec = CursorCodec(KEY)
    token = codec.encode(WORKFLOW_ID, history_filter, position)

    assert codec.decode(token, WORKFLOW_ID, history_filter) == position


def test_a_cursor_is_url_safe_ascii(codec: CursorCodec) -> None:
    token = codec.encode(WORKFLOW_ID, HistoryFilter(), Position(PLACED_AT, ORDER_ID))

    assert set(token) <= set(BASE64URL + ".")


# CursorCodec: refusals


def test_a_cursor_from_another_workflow_is_refused(codec: CursorCodec) -> None:
    token = codec.encode(OTHER_WORKFLOW_ID, HistoryFilter(), Position(PLACED_AT, ORDER_ID))

    with pytest.raises(InvalidCursorError):
        codec.decode(token, WORKFLOW_ID, HistoryFilter())


@pytest.mark.parametrize(
    ("issued_for", "presented_with"),
    [
        (HistoryFilter(), HistoryFilter(since=0)),
        (HistoryFilter(since=100), HistoryFilter(since=101)),
        (HistoryFilter(since=100), HistoryFilter(until=100)),
        (HistoryFilter(until=200), HistoryFilter()),
        (HistoryFilter(until=200), HistoryFilter(until=199)),
        (HistoryFilter(direction=OrderDirection.BUY), HistoryFilter(direction=OrderDirection.SELL)),
        (HistoryFilter(direction=OrderDirection.BUY), HistoryFilter()),
        (HistoryFilter(since=1, until=2), HistoryFilter(since=2, until=1)),
    ],
)
def test_a_cursor_used_with_another_filter_is_refused(
    codec: CursorCodec, issued_for: HistoryFilter, presented_with: HistoryFilter
) -> None:
    token = codec.encode(WORKFLOW_ID, issued_for, Position(PLACED_AT, ORDER_ID))

    with pytest.raises(InvalidCursorError):
        codec.decode(token, WORKFLOW_ID, presented_with)


def test_a_cursor_made_with_another_key_is_refused() -> None:
    token = CursorCodec(b"other-key").encode(WORKFLOW_ID, HistoryFilter(), Position(PLACED_AT, ORDER_ID))

    with pytest.raises(InvalidCursorError):
        CursorCodec(KEY).decode(token, WORKFLOW_ID, HistoryFilter())


def accepted_alterations(codec: CursorCodec, token: str, index: int) -> list[str]:
    """Every one-character replacement at `index` that the codec still accepts."""
    accepted = []
    for replacement in BASE64URL + ".=+/":
        if replacement == token[index]:
            continue
        altered = token[:index] + replacement + token[index + 1 :]
        try:
            codec.decode(altered, WORKFLOW_ID, HistoryFilter())
        except InvalidCursorError:
            continue
        accepted.append(altered)
    return accepted


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=positions, data=st.data())
def test_a_cursor_altered_in_any_character_is_refused(
    codec: CursorCodec, position: Position, data: st.DataObject
) -> None:
    token = codec.encode(WORKFLOW_ID, HistoryFilter(), position)
    index = data.draw(st.integers(min_value=0, max_value=len(token) - 1), label="index")

    assert accepted_alterations(codec, token, index) == []


def test_a_cursor_altered_at_any_position_is_refused(codec: CursorCodec) -> None:
    token = codec.encode(WORKFLOW_ID, HistoryFilter(), Position(PLACED_AT, ORDER_ID))

    accepted = [altered for index in range(len(token)) for altered in accepted_alterations(codec, token, index)]

    assert accepted == []


def test_a_cursor_with_a_changed_last_character_is_refused(codec: CursorCodec) -> None:
    token = codec.encode(WORKFLOW_ID, HistoryFilter(), Position(PLACED_AT, ORDER_ID))
    last = token[-1]
    # the last character of a 16-byte MAC carries 2 data bits and 4 padding bits
    neighbour = BASE64URL[BASE64URL.index(last) ^ 1]

    with pytest.raises(InvalidCursorError):
        codec.decode(token[:-1] + neighbour, WORKFLOW_ID, HistoryFilter())


@pytest.mark.parametrize("extra", ["=", "==", "!", " ", "\n"])
def test_a_cursor_with_extra_characters_is_refused(codec: CursorCodec, extra: str) -> None:
    token = codec.encode(WORKFLOW_ID, HistoryFilter(), Position(PLACED_AT, ORDER_ID))
    payload, mac = token.split(".")

    for altered in (
        f"{payload}{extra}.{mac}",
        f"{payload}.{mac}{extra}",
        f"{payload}.{mac[:5]}{extra}{mac[5:]}",
    ):
        with pytest.raises(InvalidCursorError):
            codec.decode(altered, WORKFLOW_ID, HistoryFilter())


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        ".",
        "..",
        "nodot",
        "a.b.c",
        "é.é",
        "abc.déf",
        "\x00.\x00",
        "a" * 10_000,
        "a" * 5000 + "." + "b" * 5000,
        "!!!.???",
        "a.b",
        "YQ.YQ",
        "====.====",
        "A.",
        ".A",
    ],
)
def test_a_garbage_cursor_is_refused(codec: CursorCodec, garbage: str) -> None:
    with pytest.raises(InvalidCursorError):
        codec.decode(garbage, WORKFLOW_ID, HistoryFilter())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.text(max_size=300))
def test_any_text_as_a_cursor_raises_invalid_cursor_or_nothing_else(codec: CursorCodec, garbage: str) -> None:
    with pytest.raises(InvalidCursorError):
        codec.decode(garbage, WORKFLOW_ID, HistoryFilter())


@pytest.mark.parametrize(
    "payload",
    [
        b"xx",
        b"\xff\xfe",
        b"5",
        b"null",
        b"[]",
        b'{"a":1}',
        b"[1,2,3]",
        b'[1,"not-a-uuid"]',
        b'["1","3f1c1b7e-8a2b-4c1d-9e2f-0a1b2c3d4e5f"]',
        b'[1.5,"3f1c1b7e-8a2b-4c1d-9e2f-0a1b2c3d4e5f"]',
        b'[true,"3f1c1b7e-8a2b-4c1d-9e2f-0a1b2c3d4e5f"]',
    ],
)
def test_a_validly_signed_payload_that_is_not_a_position_is_refused(codec: CursorCodec, payload: bytes) -> None:
    token = token_for(payload, codec, HistoryFilter())

    with pytest.raises(InvalidCursorError):
        codec.decode(token, WORKFLOW_ID, HistoryFilter())


def test_a_validly_signed_position_payload_decodes(codec: CursorCodec) -> None:
    payload = json.dumps([PLACED_AT, ORDER_ID]).encode()
    token = token_for(payload, codec, HistoryFilter())

    assert codec.decode(token, WORKFLOW_ID, HistoryFilter()) == Position(PLACED_AT, ORDER_ID)


def test_invalid_cursor_is_an_invalid_input_about_the_cursor_field(codec: CursorCodec) -> None:
    with pytest.raises(InvalidInputError) as error:
        codec.decode("nodot", WORKFLOW_ID, HistoryFilter())

    assert [e.field for e in error.value.errors] == ["cursor"]
