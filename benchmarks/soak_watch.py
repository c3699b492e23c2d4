"""Soak of the CEC wallboard watch: ``python -m benchmarks.soak_watch [--seconds 600]``.

Runs the board watch of ``nxcc cec watch`` (two VDNs, skill queues) against an in-process
emulator with live data, injected faults (vendor errors, HTTP 5xx, dropped connections, slow
answers) and a server-side rate cap one above the client's, at a 1 s cadence, and checks:

- polls never overlap (a counter around every poll);
- the client never exceeds its rate cap: the server answers 429 above ``cap + 1`` requests in
  any one-second span (the throttle's documented bound) and counts them; it must count none;
- memory stays flat: resident set size and live Python objects are sampled every 10 s; the
  growth after the first minute is reported.

Prints a summary (and exits 1 when an invariant fails). ``run()`` is also called by the test
suite with a few seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
import time
from typing import Any

from nxcc_async._core.retry import RetryPolicy
from nxcc_async.cec import AsyncCEC
from nxcc_async.cec.board import VdnBoard
from nxcc_async.emulator import Emulator, Faults

AK, SK = "soak-ak", "soak-sk"


def _rss_kib() -> int:
    try:
        with open(f"/proc/{os.getpid()}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:  # pragma: no cover - not Linux
        pass
    return 0


async def soak(seconds: float, every: float, cap: float, sample_every: float) -> dict[str, Any]:
    """Run the watch for ``seconds``; the figures."""
    faults = Faults(code99=0.02, http5xx=0.02, drop=0.01, slow=0.005, slow_delay=4.0)
    retry = RetryPolicy(max_retries=2, wait_initial=0.05, wait_max=0.5, wait_jitter=0.05)
    running = max_running = polls = 0
    samples: list[tuple[float, int, int]] = []
    async with Emulator(
        seed=3, cec_access_key=AK, cec_secret_key=SK, cec_live_period=2.0, faults=faults
    ) as emu:
        emu.rate_limit = int(cap) + 1
        async with AsyncCEC(emu.base_url, AK, SK, rate_limit=cap, retry=retry) as cec:

            async def poll() -> list[VdnBoard]:
                nonlocal running, max_running, polls
                running += 1
                polls += 1
                max_running = max(max_running, running)
                try:
                    lines = [cec.vdn_board(1, vdn) for vdn in (1, 2)]
                    return list(await asyncio.gather(*lines))
                finally:
                    running -= 1

            ok = gaps = skipped = 0
            errors: dict[str, int] = {}
            began = time.monotonic()
            next_sample = began
            stream = cec.watch(poll, every, timeout=3 * every)
            try:
                async for snap in stream:
                    skipped += snap.skipped
                    if snap.ok:
                        ok += 1
                    else:
                        gaps += 1
                        name = type(snap.error).__name__
                        errors[name] = errors.get(name, 0) + 1
                    now = time.monotonic()
                    if now >= next_sample:
                        gc.collect()
                        samples.append((now - began, _rss_kib(), len(gc.get_objects())))
                        next_sample += sample_every
                    if now - began >= seconds:
                        break
            finally:
                await stream.aclose()
            elapsed = time.monotonic() - began
            peak_in_flight = cec.throttle.peak_in_flight
        stats = emu.stats
        figures: dict[str, Any] = {
            "seconds": round(elapsed, 1),
            "every": every,
            "rate_cap": cap,
            "snapshots": ok + gaps,
            "ok": ok,
            "gaps": gaps,
            "gap_errors": errors,
            "skipped_ticks": skipped,
            "polls": polls,
            "max_concurrent_polls": max_running,
            "requests": stats.total,
            "max_requests_in_1s": stats.max_in_window(1.0),
            "http_429": stats.rate_limited,
            "faults_injected": dict(stats.faults),
            "client_peak_in_flight": peak_in_flight,
        }
    warm = [s for s in samples if s[0] >= min(60.0, seconds / 3)] or samples
    if warm:
        figures["rss_kib_first_last"] = (warm[0][1], warm[-1][1])
        figures["objects_first_last"] = (warm[0][2], warm[-1][2])
        figures["rss_kib_max"] = max(s[1] for s in warm)
    figures["samples"] = len(samples)
    return figures


def check(figures: dict[str, Any]) -> list[str]:
    """The invariants that failed (empty when all hold)."""
    failed = []
    if figures["max_concurrent_polls"] != 1:
        failed.append("polls overlapped")
    if figures["http_429"]:
        failed.append("the client went above its rate cap (429 from the server)")
    if figures["max_requests_in_1s"] > figures["rate_cap"] + 1:
        failed.append("more than cap + 1 requests in one second")
    if figures["ok"] == 0:
        failed.append("no successful poll")
    return failed


def run(
    seconds: float = 600.0, every: float = 1.0, cap: float = 25.0, sample_every: float = 10.0
) -> dict[str, Any]:
    """``soak`` on a fresh event loop."""
    return asyncio.run(soak(seconds, every, cap, sample_every))


def main(argv: list[str] | None = None) -> int:
    """Command line: run, print the figures, exit 1 if an invariant failed."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.soak_watch", description=__doc__)
    p.add_argument("--seconds", type=float, default=600.0)
    p.add_argument("--every", type=float, default=1.0)
    p.add_argument("--rate-cap", type=float, default=25.0)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # retries are expected: do not print each one
    figures = run(args.seconds, args.every, args.rate_cap)
    for key, value in figures.items():
        print(f"{key:>24}: {value}")
    failed = check(figures)
    for reason in failed:
        print(f"FAILED: {reason}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
