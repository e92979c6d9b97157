"""Keep-alives for a quiet stream: the subscription's batches, with None after each quiet interval."""

import asyncio
from collections.abc import AsyncGenerator

from domain.model.feed import FeedEntry
from domain.use_cases.subscription import Subscription


class Heartbeats:
    """What a stream sends while nothing happens is decided here, at the HTTP edge: the broker only
    hands out orders."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def around(self, subscription: Subscription) -> AsyncGenerator[list[FeedEntry] | None, None]:
        """The subscription's batches until it ends, and None whenever `seconds` passed without one.

        The wait for a batch is not cancelled by a heartbeat (a resume's feed read may take longer
        than an interval): it goes on in a task, cancelled only when the iteration stops, which also
        closes the subscription.
        """
        waiting: asyncio.Task[list[FeedEntry] | None] | None = None
        try:
            while True:
                if waiting is None:
                    waiting = asyncio.ensure_future(subscription.next_batch())
                done, _ = await asyncio.wait({waiting}, timeout=self.seconds)
                if not done:
                    yield None
                    continue
                batch, waiting = waiting.result(), None
                if batch is None:
                    return
                yield batch
        finally:
            if waiting is not None:
                waiting.cancel()
            subscription.close()
