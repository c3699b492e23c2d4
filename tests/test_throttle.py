"""The throttle: concurrency cap, evenly spaced rate with no burst, shared pause."""

from __future__ import annotations

import asyncio
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
