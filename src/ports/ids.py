"""New identities for workflows and orders."""

from typing import Protocol


class IdGenerator(Protocol):
    def new_id(self) -> str:
        """A new random UUID v4 in lowercase canonical form, never returned before."""
        ...
