"""The shape of each schema in openapi.json and of each client Struct, in one comparable form.

A shape keeps what a client relies on: field names, whether each is required, its type (a decimal,
as a number or as a string marked `format: decimal`; a string, an instant, a list of …, another
schema, a value set, or null among options) and its default. It leaves out what only validates a
value (lengths, bounds, patterns, `format: uuid`, `additionalProperties`, descriptions), so that a
more precise document compares equal as long as it describes the same data.
"""

import types
import typing
from dataclasses import dataclass, field
from typing import Any

import msgspec

Shape = tuple[Any, ...]
NULL: Shape = ("null",)
_SCALARS = {"number": ("decimal",), "integer": ("integer",), "boolean": ("boolean",), "null": NULL}
_STRING_FORMATS = {"date-time": ("datetime",), "date": ("date",), "decimal": ("decimal",)}
"""A string with `format: decimal` is a decimal written as a string: the same data as a number."""


def _union(options: list[Shape]) -> Shape:
    flat: set[Shape] = set()
    for option in options:
        flat |= set(option[1]) if option[0] == "union" else {option}
    return next(iter(flat)) if len(flat) == 1 else ("union", frozenset(flat))


@dataclass(frozen=True)
class FieldShape:
    shape: Shape
    required: bool
    default: Any = field(default=None, compare=False)
    has_default: bool = field(default=False, compare=False)


class OpenApiShapes:
    """Shapes of the component schemas of an OpenAPI 3.1 document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = document["components"]["schemas"]

    def objects(self) -> dict[str, dict[str, FieldShape]]:
        return {name: self._fields(schema) for name, schema in self.schemas.items() if "enum" not in schema}

    def enums(self) -> dict[str, frozenset[Any]]:
        return {name: frozenset(schema["enum"]) for name, schema in self.schemas.items() if "enum" in schema}

    def _fields(self, schema: dict[str, Any]) -> dict[str, FieldShape]:
        required = set(schema.get("required", []))
        return {
            name: FieldShape(self.shape(prop), name in required, prop.get("default"), "default" in prop)
            for name, prop in schema.get("properties", {}).items()
        }

    def shape(self, schema: dict[str, Any]) -> Shape:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            target = self.schemas[name]
            return self._enum(target["enum"]) if "enum" in target else ("object", name)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return _union([self.shape(option) for option in schema[key]])
        kind = schema.get("type")
        if isinstance(kind, list):
            return _union([self.shape({**schema, "type": one}) for one in kind])
        if "enum" in schema:
            return self._enum(schema["enum"])
        if kind == "string":
            return _STRING_FORMATS.get(schema.get("format", ""), ("string",))
        if kind == "array":
            return ("array", self.shape(schema.get("items", {})))
        if kind in _SCALARS:
            return _SCALARS[kind]
        return ("unknown", repr(schema))

    @staticmethod
    def _enum(values: list[Any]) -> Shape:
        options = [("enum", frozenset(v for v in values if v is not None))]
        return _union([*options, NULL] if None in values else options)


def struct_fields(cls: type[msgspec.Struct]) -> dict[str, FieldShape]:
    info = msgspec.inspect.type_info(cls)
    assert isinstance(info, msgspec.inspect.StructType)
    return {
        f.encode_name: FieldShape(
            type_shape(f.type), f.required, None if f.required else f.default, f.default is not msgspec.NODEFAULT
        )
        for f in info.fields
    }


def type_shape(kind: msgspec.inspect.Type) -> Shape:
    inspect = msgspec.inspect
    if isinstance(kind, inspect.StructType):
        return ("object", kind.cls.__name__)
    if isinstance(kind, inspect.LiteralType):
        return ("enum", frozenset(kind.values))
    if isinstance(kind, inspect.EnumType):
        return ("enum", frozenset(member.value for member in kind.cls))
    if isinstance(kind, inspect.UnionType):
        return _union([type_shape(option) for option in kind.types])
    if isinstance(kind, inspect.ListType):
        return ("array", type_shape(kind.item_type))
    simple: dict[type, Shape] = {
        inspect.NoneType: NULL,
        inspect.StrType: ("string",),
        inspect.UUIDType: ("string",),
        inspect.DecimalType: ("decimal",),
        inspect.IntType: ("integer",),
        inspect.BoolType: ("boolean",),
        inspect.DateTimeType: ("datetime",),
        inspect.DateType: ("date",),
    }
    return simple.get(type(kind), ("unsupported", repr(kind)))


def literal_values(alias: Any) -> frozenset[Any]:
    """The values of a `Literal[...]` alias."""
    assert typing.get_origin(alias) is typing.Literal, f"{alias!r} is not a Literal"
    return frozenset(typing.get_args(alias))


def differences(
    document: dict[str, Any],
    models: types.ModuleType,
    base: type[msgspec.Struct],
    optional_in_struct: frozenset[str] = frozenset(),
) -> list[str]:
    """Every way the Structs (subclasses of `base` in `models`) and the Literal aliases of `models`
    differ from the document's component schemas; empty when they agree. `optional_in_struct`:
    `Struct.field` names the document requires that a Struct may leave optional (fields an older
    server does not send)."""
    found: list[str] = []
    shapes = OpenApiShapes(document)
    structs = {
        name: value
        for name, value in vars(models).items()
        if isinstance(value, type) and issubclass(value, base) and value is not base
    }
    objects = shapes.objects()
    found += [f"{name}: a schema with no Struct" for name in sorted(objects.keys() - structs.keys())]
    found += [f"{name}: a Struct with no schema" for name in sorted(structs.keys() - objects.keys())]
    for name in sorted(objects.keys() & structs.keys()):
        found += [
            difference
            for difference in _field_differences(name, objects[name], struct_fields(structs[name]))
            if not any(
                difference == f"{field}: required False in the Struct, True in the schema"
                for field in optional_in_struct
            )
        ]
    for name, values in sorted(shapes.enums().items()):
        alias = getattr(models, name, None)
        if alias is None:
            found.append(f"{name}: a value set with no Literal alias")
        elif literal_values(alias) != values:
            found.append(f"{name}: values {sorted(literal_values(alias))} != {sorted(values)}")
    return found


def _field_differences(name: str, schema: dict[str, FieldShape], struct: dict[str, FieldShape]) -> list[str]:
    found = [f"{name}.{f}: in the schema, not in the Struct" for f in sorted(schema.keys() - struct.keys())]
    found += [f"{name}.{f}: in the Struct, not in the schema" for f in sorted(struct.keys() - schema.keys())]
    for f in sorted(schema.keys() & struct.keys()):
        expected, actual = schema[f], struct[f]
        if expected.required != actual.required:
            found.append(f"{name}.{f}: required {actual.required} in the Struct, {expected.required} in the schema")
        if expected.shape != actual.shape:
            found.append(f"{name}.{f}: {actual.shape} in the Struct, {expected.shape} in the schema")
        if expected.has_default and actual.has_default and expected.default != actual.default:
            found.append(f"{name}.{f}: default {actual.default!r} in the Struct, {expected.default!r} in the schema")
    return found
