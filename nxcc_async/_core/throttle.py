"""One throttle per client: a concurrency slot, then a rate token, behind a shared pause gate.

- ``max_concurrency`` caps requests in flight.
- ``rate_limit`` (requests per second) spaces request starts evenly, with no start-up burst.
  A *start* is the moment the throttle lets a request go (``last_start``, monotonic clock); two
  consecutive starts are never less than ``1/rate`` s apart, measured on the starts actually
  granted (a late timer never bunches two). Hence in every half-open span ``[t, t + 1)`` at most
  ``ceil(rate)`` requests start (``rate`` for an integer rate: the first at 0, the next at
  ``1/rate``... the ``rate + 1``-th at exactly 1.0, outside the span). A closed span ``[t, t+1]``
  may hold one more. A server counting requests over ``(now - 1, now]``, like the emulator, sees
  at most ``rate``.
- ``pause(seconds)`` (on HTTP 429) holds every task of the client until the pause ends, so all
  back off together instead of each discovering the limit on its own; a task already waiting
  for its rate token when the pause starts waits the pause out too.
- Rate tokens go first come, first served (a FIFO lock), and nothing is booked ahead: a call
  cancelled or timed out while it waits leaves no gap behind it.
"""

from __future__ import annotations

import asyncio
import time
from typing import cast


class Throttle:
    """Concurrency cap + evenly spaced rate cap + shared pause, for one client."""

    def __init__(self, max_concurrency: int, rate_limit: float | None) -> None:
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int):
            raise TypeError("max_concurrency must be an int")
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {max_concurrency}")
        if rate_limit is not None and not rate_limit > 0:
            raise ValueError(f"rate_limit must be positive or None, got {rate_limit}")
        self.max_concurrency = max_concurrency
        self.rate_limit = rate_limit
        self._interval = 1.0 / rate_limit if rate_limit else 0.0
        self._semaphore: asyncio.Semaphore | None = None
        self._rate_lock: asyncio.Lock | None = None
        self._last_start = -float("inf")
        self._resume_at = 0.0
        self.in_flight = 0
        self.peak_in_flight = 0

    def pause(self, seconds: float) -> None:
        """Hold every new request of this client for ``seconds`` (the longest pause wins)."""
        self._resume_at = max(self._resume_at, time.monotonic() + max(0.0, seconds))

    async def _wait_gate(self) -> None:
        # a loop, not an Event: another 429 may push the end of the pause while we sleep
        while (delay := self._resume_at - time.monotonic()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(delay)

    @property
    def last_start(self) -> float:
        """Monotonic time of the latest start the rate cap granted (``-inf`` before any, and
        not tracked without a rate limit)."""
        return self._last_start

    async def _wait_rate(self) -> None:
        """Wait for the rate token, in arrival order: until ``1/rate`` after the start granted
        last and past any pause, both checked right before going (a pause may start while the
        token is awaited). A waiter cancelled on the way takes nothing with it."""
        lock = self._rate_lock
        if lock is None:
            lock = self._rate_lock = asyncio.Lock()
        async with lock:
            while True:
                if self._resume_at:  # 0.0 until the first pause
                    await self._wait_gate()
                delay = self._last_start + self._interval - time.monotonic()
                if delay <= 0:
                    break
                await asyncio.sleep(delay)
            self._last_start = time.monotonic()

    def slot(self) -> Throttle:
        """Hold one request slot (``async with throttle.slot():``): concurrency first, then the
        pause gate and a rate token. The throttle is its own context manager: no object per
        request."""
        return self

    async def __aenter__(self) -> None:
        semaphore = self._semaphore
        if semaphore is None:
            semaphore = self._semaphore = asyncio.Semaphore(self.max_concurrency)
        await semaphore.acquire()
        try:
            if self._interval:
                await self._wait_rate()  # waits out a pause too
            elif self._resume_at:  # 0.0 until the first pause
                await self._wait_gate()
        except BaseException:
            semaphore.release()
            raise
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    async def __aexit__(self, *exc_info: object) -> None:
        self.in_flight -= 1
        cast(asyncio.Semaphore, self._semaphore).release()
