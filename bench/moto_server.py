"""moto's DynamoDB server in a process of its own, counting every API call it answers.

`python -m bench.moto_server` prints one line, `READY http://127.0.0.1:<port>`, then serves (under
uvicorn, with keep-alive connections as DynamoDB has) until its stdin closes. `GET /_bench/calls`
answers the calls so far as JSON, `{"GetItem": 12, ...}`, by X-Amz-Target operation name.

Two changes to moto, both for this process only:

- Requests reach moto's in-memory backend one at a time (as in tests/integration/dynamodb_server.py):
  moto handles each on its own thread without a lock, and concurrent TransactWriteItems can undo
  each other's writes. Real DynamoDB isolates transactions; a lock is the closest moto gets.
- TransactWriteItems saves only the items it touches for its rollback. moto deep-copies every
  table a transaction touches, which makes each write cost the size of the whole table: seeding
  2,000 orders would take minutes and the write benchmark would measure Python's deepcopy.
"""

from __future__ import annotations

import copy
import json
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

CALLS_PATH = "/_bench/calls"


class CountingSerialApp:
    """WSGI middleware: counts operations, serves the counts, and lets one request in at a time."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._backend_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self.calls: Counter[str] = Counter()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if environ.get("PATH_INFO") == CALLS_PATH:  # answered at once, not queued behind the backend
            with self._count_lock:
                body = json.dumps(dict(self.calls)).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        operation = environ.get("HTTP_X_AMZ_TARGET", "").rpartition(".")[2] or "other"
        with self._backend_lock:
            answer = list(self._app(environ, start_response))
            with self._count_lock:
                self.calls[operation] += 1  # counted once answered: the count settles when moto is idle
            return answer


def install_item_level_rollback() -> None:
    """Make moto's TransactWriteItems save and restore only the items it names."""
    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    class _NoTableCopies:
        """Stands in for the `copy` module inside moto.dynamodb.models: tables are not copied."""

        def __getattr__(self, name: str) -> Any:
            return getattr(copy, name)

        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    original = models.DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved: list[tuple[Table, DynamoType, DynamoType | None, Any]] = []
        for entry in transact_items:
            _, operation = next(iter(entry.items()))
            table = self.tables.get(operation.get("TableName"))
            if table is None:
                continue
            key = operation.get("Key") or operation.get("Item") or {}
            if table.hash_key_attr not in key or (table.range_key_attr and table.range_key_attr not in key):
                continue  # moto rejects it before writing anything
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            saved.append((table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))))
        try:
            original(self, transact_items)
        except BaseException:
            for table, hash_value, range_value, item in reversed(saved):
                if item is None:
                    table.delete_item(hash_value, range_value)
                elif range_value is None:
                    table.items[hash_value] = item
                else:
                    table.items[hash_value][range_value] = item
            raise

    models.copy = _NoTableCopies()  # type: ignore[assignment]
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def main() -> int:
    import socket

    import uvicorn
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from uvicorn.middleware.wsgi import WSGIMiddleware

    install_item_level_rollback()
    # Served by uvicorn rather than moto's own werkzeug server, which answers every request with
    # `Connection: close`: the service would then pay a TCP connect per DynamoDB call, which its
    # connection pool never does against AWS, and its CPU per request would be overstated.
    app = WSGIMiddleware(CountingSerialApp(DomainDispatcherApplication(create_backend_app)), workers=4)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    host, port = listener.getsockname()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    serving = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    serving.start()
    while not server.started:
        if not serving.is_alive():
            return 1
        threading.Event().wait(0.01)
    print(f"READY http://{host}:{port}", flush=True)
    try:
        sys.stdin.read()  # the parent closes our stdin (or exits) when it is done with us
    except KeyboardInterrupt:
        pass
    finally:
        server.should_exit = True
        serving.join(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
