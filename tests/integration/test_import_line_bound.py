"""`workflow-orders import` reads no line past 1 MiB: a file without line ends (`/dev/zero`), from a
path or from stdin, is refused at once with the line's number, in bounded memory, and writes nothing.
The real CLI in a process whose address space is capped at 2 GiB: reading such a line whole would
fail there (or never end), not answer."""

import resource
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from adapters.archive_ndjson import MAX_LINE_BYTES, header_line, record_line
from builders import NOW, make_workflow
from integration.service_process import command_path, run_command, service_env
from ports.archive import ArchivedWorkflow

ADDRESS_SPACE_BYTES = 2 * 1024**3


def _capped_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))


def _import(source: str, database: Path, stdin: Path | None = None) -> subprocess.CompletedProcess[str]:
    with (stdin or Path("/dev/null")).open("rb") as feed:
        return subprocess.run(
            [command_path(), "import", source],
            env=service_env(database),
            stdin=feed,
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=_capped_address_space,
            check=False,
        )


def _rows(database: Path) -> int:
    with closing(sqlite3.connect(database)) as connection:
        return int(
            connection.execute("SELECT (SELECT COUNT(*) FROM workflows) + (SELECT COUNT(*) FROM orders)").fetchone()[0]
        )


@pytest.mark.parametrize("source", ["/dev/zero", "-"], ids=["path", "stdin"])
def test_a_file_without_line_ends_is_refused_at_its_first_line(tmp_path: Path, source: str) -> None:
    database = tmp_path / "target.db"

    done = _import(source, database, stdin=Path("/dev/zero") if source == "-" else None)

    assert done.returncode == 1, done.stderr
    assert f"{source}:1: the line is longer than {MAX_LINE_BYTES} bytes" in done.stderr
    assert f"nothing imported: {source} cannot be read past line 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_line_past_the_bound_is_named_and_nothing_before_it_is_written(tmp_path: Path) -> None:
    database = tmp_path / "target.db"
    assert run_command(["create-tables"], service_env(database)).returncode == 0
    archive = tmp_path / "export.ndjson"
    archive.write_bytes(
        header_line(NOW) + record_line(ArchivedWorkflow(make_workflow("kept out"))) + b"x" * MAX_LINE_BYTES + b"\n"
    )

    done = _import(str(archive), database)

    assert done.returncode == 1, done.stderr
    assert f"{archive}:3: the line is longer than {MAX_LINE_BYTES} bytes" in done.stderr
    assert _rows(database) == 0


def test_a_line_just_within_the_bound_is_read_as_a_record(tmp_path: Path) -> None:
    database = tmp_path / "target.db"
    archive = tmp_path / "export.ndjson"
    padding = b" " * (MAX_LINE_BYTES - 1)  # blank, so skipped: the bound, newline included, holds
    archive.write_bytes(header_line(NOW) + padding + b"\n" + record_line(ArchivedWorkflow(make_workflow("read"))))

    done = _import(str(archive), database)

    assert done.returncode == 0, done.stderr
    assert _rows(database) == 1
