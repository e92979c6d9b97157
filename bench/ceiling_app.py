"""The framework ceiling: a bare Litestar app with one handler returning a small constant msgspec Struct.

Served the way `workflow-orders serve` serves the service (uvicorn.run with the same arguments), or
by granian through `create_app`; every endpoint of the service is compared with it.

    python -m bench.ceiling_app --host 127.0.0.1 --port 8001
"""

import argparse
import sys
from collections.abc import Sequence

import msgspec
from litestar import Litestar, get

PATH = "/ceiling"


class Status(msgspec.Struct):
    status: str


STATUS = Status("ok")


@get(PATH)
async def ceiling() -> Status:
    return STATUS


def create_app() -> Litestar:
    return Litestar(route_handlers=[ceiling], logging_config=None)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)

    import uvicorn

    # The same arguments as app.cli.serve.
    uvicorn.run(
        create_app(),
        host=args.host,
        port=args.port,
        access_log=False,
        log_config=None,
        lifespan="on",
        timeout_graceful_shutdown=20,
        server_header=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
