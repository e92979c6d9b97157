"""The export file: NDJSON, one record per line, each tagged with its `kind`, after a line naming the format.

    {"kind":"format","format":"workflow-orders-export","version":1,"exported_at":1764450000}
    {"kind":"workflow","id":"…","created_at":…,"updated_at":…,"deleted":false,"spec":{…}}
    {"kind":"order","id":"…","workflow_id":"…","workflow_name":"…","placed_at":…,"order_price":12.5,…}

Decimals are JSON numbers written with every digit (never through a binary float); enums by value;
timestamps in epoch seconds. A spec has the fields of the API's workflow body.
"""

import itertools
from collections.abc import Iterator
from operator import attrgetter
from typing import BinaryIO

import msgspec

from adapters.order_fields import ORDER_FIELDS, field_name, public_name
from domain.model.errors import InvalidInputError
from domain.model.ids import Id, parse_id
from domain.model.order import WorkflowOrder
from domain.model.workflow import Workflow, WorkflowSpec
from ports.archive import ArchivedWorkflow

FORMAT = "workflow-orders-export"
VERSION = 1


class Header(msgspec.Struct, tag="format", tag_field="kind", forbid_unknown_fields=True):
    format: str
    version: int
    exported_at: int


class WorkflowLine(msgspec.Struct, tag="workflow", tag_field="kind", forbid_unknown_fields=True):
    id: str
    created_at: int
    updated_at: int
    deleted: bool
    spec: WorkflowSpec


def _order_line_type() -> type[msgspec.Struct]:
    """An order line holds the order's fields under their public names, with their own types: an
    absent optional field is left out, and a line that lacks a required field or names another
    field is refused. Required fields come first (ORDER_FIELDS), as a Struct's defaults must."""
    return msgspec.defstruct(
        "OrderLine",
        [
            (public_name(field.name), field.type, None) if field.optional else (public_name(field.name), field.type)
            for field in ORDER_FIELDS
        ],
        tag="order",
        tag_field="kind",
        forbid_unknown_fields=True,
        omit_defaults=True,
    )


OrderLine = _order_line_type()
_LINE_VALUES = attrgetter(*map(field_name, OrderLine.__struct_fields__))


MAX_LINE_BYTES = 1024 * 1024
"""The longest line an import reads, its newline included. An export's longest line is a workflow of
at most 64 KiB (the API's body limit) written out: far below. A longer line is refused without
being read whole, so that a file without line ends (`/dev/zero`) cannot fill the memory."""


class RecordError(Exception):
    """A line that is not a valid record; the message says why."""


class LineTooLongError(RecordError):
    """A line past MAX_LINE_BYTES: the file cannot be read beyond it."""

    def __init__(self, number: int) -> None:
        super().__init__(f"the line is longer than {MAX_LINE_BYTES} bytes (1 MiB), the longest a record may be")
        self.number = number


def numbered_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """The stream's lines with their numbers from 1, none read past MAX_LINE_BYTES (LineTooLongError)."""
    for number in itertools.count(1):
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES:
            raise LineTooLongError(number)
        yield number, line


Record = ArchivedWorkflow | WorkflowOrder

_ENCODER = msgspec.json.Encoder(decimal_format="number")
_DECODER = msgspec.json.Decoder(Header | WorkflowLine | OrderLine)


def header_line(exported_at: int) -> bytes:
    return _ENCODER.encode(Header(FORMAT, VERSION, exported_at)) + b"\n"


def record_line(record: Record) -> bytes:
    if isinstance(record, ArchivedWorkflow):
        workflow = record.workflow
        line: msgspec.Struct = WorkflowLine(
            workflow.id, workflow.created_at, workflow.updated_at, record.deleted, workflow.spec
        )
    else:
        line = OrderLine(*_LINE_VALUES(record))
    return _ENCODER.encode(line) + b"\n"


def check_header(line: bytes) -> None:
    """Raises RecordError unless `line` is a header of a format version this program reads."""
    try:
        header = _DECODER.decode(line)
    except msgspec.MsgspecError as error:
        raise RecordError(f"not a format line: {error}") from None
    if not isinstance(header, Header) or header.format != FORMAT:
        raise RecordError(f'the first line must name the format: {{"kind":"format","format":"{FORMAT}",…}}')
    if header.version != VERSION:
        raise RecordError(f"unknown format version {header.version} (this program reads version {VERSION})")


def parse_record(line: bytes) -> Record:
    """The workflow or order on this line, validated by the domain's rules; raises RecordError."""
    try:
        decoded = _DECODER.decode(line)
        if isinstance(decoded, Header):
            raise RecordError("a format line may only be the first line")
        if isinstance(decoded, WorkflowLine):
            workflow = Workflow(_id(decoded.id, "id"), decoded.spec, decoded.created_at, decoded.updated_at)
            return ArchivedWorkflow(workflow, decoded.deleted)
        fields = {field_name(public): getattr(decoded, public) for public in decoded.__struct_fields__}
        return WorkflowOrder(
            **fields | {"id": _id(decoded.id, "id"), "workflow_id": _id(decoded.workflow_id, "workflow_id")}
        )
    except msgspec.MsgspecError as error:
        raise RecordError(str(error)) from None
    except InvalidInputError as error:
        raise RecordError(error.detail) from None


def _id(text: str, field: str) -> Id:
    parsed = parse_id(text)
    if parsed is None:
        raise InvalidInputError.single(field, "must be a UUID")
    return parsed
