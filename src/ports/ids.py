"""New identities for workflows and orders."""

from typing import Protocol

from domain.model.ids import Id


class IdGenerator(Protocol):
    def new_id(self) -> Id:
        """A new random UUID v4 in lowercase canonical form, never returned before."""
        ...
