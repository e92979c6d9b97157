"""What the consumer pact tests share: where pacts are written, the mock service, and matchers for the
values the service makes up (ids, instants, request ids) or that change with the data (nullable fields).

Each test declares the interactions it relies on, drives the real client against pact's mock service,
and, when every interaction was met, adds them to `<consumer>-workflow-orders.json` in the pact
directory: `WFO_PACT_OUTPUT_DIR` when set (to publish them), else a directory of the test session.
"""

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pact import Pact, generate, match
from pact.match.matcher import AbstractMatcher, GenericMatcher

PROVIDER = "workflow-orders"
OUTPUT_DIR_VARIABLE = "WFO_PACT_OUTPUT_DIR"
CONSUMERS = ("workflow-engine", "orders-dashboard")

INSTANT_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def prepare_pact_dir(default: Path) -> Path:
    """The directory pacts are written to, without the files an earlier run left there (a consumer's
    pact file is the union of what its tests wrote in this run, nothing older)."""
    directory = Path(os.environ.get(OUTPUT_DIR_VARIABLE) or default)
    directory.mkdir(parents=True, exist_ok=True)
    for consumer in CONSUMERS:
        (directory / f"{consumer}-{PROVIDER}.json").unlink(missing_ok=True)
    return directory


def new_pact(consumer: str) -> Pact:
    return Pact(consumer, PROVIDER).with_specification("V3")


@contextmanager
def mock_service(pact: Pact, pact_dir: Path) -> Iterator[str]:
    """Pact's mock service for the interactions declared so far; once the block has met every one of
    them, they are added to the consumer's pact file (a failing test writes nothing).

    The cyclic garbage collector is off meanwhile (after a collection): pact's library logs through
    a Python callback while it holds its own lock, and a collection run inside that callback freed an
    earlier test's pact, whose finaliser waited for the same lock (the suite hung once, in
    `Pact.write_file`)."""
    gc.collect()
    gc.disable()
    try:
        with pact.serve(addr="127.0.0.1") as server:
            yield str(server.url).rstrip("/")
        pact.write_file(pact_dir)
    finally:
        gc.enable()


def bearer() -> AbstractMatcher[str]:
    """The client's Authorization header; the provider's verification sends each consumer's own token."""
    return match.regex("Bearer consumer-token", regex=r"^Bearer \S+$")


def uuid(example: str) -> AbstractMatcher[str]:
    return match.regex(example, regex=UUID_PATTERN)


def instant(example: str = "2026-02-22T14:30:00Z") -> AbstractMatcher[str]:
    """An instant as the service writes it (UTC, whole seconds, Z)."""
    return match.regex(example, regex=INSTANT_PATTERN)


def recent_instant(example: str) -> AbstractMatcher[str]:
    """An instant the consumer sends, replayed by the verification as the time of the replay (a fixed
    date would have expired, 7 days on, and the service would answer 400)."""
    return GenericMatcher(
        "regex",
        example,
        regex=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$",
        generator=generate.datetime("yyyy-MM-dd'T'HH:mm:ssXXX", disable_conversion=True),
    )


def json_answer() -> AbstractMatcher[str]:
    return match.regex("application/json", regex=r"^application/json")


def problem(status: int, title: str, **extra: Any) -> dict[str, Any]:
    """A problem document: its status and title are the contract; its detail is for humans."""
    return {"type": "about:blank", "title": title, "status": status, "detail": match.type("what went wrong"), **extra}


def nullable(paths: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Matching rules for fields that may be null or hold a value like the given matcher rule."""
    return {"body": {path: {"combine": "OR", "matchers": [rule, {"match": "null"}]} for path, rule in paths.items()}}
