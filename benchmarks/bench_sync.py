"""Sync overhead: 1 000 ``agents.page(1, 1)`` through ``NXCC`` against the same 1 000 awaited one
after another through ``AsyncNXCC``; the emulator in its own thread, no latency.

Each figure is the best of a few alternating rounds, so drift (CPU frequency, the emulator's
caches) hits both sides alike. ``NXCC`` crosses its blocking portal once per call.
"""

from __future__ import annotations

import asyncio
import time

from benchmarks._common import BenchResult, Stopwatch, async_client, fmt_s, sync_client
from nxcc_async.emulator import Emulator

NAME = "sync"
TITLE = "Sync overhead (1 000 small calls, emulator in a thread, no latency)"

CALLS = 1_000
ROUNDS = 3
TARGET = 1.5


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
    with Emulator.in_thread() as emu:
        for _ in range(ROUNDS):
            async_times.append(_async_round(emu.base_url))
            sync_times.append(_sync_round(emu.base_url))
    best_async, best_sync = min(async_times), min(sync_times)
    ratio = best_sync / best_async
    result.figure(
        f"AsyncNXCC, {CALLS} awaited calls (best of {ROUNDS})",
        f"{fmt_s(best_async)} ({best_async / CALLS * 1e6:.0f} µs/call; "
        f"rounds {', '.join(map(fmt_s, async_times))})",
    )
    result.figure(
        f"NXCC, {CALLS} blocking calls (best of {ROUNDS})",
        f"{fmt_s(best_sync)} ({best_sync / CALLS * 1e6:.0f} µs/call; "
        f"rounds {', '.join(map(fmt_s, sync_times))})",
    )
    result.figure("portal cost per call", f"{(best_sync - best_async) / CALLS * 1e6:.0f} µs")
    result.check("sync / async", f"<= {TARGET}", f"{ratio:.2f}", ratio <= TARGET)
    result.seconds = time.perf_counter() - began
    return result


if __name__ == "__main__":
    run()
