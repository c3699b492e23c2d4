"""Sync overhead: 1 000 ``agents.page(1, 1)`` through ``NXCC`` against the same 1 000 awaited one
after another through ``AsyncNXCC``; the emulator in its own process, no latency.

Both clients stay open for the whole run. A round is one single run of each side, interleaved in
blocks of ``BLOCK`` calls in ABBA order (async, sync, sync, async...), so that a burst of load on
the machine or a slow drift hits both sides alike; its ratio is the sync total over the async
total. The figure is the median of ``ROUNDS`` rounds after one discarded warm-up round, with the
spread (min-max) of the rounds. ``NXCC`` crosses its blocking portal once per call.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from benchmarks._common import (
    BenchResult,
    EmulatorProcess,
    async_client,
    fmt_s,
    sync_client,
)
from nxcc_async import NXCC, AsyncNXCC

NAME = "sync"
TITLE = "Sync overhead (1 000 small calls, emulator in another process, no latency)"

CALLS = 1_000
BLOCK = 100
ROUNDS = 7
TARGET = 1.2


def _sync_block(client: NXCC) -> float:
    began = time.perf_counter()
    for _ in range(BLOCK):
        client.agents.page(1, 1)
    return time.perf_counter() - began


async def _async_block(client: AsyncNXCC) -> float:
    began = time.perf_counter()
    for _ in range(BLOCK):
        await client.agents.page(1, 1)
    return time.perf_counter() - began


def _round(
    loop: asyncio.AbstractEventLoop, aclient: AsyncNXCC, client: NXCC
) -> tuple[float, float]:
    """One round: (async seconds, sync seconds) for ``CALLS`` calls each, in ABBA blocks."""
    async_s = sync_s = 0.0
    for i in range(CALLS // BLOCK):
        if i % 2 == 0:
            async_s += loop.run_until_complete(_async_block(aclient))
            sync_s += _sync_block(client)
        else:
            sync_s += _sync_block(client)
            async_s += loop.run_until_complete(_async_block(aclient))
    return async_s, sync_s


def run() -> BenchResult:
    """Run the benchmark."""
    result = BenchResult(NAME, TITLE)
    began = time.perf_counter()
    sync_times: list[float] = []
    async_times: list[float] = []
    loop = asyncio.new_event_loop()
    try:
        with EmulatorProcess(cdrs_per_day=1000) as emu, sync_client(emu.base_url) as client:
            aclient = async_client(emu.base_url)
            try:
                _round(loop, aclient, client)  # warm-up: connections, caches
                for _ in range(ROUNDS):
                    async_s, sync_s = _round(loop, aclient, client)
                    async_times.append(async_s)
                    sync_times.append(sync_s)
            finally:
                loop.run_until_complete(aclient.aclose())
    finally:
        loop.close()
    ratios = [s / a for s, a in zip(sync_times, async_times, strict=True)]
    med_async, med_sync = statistics.median(async_times), statistics.median(sync_times)
    result.figure(
        f"AsyncNXCC, {CALLS} awaited calls (median of {ROUNDS})",
        f"{fmt_s(med_async)} ({med_async / CALLS * 1e6:.0f} µs/call; "
        f"rounds {', '.join(map(fmt_s, async_times))})",
    )
    result.figure(
        f"NXCC, {CALLS} blocking calls (median of {ROUNDS})",
        f"{fmt_s(med_sync)} ({med_sync / CALLS * 1e6:.0f} µs/call; "
        f"rounds {', '.join(map(fmt_s, sync_times))})",
    )
    costs = [(s - a) / CALLS * 1e6 for s, a in zip(sync_times, async_times, strict=True)]
    result.figure(
        "portal cost per call, median of rounds (min-max)",
        f"{statistics.median(costs):.0f} µs ({min(costs):.0f}-{max(costs):.0f})",
    )
    ratio = statistics.median(ratios)
    result.check(
        "blocking / async, median of rounds",
        f"<= {TARGET}",
        f"{ratio:.2f} ({min(ratios):.2f}-{max(ratios):.2f})",
        ratio <= TARGET,
    )
    result.seconds = time.perf_counter() - began
    return result


if __name__ == "__main__":
    run()
