"""Errors a command reports as one line on stderr, with an exit code (1 unless said), instead of a traceback."""


class CommandError(Exception):
    """The command could not do its work; the message says why."""

    exit_code = 1
