"""Sync overhead: 1 000 ``agents.page(1, 1)`` through ``NXCC`` against the same 1 000 awaited one
after another through ``AsyncNXCC``; the emulator in its own process, no latency.

Rounds alternate, so drift (CPU frequency, the emulator's caches) hits both sides alike; the
figure is the median of the per-round ratios, with their spread. ``NXCC`` crosses its blocking
portal once per call.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from benchmarks._common import (
    BenchResult,
    EmulatorProcess,
    Stopwatch,
    async_client,
    fmt_s,
    sync_client,
)

NAME = "sync"
TITLE = "Sync overhead (1 000 small calls, emulator in another process, no latency)"

CALLS = 1_000
ROUNDS = 5
TARGET = 1.2


def _sync_round(base_url: str) -> float:
    with sync_client(base_url) as client:
        client.agents.page(1, 1)  # open the connection
        with Stopwatch() as sw:
            for _ in range(CALLS):
                client.agents.page(1, 1)
    return sw.wall


def _async_round(base_url: str) -> float:
    async def main() -> float:
        async with async_client(base_url) as client:
            await client.agents.page(1, 1)
            with Stopwatch() as sw:
                for _ in range(CALLS):
                    await client.agents.page(1, 1)
        return sw.wall

    return asyncio.run(main())


def run() -> BenchResult:
    """Run the benchmark."""
    result = BenchResult(NAME, TITLE)
    began = time.perf_counter()
    sync_times: list[float] = []
    async_times: list[float] = []
    with EmulatorProcess(cdrs_per_day=1000) as emu:
        for _ in range(ROUNDS):
            async_times.append(_async_round(emu.base_url))
            sync_times.append(_sync_round(emu.base_url))
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
    result.figure("portal cost per call", f"{(med_sync - med_async) / CALLS * 1e6:.0f} µs")
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
