"""Exact decimals on the wire, never through a binary float: in, a JSON number or a string of a JSON
number's digits; out, JSON numbers, or strings for consumers that ask for them (decimal_forms).

Each sign rule of the domain has its own type, so that the OpenAPI document can state it.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

DECIMAL_STRING_PATTERN = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"
"""A JSON number's grammar (RFC 8259), which a decimal sent as a string must follow exactly: no
spaces, no `+` sign, no leading zeros, no `NaN`, `Infinity` or hexadecimal."""
_DECIMAL_STRING = re.compile(DECIMAL_STRING_PATTERN)


class JsonNumber(Decimal):
    """A decimal that arrives as a JSON number or as a string of a JSON number's digits, kept with
    its exact digits; any sign."""


class PositiveNumber(JsonNumber):
    """A JsonNumber the domain requires to be > 0 (prices and quantities)."""


class NonNegativeNumber(JsonNumber):
    """A JsonNumber the domain requires to be >= 0 (spread, trigger_close)."""


def exact_decimal(digits: str) -> Decimal:
    """The decoder's hook for a JSON number with a fraction or an exponent: its exact Decimal.

    An exponent beyond what Decimal can hold (`1e1000000000000000000`) is a ValueError, which the
    decoder reports as an invalid field (a 400), not an unexpected error.
    """
    try:
        return Decimal(digits)
    except InvalidOperation as error:
        raise ValueError("is a number whose exponent is out of range") from error


def decode_hook(target: type, value: Any) -> Any:
    """Build a JsonNumber from what the decoder produced for a number (int or exact Decimal) or
    from a string that follows a JSON number's grammar.

    The sign and size rules are the domain's: checked there, so that one 400 lists every bad field.
    """
    if isinstance(target, type) and issubclass(target, JsonNumber):
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return target(value)
        if isinstance(value, str):
            if _DECIMAL_STRING.fullmatch(value) is None:
                raise ValueError("Expected a decimal: a JSON number, or a string of a JSON number's digits")
            return target(exact_decimal(value))
        raise ValueError(f"Expected `number`, got `{type(value).__name__}`")
    raise NotImplementedError(f"type {target!r} is not supported")


def encode_hook(value: Any) -> Any:
    if isinstance(value, Decimal):
        return Decimal(value)
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


JSON_ENCODER = msgspec.json.Encoder(enc_hook=encode_hook, decimal_format="number")
STRING_DECIMALS_ENCODER = msgspec.json.Encoder(enc_hook=encode_hook, decimal_format="string")
