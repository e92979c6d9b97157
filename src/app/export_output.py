"""Where `workflow-orders export` writes: stdout, a device or pipe written as it goes, or a regular
file that appears only once complete. A write that fails says what failed (disk full, pipe closed),
not that the storage did."""

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from app.command_error import CommandError
from app.targets import partial_of


class ExportWriteError(CommandError):
    """The export could not be written to its output."""


@contextmanager
def export_sink(path: str | None) -> Iterator[BinaryIO]:
    """stdout when `path` is None; a device or FIFO written directly (a rename would replace the
    device node itself); else a regular file written beside `path`, synced, and renamed over it."""
    where = "stdout" if path is None else path
    try:
        if path is None:
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        elif _is_special_file(path):
            with open(path, "wb") as stream:
                yield stream
        else:
            yield from _complete_file(Path(path))
    except OSError as error:
        if isinstance(error, BrokenPipeError) and path is None:
            # The reader went away (`export | head`): the interpreter's last flush must not fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise ExportWriteError(f"cannot write the export to {where}: {error.strerror or error}") from None


def _complete_file(path: Path) -> Iterator[BinaryIO]:
    partial = partial_of(path)
    try:
        with partial.open("wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _is_special_file(path: str) -> bool:
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return False
