"""Polling at a fixed cadence: a stream of timestamped snapshots, for wallboards and monitors.

``watch(fetch, every)`` calls ``fetch()`` at ``start + k * every`` (monotonic clock) and yields one
:class:`Snapshot` per poll:

- polls never overlap: the next one starts only after the previous one ended *and* the consumer
  came back for more;
- a poll (or a consumer) that overruns its tick skips the missed ticks and waits for the next one:
  no burst of catch-up polls (``Snapshot.skipped`` counts them);
- a transient failure becomes a gap snapshot (``ok`` false, ``error`` set, the last good value and
  time kept) and the watch goes on; any other error ends the stream with that error;
- ``aclose()`` on the stream, or cancelling the task consuming it, stops it at once (a poll in
  flight is cancelled).

The requests a poll makes go through the client's throttle, so its rate cap always holds; a cap
too low for the cadence shows as skipped ticks, never as a burst. Vendor-neutral: ``fetch`` is
any coroutine function.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from typing import Any, Generic, TypeVar

import attrs

from nxcc_async._core.errors import TransientError, TransportError
from nxcc_async._core.pagination import ItemStream

T = TypeVar("T")

#: Failures a watch reports as a gap and survives: server errors (5xx, 88/99, 0100001/0100999),
#: HTTP 429, network failures, and a poll cut by the watch's ``timeout``.
DEFAULT_TRANSIENT: tuple[type[BaseException], ...] = (
    TransientError,
    TransportError,
    asyncio.TimeoutError,
)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@attrs.frozen(kw_only=True)
class Snapshot(Generic[T]):
    """One poll of a watch.

    ``at``: when the poll started (aware UTC). ``value``: its result (``None`` on a gap).
    ``error``: the transient failure of a gap (``None`` when ``ok``). ``seq``: the tick number,
    counting skipped ticks (0 for the first poll). ``skipped``: ticks skipped just before this
    poll. ``duration``: seconds the poll took. ``last_good``/``last_value``: the start time and
    result of the latest successful poll (this one when ``ok``; ``None`` before any).
    """

    at: dt.datetime
    value: T | None
    error: BaseException | None = None
    seq: int = 0
    skipped: int = 0
    duration: float = 0.0
    last_good: dt.datetime | None = None
    last_value: T | None = None

    @property
    def ok(self) -> bool:
        """True when this poll succeeded."""
        return self.error is None

    @property
    def stale(self) -> bool:
        """True on a gap: what is shown (``last_value``) is older than this poll."""
        return self.error is not None

    def age(self, now: dt.datetime | None = None) -> float | None:
        """Seconds since the last good poll started (``None`` before any)."""
        if self.last_good is None:
            return None
        return ((now or _utcnow()) - self.last_good).total_seconds()

    def error_text(self) -> str | None:
        """The gap's error in one line (type and message; never a secret), or ``None``."""
        if self.error is None:
            return None
        message = " ".join(str(self.error).split())
        name = type(self.error).__name__
        return f"{name}: {message}" if message else name


def _check_every(every: object, name: str = "every") -> float:
    if isinstance(every, bool) or not isinstance(every, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(every).__name__}")
    if not math.isfinite(every) or every <= 0:
        raise ValueError(f"{name} must be a positive number of seconds, got {every}")
    return float(every)


def watch(
    fetch: Callable[[], Awaitable[T]],
    every: float,
    *,
    timeout: float | None = None,
    transient: tuple[type[BaseException], ...] = DEFAULT_TRANSIENT,
    limit: int | None = None,
    clock: Callable[[], dt.datetime] = _utcnow,
) -> ItemStream[Snapshot[T]]:
    """Snapshots of ``fetch()`` every ``every`` seconds (see the module). Arguments are checked
    now: ``every`` and ``timeout`` positive seconds, ``limit`` (snapshots, then stop) >= 1."""
    if not callable(fetch):
        raise TypeError("fetch must be a coroutine function (called once per poll)")
    period = _check_every(every)
    if timeout is not None:
        timeout = _check_every(timeout, "timeout")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive int or None, got {limit!r}")
    if not isinstance(transient, tuple) or not all(
        isinstance(t, type) and issubclass(t, BaseException) for t in transient
    ):
        raise TypeError("transient must be a tuple of exception classes")
    if any(issubclass(asyncio.CancelledError, t) for t in transient):
        raise ValueError("transient must not catch asyncio.CancelledError (or BaseException)")
    return ItemStream(_polls(fetch, period, timeout, transient, limit, clock))


async def _poll(fetch: Callable[[], Awaitable[T]], timeout: float | None) -> T:
    if timeout is None:
        return await fetch()
    return await asyncio.wait_for(_awaited(fetch), timeout)


async def _awaited(fetch: Callable[[], Awaitable[T]]) -> T:
    return await fetch()


def _detached(exc: BaseException) -> BaseException:
    """``exc`` without tracebacks (its own and its causes'): a snapshot keeps no frames alive."""
    link: BaseException | None = exc
    while link is not None:
        link.with_traceback(None)
        link.__context__ = None
        link = link.__cause__
    return exc


async def _polls(
    fetch: Callable[[], Awaitable[T]],
    every: float,
    timeout: float | None,
    transient: tuple[type[BaseException], ...],
    limit: int | None,
    clock: Callable[[], dt.datetime],
) -> AsyncGenerator[Iterable[Snapshot[T]], None]:
    start = time.monotonic()
    tick = skipped = produced = 0
    last_good: dt.datetime | None = None
    last_value: Any = None
    while True:
        delay = start + tick * every - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        at = clock()
        began = time.monotonic()
        error: BaseException | None = None
        value: Any = None
        try:
            value = await _poll(fetch, timeout)
        except transient as exc:
            error = _detached(exc)
        if error is None:
            last_good, last_value = at, value
        yield (
            Snapshot(
                at=at,
                value=value,
                error=error,
                seq=tick,
                skipped=skipped,
                duration=time.monotonic() - began,
                last_good=last_good,
                last_value=last_value,
            ),
        )
        del error, value
        produced += 1
        if limit is not None and produced >= limit:
            return
        now = time.monotonic()
        following = tick + 1
        if now > start + following * every:  # overran: wait for the next tick still ahead
            following = math.floor((now - start) / every) + 1
        skipped = following - tick - 1
        tick = following
