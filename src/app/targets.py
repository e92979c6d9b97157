"""Where a command may write its output: never over the database it reads, never into a directory.

`backup FILE` and `export --output FILE` write a new file and rename it over FILE. Were FILE the live
SQLite database (by its own name, a symlink or a hard link), or its WAL or shared-memory file, the
rename would unlink the database under the running service: acknowledged orders would be lost at
its next start. Paths are compared as files (os.path.samefile), not as strings.
"""

import os
from pathlib import Path

from app.command_error import CommandError
from app.settings import Settings

_DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")
"""SQLite's own files beside the database: the write-ahead log, its index, the rollback journal."""


def partial_of(target: str | Path) -> Path:
    """Where a command writes its output before renaming it over `target`: beside it, under the suffix
    `.partial`, so that a failed run never leaves a half-written file in the target's place."""
    path = Path(target)
    return path.with_name(f"{path.name}.partial")


class RefusedTargetError(CommandError):
    """The output would replace the database or a directory; nothing was written."""

    exit_code = 2


def check_target(target: str, settings: Settings) -> None:
    """Refuse `target` (and its partial file, written first) when it is a directory, or, on SQLite,
    the database or one of its companion files."""
    if Path(target).is_dir():
        raise RefusedTargetError(f"{target} is a directory: name the file to write")
    if settings.storage != "sqlite":
        return
    database = os.path.realpath(settings.sqlite_path)
    for written in (target, str(partial_of(target))):
        for companion in _DATABASE_COMPANIONS:
            if _same_file(written, f"{database}{companion}"):
                raise RefusedTargetError(
                    f"{target} is the database {database}{companion} itself (or a link to it): "
                    "writing there would destroy it; choose another file"
                )


def _same_file(first: str, second: str) -> bool:
    if os.path.exists(first) and os.path.exists(second):
        return os.path.samefile(first, second)
    return os.path.realpath(first) == os.path.realpath(second)
