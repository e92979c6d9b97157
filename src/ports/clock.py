"""Time as the use cases see it."""

from typing import Protocol


class Clock(Protocol):
    def now(self) -> int:
        """The current time as whole Unix epoch seconds (UTC)."""
        ...
