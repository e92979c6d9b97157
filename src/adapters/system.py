"""The real clock and id source."""

import time
import uuid

from domain.model.ids import Id


class SystemClock:
    """Clock port on the system's wall clock, in whole UTC epoch seconds."""

    def now(self) -> int:
        return int(time.time())


class Uuid4IdGenerator:
    """IdGenerator port on random UUID v4s."""

    def new_id(self) -> Id:
        return Id(str(uuid.uuid4()))
