"""Every format follows WorkflowOrder's fields by name: their order in the dataclass is nobody's concern."""

import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from adapters.http.order_schemas import WorkflowOrderDetail
from adapters.order_fields import ORDER_FIELDS, field_name
from adapters.stored_orders import trusted_order_reader

ROUND_TRIP = Path(__file__).with_name("permuted_order_round_trip.py")


def test_an_order_survives_every_format_when_the_fields_of_workflow_order_are_reordered() -> None:
    done = subprocess.run([sys.executable, str(ROUND_TRIP)], capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 0, done.stderr
    assert "every format round-tripped the permuted order" in done.stdout


def test_the_order_detail_of_the_api_shows_every_field_of_the_order() -> None:
    shown = sorted(map(field_name, (field.name for field in msgspec.structs.fields(WorkflowOrderDetail))))

    assert shown == sorted(field.name for field in ORDER_FIELDS)


def test_a_stored_format_that_leaves_a_field_out_is_refused_when_it_is_built() -> None:
    decoders = {field.name: None for field in ORDER_FIELDS if field.name != "order_price"}

    with pytest.raises(TypeError, match="order_price"):
        trusted_order_reader(decoders)
