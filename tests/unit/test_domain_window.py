"""Windows and their summaries in the domain: calendar days in time zones, scopes, exact volumes."""

import hashlib
from datetime import UTC, date, datetime
from decimal import Context, Decimal, Inexact, localcontext

import pytest

from builders import NOW, make_order, make_workflow
from domain.model.enums import OrderDirection
from domain.model.errors import InvalidInputError
from domain.model.window import OrderWindow, day_bounds, zone_named
from domain.model.window_summary import digest_of, summarize


@pytest.mark.parametrize(
    ("zone", "day", "first", "hours"),
    [
        ("UTC", date(2026, 2, 22), "2026-02-22T00:00:00+00:00", 24),
        ("Europe/Paris", date(2026, 3, 29), "2026-03-28T23:00:00+00:00", 23),
        ("Europe/Paris", date(2026, 10, 25), "2026-10-24T22:00:00+00:00", 25),
        # Clocks jump from 00:00 to 01:00: the day starts at the first local time that exists.
        ("America/Santiago", date(2026, 9, 6), "2026-09-06T04:00:00+00:00", 23),
    ],
)
def test_a_day_runs_from_its_local_midnight_to_the_next(zone: str, day: date, first: str, hours: int) -> None:
    start, end = day_bounds(day, zone_named(zone))

    assert datetime.fromtimestamp(start, UTC).isoformat() == first
    assert end - start + 1 == hours * 3600


@pytest.mark.parametrize("name", ["Europe/Atlantis", "", "../../etc/passwd", "Europe", "a" * 300, "zone.tab"])
def test_an_unknown_or_malformed_zone_is_invalid_input_naming_tz(name: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        zone_named(name)
    assert raised.value.errors[0].field == "tz"


def test_a_window_scope_ignores_the_order_of_repeated_values_but_not_the_values() -> None:
    one = OrderWindow(since=1, workflow_ids=frozenset({"b", "a"}), order_codes=frozenset({"X", "Y"}))
    same = OrderWindow(since=1, workflow_ids=frozenset({"a", "b"}), order_codes=frozenset({"Y", "X"}))
    other = OrderWindow(since=1, workflow_ids=frozenset({"a"}), order_codes=frozenset({"Y", "X"}))

    assert one.scope() == same.scope() != other.scope()
    assert OrderWindow(direction=OrderDirection.BUY).scope() != OrderWindow().scope()


def test_since_after_until_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError):
        OrderWindow(since=NOW, until=NOW - 1)


def test_a_volume_is_exact_at_the_largest_and_smallest_magnitudes_the_api_accepts() -> None:
    workflow = make_workflow()
    largest = "9.98" + "9" * 35 + "E+125"  # 38 significant digits, just under 9.99E+125
    smallest = "1." + "2" * 37 + "E-130"
    orders = [
        make_order(workflow, price=largest, quantity=largest),
        make_order(workflow, price=smallest, quantity=smallest, placed_at=NOW - 1),
    ]

    [group] = summarize(orders).groups

    exact = sum_exact([(largest, largest), (smallest, smallest)])
    assert group.volume == exact
    assert len(exact.as_tuple().digits) > 500  # no digit lost between 1E+251 and 1E-334


def sum_exact(pairs: list[tuple[str, str]]) -> Decimal:
    with localcontext(Context(prec=2000, traps=[Inexact])):
        return sum((Decimal(a) * Decimal(b) for a, b in pairs), Decimal(0))


def test_the_digest_is_the_sha_256_of_the_sorted_ids_each_with_a_newline() -> None:
    assert digest_of(["b", "a"]) == hashlib.sha256(b"a\nb\n").hexdigest()
    assert digest_of([]) == hashlib.sha256(b"").hexdigest()
