"""Strict JSON request bodies: exact decimals, no type coercion, one 400 naming the bad field."""

import json
import re
from collections.abc import Generator
from typing import Any, ClassVar, Generic, TypeVar

import msgspec
from litestar.dto import AbstractDTO
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

from adapters.http.numbers import decode_hook, exact_decimal
from domain.model.errors import FieldError, InvalidInputError

T = TypeVar("T")
_NAMED_FIELD = re.compile(r"(?:unknown|missing required) field `([^`]*)`")
_PATH = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


def strict_decoder(body_type: type[T]) -> msgspec.json.Decoder[T]:
    """A decoder that keeps the digits of numbers and converts no types (a string is no number)."""
    return msgspec.json.Decoder(body_type, strict=True, dec_hook=decode_hook, float_hook=exact_decimal)


def decode_json_body(raw: bytes, decoder: msgspec.json.Decoder[T]) -> T:
    """Decode `raw` with `decoder`, or raise InvalidInputError naming the offending field."""
    try:
        decoded = decoder.decode(raw)
    except msgspec.ValidationError as error:
        raise InvalidInputError([_field_error(str(error))]) from error
    except (msgspec.DecodeError, UnicodeDecodeError) as error:
        raise InvalidInputError([FieldError("body", "is not valid JSON in UTF-8")]) from error
    _refuse_repeated_keys(raw)
    return decoded


def _refuse_repeated_keys(raw: bytes) -> None:
    """A key given twice in one object is ambiguous (msgspec would keep the last): a 400 naming it.

    msgspec cannot report it, so a body that decoded is read once more by the standard parser, with
    numbers kept as text (no arithmetic): a few microseconds for an order."""
    repeated: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> None:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen and key not in repeated:
                repeated.append(key)
            seen.add(key)

    json.loads(raw, object_pairs_hook=pairs, parse_float=str, parse_int=str, parse_constant=str)
    if repeated:
        raise InvalidInputError([FieldError(key, "is given more than once") for key in repeated])


def _field_error(text: str) -> FieldError:
    """msgspec's "Expected `int`, got `str` - at `$.trigger.quantity`" as a field and a message."""
    match = _PATH.match(text)
    message = match.group("message") if match else text
    path = ((match.group("path") if match else None) or "").lstrip(".")
    if named := _NAMED_FIELD.search(message):
        path = f"{path}.{named.group(1)}" if path else named.group(1)
    return FieldError(path or "body", message)


class StrictJsonBody(AbstractDTO[T], Generic[T]):
    """Litestar DTO that decodes `data` with `decode_json_body` and documents it as its Struct.

    Litestar's default decoding goes through Python floats and lenient conversion; this keeps
    the digits a client sent and refuses strings where numbers or booleans belong. Each concrete
    DTO class (`StrictJsonBody[SomeStruct]`) builds its decoder once, when Litestar creates it.
    """

    decoder: ClassVar[msgspec.json.Decoder[Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if (model_type := getattr(cls, "model_type", None)) is not None:
            cls.decoder = strict_decoder(model_type)

    @classmethod
    def generate_field_definitions(cls, model_type: type[Any]) -> Generator[Any, None, None]:
        yield from ()

    @classmethod
    def detect_nested_field(cls, field_definition: Any) -> bool:
        return False

    @classmethod
    def create_for_field_definition(cls, field_definition: Any, handler_id: str, backend_cls: Any = None) -> None:
        return None

    @classmethod
    def create_openapi_schema(cls, field_definition: Any, handler_id: str, schema_creator: Any) -> Any:
        return schema_creator.for_field_definition(field_definition)

    def decode_bytes(self, value: bytes) -> Any:
        content_type = self.asgi_connection.headers.get("content-type", "")
        media_type = content_type.split(";", 1)[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise HTTPException(
                status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail="The body must be application/json."
            )
        return decode_json_body(value, self.decoder)
