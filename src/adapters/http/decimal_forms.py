"""The two forms of decimals in responses, chosen by the Accept header: JSON numbers, the default,
or JSON strings for consumers whose JSON parser turns numbers into binary floats.

A consumer asks for strings with the media-type parameter `decimals=string` on any media range of
its Accept header (`Accept: application/json; decimals=string`). A parameter of the media type,
not a header of our own, because content negotiation is what Accept is for: caches already vary
on it (`Vary: Accept`), and the response's Content-Type says which form the body holds.
"""

from enum import Enum
from typing import Annotated

import msgspec
from litestar.params import HeaderParameter

from adapters.http.numbers import JSON_ENCODER, STRING_DECIMALS_ENCODER

PARAMETER = "decimals"
STRING_PARAMETER = f"{PARAMETER}=string"


class DecimalForm(Enum):
    NUMBER = "number"
    STRING = "string"

    @property
    def encoder(self) -> msgspec.json.Encoder:
        return STRING_DECIMALS_ENCODER if self is DecimalForm.STRING else JSON_ENCODER

    def media_type(self, media_type: str) -> str:
        """The Content-Type of a body in this form: the string form says so with its parameter."""
        return f"{media_type}; {STRING_PARAMETER}" if self is DecimalForm.STRING else media_type


Accept = Annotated[str | None, HeaderParameter(name="Accept", required=False, include_in_schema=False)]
"""The Accept header as a handler parameter (OpenAPI leaves Accept out of an operation's parameters).
A parameter, not a dependency: Litestar resolves two or more dependencies of one handler in a task
group, which costs more than the rest of reading one order."""


def requested_form(accept: str | None) -> DecimalForm:
    """STRING when a media range of `accept` has the parameter `decimals=string` (names and the
    value in any case, the value may be quoted); NUMBER otherwise, including for other values."""
    for media_range in (accept or "").split(","):
        for parameter in media_range.split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == PARAMETER and value.strip().strip('"').lower() == "string":
                return DecimalForm.STRING
    return DecimalForm.NUMBER
