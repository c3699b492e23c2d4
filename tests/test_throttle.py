"""The throttle: concurrency cap, evenly spaced rate with no burst, shared pause."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from nxcc_async._core.throttle import Throttle


async def test_concurrency_cap() -> None:
    throttle = Throttle(3, None)
    active = peak = 0

    async def job() -> None:
        nonlocal active, peak
        async with throttle.slot():
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.01)
            active -= 1

    await asyncio.gather(*(job() for _ in range(20)))
    assert peak == 3
    assert throttle.peak_in_flight == 3


async def test_rate_is_evenly_spaced_without_start_up_burst() -> None:
    throttle = Throttle(50, 40.0)
    starts: list[float] = []

    async def job() -> None:
        async with throttle.slot():
            starts.append(time.monotonic())

    await asyncio.gather(*(job() for _ in range(20)))
    # 20 starts 1/40 s apart take 19/40 s; a late timer may bunch two, never add more
    assert starts[-1] - starts[0] >= 19 * 0.025 * 0.95
    busiest = max(sum(1 for t in starts if s <= t < s + 0.25) for s in starts)
    assert busiest <= 0.25 * 40 + 2


async def test_pause_holds_every_task() -> None:
    throttle = Throttle(4, None)
    throttle.pause(0.2)
    started = time.monotonic()
    async with throttle.slot():
        assert time.monotonic() - started >= 0.19


@pytest.mark.parametrize(("concurrency", "rate"), [(0, None), (2, 0.0), (2, -1.0)])
def test_bad_settings(concurrency: int, rate: float | None) -> None:
    with pytest.raises(ValueError, match="must be"):
        Throttle(concurrency, rate)


async def test_rate_20_never_starts_21_in_a_half_open_second() -> None:
    """At rate_limit=20 the old throttle started 21 requests within a closed 1 s span (0, 0.05,
    ..., 1.0). Starts are now at least 1/rate apart, measured on the starts granted."""
    throttle = Throttle(100, 20.0)
    starts: list[float] = []

    async def job() -> None:
        async with throttle.slot():
            starts.append(throttle.last_start)
            await asyncio.sleep(0.001)

    await asyncio.gather(*(job() for _ in range(61)))  # 3 s of starts
    assert starts == sorted(starts)
    assert starts[-1] - starts[0] >= 3.0 - 1e-9
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.05 - 1e-9
    # at most 20 starts in any [t, t + 1): the 21st start after any start is >= 1 s later
    assert all(starts[i + 20] - starts[i] >= 1.0 - 1e-9 for i in range(len(starts) - 20))


async def test_late_timer_does_not_bunch_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A start granted late pushes the next one: grants stay 1/rate apart."""
    throttle = Throttle(10, 10.0)
    starts: list[float] = []
    real_sleep = asyncio.sleep
    sleeps = itertools.count()

    async def late_sleep(delay: float) -> None:
        await real_sleep(delay + (0.08 if next(sleeps) == 0 else 0.0))  # the first timer is late

    monkeypatch.setattr("nxcc_async._core.throttle.asyncio.sleep", late_sleep)

    async def job() -> None:
        async with throttle.slot():
            starts.append(throttle.last_start)

    await asyncio.gather(*(job() for _ in range(4)))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.1 - 1e-9


async def test_cancelled_waiters_leave_no_gap() -> None:
    """Waiters for a rate token that are cancelled (by the caller, a time budget, a consumer
    that stopped) used to keep the slots they had booked: the next call waited for all of
    them (0.8 s here), and waves of timed-out calls pushed the bookings out for ever."""
    throttle = Throttle(16, 10.0)
    async with throttle.slot():
        pass
    waiters = [asyncio.ensure_future(throttle.__aenter__()) for _ in range(8)]
    await asyncio.sleep(0.05)
    for waiter in waiters:
        waiter.cancel()
    await asyncio.gather(*waiters, return_exceptions=True)
    assert all(w.cancelled() for w in waiters)
    await asyncio.sleep(0.06)  # past 1/rate since the only start granted
    began = time.monotonic()
    async with throttle.slot():
        waited = time.monotonic() - began
    assert waited < 0.05
    assert throttle.in_flight == 0


async def test_pause_holds_a_task_already_waiting_for_its_rate_token() -> None:
    """A 429's pause used to be checked only before the rate wait: a task already waiting for
    its token went out during the pause."""
    throttle = Throttle(4, 10.0)
    async with throttle.slot():
        first = throttle.last_start
    waiting = asyncio.ensure_future(throttle.__aenter__())
    await asyncio.sleep(0.03)  # it waits for its token, due 0.1 s after the first start
    throttle.pause(0.3)
    paused_at = time.monotonic()
    await waiting
    await throttle.__aexit__(None, None, None)
    assert throttle.last_start - paused_at >= 0.3 - 0.01
    assert throttle.last_start - first >= 0.1
