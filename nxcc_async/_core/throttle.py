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
  back off together instead of each discovering the limit on its own.
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
        self._next_start = 0.0
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
        if not self._interval:
            return
        now = time.monotonic()
        slot = max(now, self._next_start)  # reserve the next free slot, first come first served
        self._next_start = slot + self._interval
        # then go no earlier than the slot nor than 1/rate after the start actually granted last
        # (a timer that fired late must not let two requests go back to back)
        while (due := max(slot, self._last_start + self._interval)) > now:
            await asyncio.sleep(due - now)
            now = time.monotonic()
        self._last_start = now

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
            if self._resume_at:  # 0.0 until the first pause
                await self._wait_gate()
            if self._interval:
                await self._wait_rate()
        except BaseException:
            semaphore.release()
            raise
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    async def __aexit__(self, *exc_info: object) -> None:
        self.in_flight -= 1
        cast(asyncio.Semaphore, self._semaphore).release()
