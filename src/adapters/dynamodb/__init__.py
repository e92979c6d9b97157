"""DynamoDB storage adapters (aioboto3 low-level client): repositories, health, table creation.

Wiring: open ONE client for the life of the process, e.g.

    session = aioboto3.Session()
    async with session.client("dynamodb", region_name=region, config=client_config()) as client:
        names = TableNames.for_prefix(prefix)
        workflows = DynamoDbWorkflowRepository(client, names.workflows)
        orders = DynamoDbOrderRepository.on_tables(client, names)
        health = DynamoDbStorageHealth(client, names)

`await create_tables(client, prefix)` creates the tables (the `create-tables` CLI command).
"""

import botocore
from aiobotocore.config import AioConfig

from adapters.dynamodb.health import DynamoDbStorageHealth
from adapters.dynamodb.orders import DynamoDbOrderRepository
from adapters.dynamodb.tables import TableNames, create_tables
from adapters.dynamodb.workflows import DynamoDbWorkflowRepository

__all__ = [
    "DynamoDbOrderRepository",
    "DynamoDbStorageHealth",
    "DynamoDbWorkflowRepository",
    "TableNames",
    "client_config",
    "create_tables",
]


USER_AGENT = f"workflow-orders botocore/{botocore.__version__}"
"""The DynamoDB client's User-Agent: fixed (see client_config)."""


def client_config() -> AioConfig:
    """Timeouts and retries for the DynamoDB client: fail fast, retry transient faults a little.

    connect_timeout 2 s, read_timeout 3 s, standard retry mode with 2 attempts in all: the retry's
    backoff (at most 1 s) fits inside the service's 2.5 s deadline per storage call, where a third
    attempt's (at most 2 s more) often did not and turned a cured throttle into a 503. botocore's
    `retries["max_attempts"]` counts retries *after* the first attempt (max_attempts=3 would send
    up to 4 requests); `total_max_attempts` counts every attempt. Throttling, 5xx and connection
    errors are retried by botocore; whatever survives becomes StorageUnavailableError.

    `parameter_validation` off: botocore would check each request against the service model before
    sending it, about a tenth of the client's CPU per request (measured against moto: 1,650 against
    1,460 µs per GetItem). Every request is built by these adapters, and DynamoDB validates it again:
    a malformed one, a bug either way, fails with DynamoDB's ValidationException instead of botocore's
    ParamValidationError.

    `user_agent` fixed: otherwise botocore assembles its User-Agent (SDK, OS, Python, features used)
    twice for every request, sanitising each part each time (work a profile of the client showed,
    not a figure the benchmark can separate from moto's noise); a fixed string also tells the
    table's owner which service sent a request.
    """
    return AioConfig(
        connect_timeout=2,
        read_timeout=3,
        retries={"mode": "standard", "total_max_attempts": 2},
        parameter_validation=False,
        user_agent=USER_AGENT,
    )
