"""A child process serving the emulator, controlled over its stdin/stdout (benchmarks only).

Started by :class:`benchmarks._common.EmulatorProcess`. It prints one JSON line
``{"url": ...}`` once it listens, then answers one JSON line per command line read from stdin:
``stats`` (counters, peak in flight, most arrivals in one second), ``reset`` (zero them, and
collect then freeze the heap: see below), ``quit``. End of stdin also stops it, so an orphan
never outlives the benchmark.

The benchmarks reset the counters right before each measured run. The emulator stands in for a
server whose latency is a fixed figure, but a full collection of this process's heap (its
imports and cached CDRs: 18-25 ms on the reference machine) stalls every request in flight,
which lands in a measured run at random and is no cost of the client's. So ``reset`` also
collects and freezes the heap (``gc.freeze``): what is alive then is left out of later
collections, and the collections during the run see only the objects made since.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import threading
from typing import Any

import orjson

from nxcc_async.emulator import Emulator


def _stats(emu: Emulator) -> dict[str, Any]:
    s = emu.stats
    return {
        "total": s.total,
        "peak_in_flight": s.peak_in_flight,
        "max_in_window": s.max_in_window(1.0),
        "by_status": {str(k): v for k, v in s.by_status.items()},
        "rate_limited": s.rate_limited,
        "arrivals": len(s.arrivals),
    }


async def _serve(args: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line.strip())
        loop.call_soon_threadsafe(lines.put_nowait, "quit")

    async with Emulator(
        cdrs_per_day=args.cdrs_per_day,
        latency=args.latency,
        rate_limit=args.rate_limit,
        cache_records=args.cache_records,
        profile=args.profile,
    ) as emu:
        threading.Thread(target=read_stdin, daemon=True).start()
        _reply({"url": emu.base_url})
        while True:
            command = await lines.get()
            if command == "stats":
                _reply(_stats(emu))
            elif command == "reset":
                emu.reset_stats()
                gc.collect()
                gc.freeze()
                _reply({"ok": True})
            elif command == "quit":
                _reply({"ok": True})
                return
            else:
                _reply({"error": f"unknown command {command!r}"})


def _reply(obj: dict[str, Any]) -> None:
    sys.stdout.buffer.write(orjson.dumps(obj) + b"\n")
    sys.stdout.buffer.flush()


def main() -> None:
    """Parse the arguments and serve until ``quit`` or end of stdin."""
    p = argparse.ArgumentParser()
    p.add_argument("--cdrs-per-day", type=int, default=1000)
    p.add_argument("--latency", type=float, default=0.0)
    p.add_argument("--rate-limit", type=int, default=None)
    p.add_argument("--cache-records", type=int, default=50_000)
    p.add_argument("--profile", default="office")
    asyncio.run(_serve(p.parse_args()))


if __name__ == "__main__":
    main()
