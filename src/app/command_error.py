"""Errors a command reports as one line on stderr, with exit code 1, instead of a traceback."""


class CommandError(Exception):
    """The command could not do its work; the message says why."""
