"""The storage conformance suite against the DynamoDB adapters, on a moto server and a closed port."""

import pytest

from conformance.archive_contract import StorageArchiveContract
from conformance.feed_contract import FeedContract
from conformance.order_window_contract import OrderWindowContract
from conformance.revisions_contract import RevisionsContract
from conformance.storage_contract import (
    OrderRepositoryContract,
    StorageHealthContract,
    UnavailableStorageContract,
    WorkflowRepositoryContract,
)

pytest_plugins = ["dynamodb_server"]
pytestmark = pytest.mark.slow  # every test here needs the moto server


class TestDynamoDbWorkflowRepository(WorkflowRepositoryContract):
    pass


class TestDynamoDbOrderRepository(OrderRepositoryContract):
    pass


class TestDynamoDbOrderWindow(OrderWindowContract):
    pass


class TestDynamoDbStorageHealth(StorageHealthContract):
    pass


class TestUnavailableDynamoDbStorage(UnavailableStorageContract):
    pass


class TestDynamoDbArchive(StorageArchiveContract):
    pass


class TestDynamoDbRevisions(RevisionsContract):
    pass


class TestDynamoDbFeed(FeedContract):
    pass
