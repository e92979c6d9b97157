"""An export line carries the order's dry_run; a line without it (written before dry_run was
captured) still imports, as an order whose dry_run is None."""

import json

import pytest

from adapters.archive_ndjson import parse_record, record_line
from builders import make_order


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_order_line_carries_the_orders_dry_run_and_reads_it_back(dry_run: bool) -> None:
    order = make_order(dry_run=dry_run)

    line = record_line(order)

    assert json.loads(line)["dry_run"] is dry_run
    assert parse_record(line) == order


def test_an_order_line_without_dry_run_imports_as_an_order_whose_dry_run_is_none() -> None:
    order = make_order(dry_run=None)
    fields = json.loads(record_line(make_order(dry_run=True)))
    fields |= {"id": order.id}
    del fields["dry_run"]

    assert "dry_run" not in json.loads(record_line(order))
    assert parse_record(json.dumps(fields).encode()) == order
