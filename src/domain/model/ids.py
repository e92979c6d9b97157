"""Ids of workflows and orders: UUIDs, always in their one canonical (lowercase) spelling."""

import uuid
from typing import NewType

Id = NewType("Id", str)
"""A UUID in canonical lowercase form. Text from outside becomes one only through `parse_id`."""


def parse_id(text: str) -> Id | None:
    """The canonical form of a UUID written in any case, or None when `text` is not a UUID."""
    try:
        parsed = uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return None
    canonical = str(parsed)
    if canonical != text.lower():  # uuid.UUID also takes braces, URNs and undashed hex: not ours
        return None
    return Id(canonical)


def parse_order_id(text: str) -> Id | None:
    """Like parse_id, for order ids, which must be version 4 (random) UUIDs."""
    parsed = parse_id(text)
    return parsed if parsed is not None and uuid.UUID(parsed).version == 4 else None
