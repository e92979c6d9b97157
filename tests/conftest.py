"""Shared test setup. This file also puts tests/ on sys.path, so test modules can import `conformance`."""

import pytest

# The conformance suites live outside test modules; rewrite their asserts for readable failures.
pytest.register_assert_rewrite("conformance")
