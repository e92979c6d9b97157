"""Base classes of the API's JSON bodies: the ones the service reads, and the ones it only writes."""

import msgspec


class RequestBody(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=False):
    """A body the service decodes: an unknown field is refused (400), and its OpenAPI schema says so
    with `additionalProperties: false`. Bodies nested in a request are RequestBodies too."""


class ResponseBody(msgspec.Struct, omit_defaults=False):
    """A body the service only writes; clients should accept fields added later."""
