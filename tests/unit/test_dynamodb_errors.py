"""botocore failures as the DynamoDB adapter hands them on: storage faults and refused access are
StorageUnavailableError (503), other client errors propagate."""

import pytest
from botocore.exceptions import ClientError

from adapters.dynamodb.errors import storage_errors
from domain.model.errors import StorageUnavailableError


def _client_error(code: str, status: int = 400) -> ClientError:
    response = {"Error": {"Code": code, "Message": "..."}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(response, "DescribeTable")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["AccessDeniedException", "UnrecognizedClientException", "ExpiredTokenException"])
async def test_refused_access_is_a_storage_fault_not_a_bug(code):
    with pytest.raises(StorageUnavailableError, match="refused access"):
        async with storage_errors("describe order feed"):
            raise _client_error(code)


async def test_throttling_is_a_storage_fault():
    with pytest.raises(StorageUnavailableError, match="could not serve"):
        async with storage_errors("query"):
            raise _client_error("ThrottlingException")


async def test_a_malformed_request_propagates():
    with pytest.raises(ClientError):
        async with storage_errors("query"):
            raise _client_error("ValidationException")
