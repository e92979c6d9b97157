"""Peak memory and speed of `workflow-orders import` and `export` on SQLite, for growing data.

    python -m bench.transfer_memory 10000 100000

For each size: writes an export file of that many orders (over 100 workflows, placed within the
last 6 days), imports it into a fresh SQLite file, exports that file again, and prints each
command's wall time and peak resident memory (the child's ru_maxrss, from wait4). Memory that stays
flat while the data grows tenfold is what the export and import promise.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.builders import make_order, make_workflow

from adapters.archive_ndjson import header_line, record_line
from ports.archive import ArchivedWorkflow

WORKFLOWS = 100


def write_export(path: Path, orders: int) -> None:
    now = int(time.time())
    workflows = [make_workflow(f"bench {n}") for n in range(WORKFLOWS)]
    with path.open("wb") as out:
        out.write(header_line(now))
        for workflow in workflows:
            out.write(record_line(ArchivedWorkflow(workflow)))
        for n in range(orders):
            workflow = workflows[n % WORKFLOWS]
            out.write(record_line(make_order(workflow, placed_at=now - 60 - n % 500_000, price=f"{n}.12345678901")))


def measured(args: list[str], database: Path) -> tuple[float, float]:
    """Run `workflow-orders <args>` on `database`: (seconds, peak RSS in MiB)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("WFO_")}
    env["WFO_SQLITE_PATH"] = str(database)
    command = str(Path(sys.executable).parent / "workflow-orders")
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - the project's own command
        [command, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(
            f"workflow-orders {' '.join(args)} failed: {process.stderr.read().decode() if process.stderr else ''}"
        )
    return seconds, usage.ru_maxrss / 1024


def main(sizes: list[int]) -> None:
    print(
        f"{'orders':>8} | {'import s':>8} | {'import MiB':>10} | {'export s':>8} | {'export MiB':>10} | records/s out"
    )
    for size in sizes:
        with tempfile.TemporaryDirectory() as directory:
            folder = Path(directory)
            source, database, again = folder / "in.ndjson", folder / "orders.db", folder / "out.ndjson"
            write_export(source, size)
            import_s, import_mib = measured(["import", str(source)], database)
            export_s, export_mib = measured(["export", "--output", str(again)], database)
            assert again.read_bytes().count(b"\n") == size + WORKFLOWS + 1
            rate = (size + WORKFLOWS) / export_s
            row = f"{size:>8} | {import_s:>8.1f} | {import_mib:>10.1f} | {export_s:>8.1f} | {export_mib:>10.1f}"
            print(f"{row} | {rate:.0f}")


if __name__ == "__main__":
    main([int(size) for size in sys.argv[1:]] or [10_000, 100_000])
