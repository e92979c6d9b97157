"""The `workflow-orders` command: serve the API; create the storage schema; export, import or back up the data."""

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

from app.command_error import CommandError
from app.settings import Settings, SettingsError
from app.version import version_line
from domain.model.errors import UnavailableError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
GRACEFUL_SHUTDOWN_SECONDS = 20
"""After the drain phase, how long in-flight requests may take before uvicorn cancels them."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workflow-orders", description=__doc__)
    parser.add_argument("--version", action="version", version=version_line())
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the HTTP service (SIGTERM stops it cleanly)")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    tables = commands.add_parser(
        "create-tables",
        help="create the storage schema (idempotent); on DynamoDB also report point-in-time recovery, "
        "deletion protection and TTL of each table",
    )
    tables.add_argument(
        "--repair", action="store_true", help="DynamoDB: turn on whatever of PITR, deletion protection or TTL is off"
    )
    export = commands.add_parser("export", help="write every workflow and visible order as NDJSON")
    export.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE (it appears only once complete); default stdout"
    )
    imports = commands.add_parser("import", help="import an export file into the configured storage (idempotent)")
    imports.add_argument("file", metavar="FILE", help="an export file, or - for stdin")
    imports.add_argument(
        "--continue-on-error",
        action="store_true",
        help="import the valid records and list the invalid ones (default: one invalid line and nothing is written)",
    )
    backup = commands.add_parser("backup", help="SQLite: a consistent, integrity-checked copy, taken while serving")
    backup.add_argument("file", metavar="FILE", help="where to put the copy (replaced only by a good copy)")
    commands.add_parser("openapi", help="print the OpenAPI document the service serves")
    commands.add_parser("seed-demo", help="add demo workflows with recent orders (idempotent: skips existing names)")
    return parser


def serve(settings: Settings, host: str, port: int) -> int:
    """Run the service until it stops; the exit code. A SQLite file is migrated before the server
    starts: a file it cannot open or migrate (one a newer release migrated, for instance) stops the
    start with one error line and exit code 1."""
    import structlog
    import uvicorn

    from app.bounded_protocol import bounded_protocol
    from app.connection_limits import PROBE_SLOTS, connection_cap, raise_fd_limit
    from app.connection_registry import ConnectionRegistry
    from app.factory import create_app
    from app.server import DrainingServer

    # uvicorn drains and stops on SIGTERM, then re-sends the signal to the previous handler;
    # a no-op there lets a clean stop end with exit code 0 instead of death by signal.
    signal.signal(signal.SIGTERM, lambda *_: None)
    app = create_app(settings)  # configures logging: every line, uvicorn's included, in the set format
    if settings.storage == "sqlite":
        from app.storage_admin import migrate_sqlite

        log = structlog.get_logger("workflow_orders")
        try:
            log.info("storage schema", schema=asyncio.run(migrate_sqlite(settings)))
        except UnavailableError as error:
            cause = {} if error.__cause__ is None else {"cause": str(error.__cause__)}  # SQLite's own words
            log.error("cannot start", reason=str(error), **cause)
            return 1
    logging.captureWarnings(True)  # warnings too, as log lines instead of plain text on stderr
    cap = connection_cap(raise_fd_limit())
    _log_connection_room(settings, cap, PROBE_SLOTS)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,  # the service writes its own access line (adapters/http/observe.py)
        log_config=None,  # uvicorn's loggers propagate to the root handler that app.logging installs
        lifespan="on",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        server_header=False,
        http=bounded_protocol(ConnectionRegistry(cap, PROBE_SLOTS), settings.client_timeout_seconds),
        timeout_keep_alive=settings.keep_alive_seconds,
    )
    DrainingServer(config, app.state.shutdown, settings.shutdown_drain_seconds).run()
    return 0


def _log_connection_room(settings: Settings, cap: int, probe_slots: int) -> None:
    """Say the connection cap at start, and warn when live streams alone could fill every slot left
    for API requests (docs/operations.md, "Connections")."""
    import structlog

    log = structlog.get_logger("workflow_orders")
    request_slots = cap - probe_slots
    log.info("connections", cap=cap, request_slots=request_slots, stream_limit=settings.stream_max_subscribers)
    if settings.stream_max_subscribers >= request_slots:
        log.warning(
            "WFO_STREAM_MAX_SUBSCRIBERS is not below the connections left for requests: streams could take"
            " every one; lower it or raise the file descriptor limit",
            stream_limit=settings.stream_max_subscribers,
            request_slots=request_slots,
        )


async def create_tables(settings: Settings, *, repair: bool) -> tuple[str, bool]:
    from app.storage_admin import create_storage_schema

    return await create_storage_schema(settings, repair=repair)


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    """Every command but serve; returns the exit code. Those that touch the storage name it first, on
    stderr (stdout may be the data)."""
    if args.command == "openapi":
        from app.openapi_document import openapi_json

        print(openapi_json(), end="")
        return 0
    print(f"workflow-orders {args.command}: storage: {settings.storage_description()}", file=sys.stderr)
    if args.command == "seed-demo":
        from app.demo_data import seed_demo

        print("\n".join(asyncio.run(seed_demo(settings))))
    elif args.command == "export":
        from app.transfer import export

        return asyncio.run(export(settings, args.output))
    elif args.command == "import":
        from app.transfer import import_

        return asyncio.run(import_(settings, args.file, continue_on_error=args.continue_on_error))
    elif args.command == "backup":
        from app.backup import backup_sqlite

        print(backup_sqlite(settings, args.file))
    else:
        report, healthy = asyncio.run(create_tables(settings, repair=args.repair))
        print(report)
        return 0 if healthy else 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"workflow-orders: invalid configuration: {error}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return serve(settings, args.host, args.port)
    try:
        return run_command(args, settings)
    except (OSError, CommandError, UnavailableError) as error:
        print(f"workflow-orders {args.command}: {error}", file=sys.stderr)
        return error.exit_code if isinstance(error, CommandError) else 1


if __name__ == "__main__":
    sys.exit(main())
