"""Whether the storage answers."""

from typing import Protocol, runtime_checkable


@runtime_checkable
class StorageHealth(Protocol):
    async def check(self) -> None:
        """Complete one real round trip to the storage.

        Raises StorageUnavailableError when the storage does not answer within a few seconds.
        """
        ...
