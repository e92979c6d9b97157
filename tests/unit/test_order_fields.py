"""The order's fields declared once: each format covers all of them (see also test_order_fields_by_name)."""

import msgspec
import pytest

from adapters.http.order_schemas import WorkflowOrderDetail
from adapters.order_fields import ORDER_FIELDS, field_name
from adapters.stored_orders import trusted_order_reader


def test_the_order_detail_of_the_api_shows_every_field_of_the_order() -> None:
    shown = sorted(map(field_name, (field.name for field in msgspec.structs.fields(WorkflowOrderDetail))))

    assert shown == sorted(field.name for field in ORDER_FIELDS)


def test_a_stored_format_that_leaves_a_field_out_is_refused_when_it_is_built() -> None:
    decoders = {field.name: None for field in ORDER_FIELDS if field.name != "order_price"}

    with pytest.raises(TypeError, match="order_price"):
        trusted_order_reader(decoders)
