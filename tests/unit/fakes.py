"""Fakes for the two ports that have no cheap real implementation: time and fresh ids."""


class FixedClock:
    """A Clock that says whatever time the test set, and moves only when told to."""

    def __init__(self, now: int) -> None:
        self.current = now

    def now(self) -> int:
        return self.current

    def set(self, now: int) -> None:
        self.current = now

    def advance(self, seconds: int) -> None:
        self.current += seconds


class SequentialIds:
    """An IdGenerator yielding valid lowercase UUID v4 strings in increasing order, never repeating."""

    def __init__(self, start: int = 1) -> None:
        self._next = start

    def new_id(self) -> str:
        number, self._next = self._next, self._next + 1
        # version nibble 4 and RFC 4122 variant (8): a canonical v4 whatever the counter.
        return f"00000000-0000-4000-8000-{number:012x}"
