"""Exact decimals on the wire: JSON numbers in, JSON numbers out, never through a binary float."""

from decimal import Decimal
from typing import Any

import msgspec


class JsonNumber(Decimal):
    """A decimal that must arrive as a JSON number (not a string), kept with its exact digits."""


def decode_hook(target: type, value: Any) -> Any:
    """Build JsonNumber from what the decoder produced for a number (int or exact Decimal)."""
    if target is JsonNumber:
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return JsonNumber(value)
        raise ValueError(f"Expected `number`, got `{type(value).__name__}`")
    raise NotImplementedError(f"type {target!r} is not supported")


def encode_hook(value: Any) -> Any:
    if isinstance(value, Decimal):
        return Decimal(value)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


JSON_ENCODER = msgspec.json.Encoder(enc_hook=encode_hook, decimal_format="number")
