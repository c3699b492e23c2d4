"""``python -m benchmarks.profile_harvest``: pyinstrument profile of one harvest, top printed.

One week of 10 500 CDRs at ``max_concurrency=16`` from the emulator in a child process (30 ms
latency unless ``--latency``); prints the call tree trimmed to frames above 2% of the time.
"""

from __future__ import annotations

import argparse
import asyncio

from pyinstrument import Profiler

from benchmarks._common import MONDAY, EmulatorProcess, async_client


async def _harvest(base_url: str) -> int:
    async with async_client(base_url, max_concurrency=16) as client:
        return sum([1 async for _ in client.cdrs.harvest(MONDAY, MONDAY + 7 * 86_400)])


def main() -> None:
    """Warm up once, then profile one harvest."""
    p = argparse.ArgumentParser()
    p.add_argument("--latency", type=float, default=0.030)
    args = p.parse_args()
    with EmulatorProcess(cdrs_per_day=1_500, latency=args.latency, cache_records=100_000) as emu:
        asyncio.run(_harvest(emu.base_url))
        profiler = Profiler(interval=0.0005, async_mode="disabled")
        with profiler:
            rows = asyncio.run(_harvest(emu.base_url))
    print(f"rows: {rows}")
    print(profiler.output_text(unicode=False, color=False, show_all=False, time="percent_of_total"))


if __name__ == "__main__":
    main()
