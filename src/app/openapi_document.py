"""The OpenAPI document as committed in openapi.json (`workflow-orders openapi > openapi.json`)."""

import json

from app.factory import create_app
from app.settings import Settings


def openapi_json() -> str:
    """The document the app serves at /schema/openapi.json, with sorted keys, two-space indents."""
    app = create_app(Settings(log_level="ERROR"))
    return json.dumps(app.openapi_schema.to_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
