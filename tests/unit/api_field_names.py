"""The field names of api-v1.md's bodies, written down once for every test that checks them."""

WORKFLOW_REQUEST = {"name", "index", "cfd", "enable", "dry_run", "is_us", "end_date", "conditions", "trigger"}
WORKFLOW_DETAIL = WORKFLOW_REQUEST | {"id", "created_at", "updated_at", "order_summary"}
ORDER_SUMMARY = {
    "total_count",
    "last_order_timestamp",
    "last_order_direction",
    "last_order_price",
    "last_order_quantity",
}
WORKFLOW_LIST_ITEM = (WORKFLOW_REQUEST - {"conditions", "trigger"}) | {
    "id",
    "primary_indicator",
    "primary_unit_time",
    "created_at",
    "updated_at",
    "last_order_timestamp",
    "last_order_direction",
    "last_order_quantity",
}
ORDER_LIST_ITEM = {
    "id",
    "workflow_id",
    "placed_at",
    "order_code",
    "order_price",
    "order_quantity",
    "order_direction",
    "dry_run",
}
ORDER_DETAIL = ORDER_LIST_ITEM | {
    "workflow_name",
    "order_type",
    "asset_type",
    "trigger_close",
    "execution_context",
    "expires_at",
}
RECORD_ORDER_REQUEST = (ORDER_LIST_ITEM - {"workflow_id", "dry_run"}) | {
    "order_type",
    "asset_type",
    "trigger_close",
    "execution_context",
}
