"""Shared test setup. This file also puts tests/ on sys.path, so test modules can import `conformance`."""

import pytest

# The conformance suites and the in-process API helper live outside test modules; rewrite their
# asserts for readable failures.
pytest.register_assert_rewrite("conformance", "integration.app_api")
