"""Translate botocore failures into domain errors at the adapter boundary."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import structlog
from botocore.exceptions import ClientError, HTTPClientError, IncompleteReadError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from domain.model.errors import StorageUnavailableError

UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "TransactionInProgressException",
        # A missing table is a deployment not ready yet, not a bug in the request
        "ResourceNotFoundException",
    }
)
"""Error codes that mean "the storage cannot serve this now" once botocore's retries are spent."""

ACCESS_CODES = frozenset(
    {
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "ExpiredTokenException",
        "MissingAuthenticationTokenException",
    }
)
"""Error codes that mean the service's credentials or role do not allow the call: a deployment
fault (docs/dynamodb.md lists the actions the role needs), answered 503 and logged, never a 500."""

CONDITION_FAILED = "ConditionalCheckFailed"
RETRYABLE_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})
"""Cancellation reasons that say nothing about the data: the same transaction may succeed again."""


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def is_unavailable(error: ClientError) -> bool:
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return error_code(error) in UNAVAILABLE_CODES or status >= 500


def cancellation_reasons(error: ClientError) -> list[dict[str, Any]] | None:
    """The per-item reasons of a cancelled transaction, or None when `error` is something else."""
    if error_code(error) != "TransactionCanceledException":
        return None
    return cast(list[dict[str, Any]], list(error.response.get("CancellationReasons", [])))


@asynccontextmanager
async def storage_errors(operation: str) -> AsyncIterator[None]:
    """Raise StorageUnavailableError for timeouts, lost connections, throttling and 5xx.

    Conditional failures and cancelled transactions pass through untouched: the caller knows
    which domain error they mean. Anything else (a malformed request) is a bug and propagates.
    """
    try:
        yield
    except (BotocoreConnectionError, HTTPClientError, IncompleteReadError) as error:
        raise StorageUnavailableError(f"The storage did not answer ({operation}); try again shortly.") from error
    except ClientError as error:
        if is_unavailable(error):
            raise StorageUnavailableError(
                f"The storage could not serve the request ({operation}); try again shortly."
            ) from error
        if error_code(error) in ACCESS_CODES:
            structlog.get_logger("workflow_orders.storage").error(
                "storage refused the service's credentials", operation=operation, code=error_code(error)
            )
            raise StorageUnavailableError(f"The storage refused access ({operation}).") from error
        raise
