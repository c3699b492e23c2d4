"""Rate cap: a harvest with ``rate_limit=20`` never puts more than 21 requests in one second.

The emulator (child process, no latency, no server-side cap) records every request's arrival
time; the busiest sliding one-second span of those arrivals is the figure. The achieved mean
rate shows the cap was actually the limit (a slow client would pass trivially).
"""

from __future__ import annotations

import asyncio
import time

from benchmarks._common import MONDAY, BenchResult, EmulatorProcess, Stopwatch, async_client, fmt_s

NAME = "rate"
TITLE = "Rate cap (rate_limit=20, harvest, no latency)"

RATE = 20
ALLOWED = RATE + 1
CDRS_PER_DAY = 1_500
START, END = MONDAY, MONDAY + 3 * 86_400  # three days: about 4 s of requests at 20/s


async def _measure(emu: EmulatorProcess, result: BenchResult) -> None:
    async with async_client(emu.base_url, max_concurrency=16, rate_limit=RATE) as client:
        emu.reset()
        with Stopwatch() as sw:
            rows = sum([1 async for _ in client.cdrs.harvest(START, END)])
    stats = emu.stats()
    total = int(stats["total"])
    busiest = int(stats["max_in_window"])
    result.figure("rows harvested", str(rows))
    result.figure(
        "requests", f"{total} in {fmt_s(sw.wall)} (mean {total / sw.wall:.1f}/s, cap {RATE}/s)"
    )
    result.figure("HTTP statuses", str(stats["by_status"]))
    result.check(
        "busiest one-second span", f"<= {ALLOWED} requests", str(busiest), busiest <= ALLOWED
    )
    if sw.wall < 2.0:
        result.note("fewer than 2 s of requests: the sample is short")


def run() -> BenchResult:
    """Run the benchmark."""
    result = BenchResult(NAME, TITLE)
    began = time.perf_counter()
    with EmulatorProcess(cdrs_per_day=CDRS_PER_DAY) as emu:
        asyncio.run(_measure(emu, result))
    result.seconds = time.perf_counter() - began
    return result


if __name__ == "__main__":
    run()
