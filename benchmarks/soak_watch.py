"""Soak of the CEC wallboard watch: ``python -m benchmarks.soak_watch [--seconds 600]``.

Runs the board watch of ``nxcc cec watch`` (two VDNs, skill queues) against the emulator in a
child process (``python -m nxcc_async.emulator``, so only the client's memory is measured) with
live data, injected faults (vendor errors, HTTP 5xx, dropped connections, answers delayed 5 s)
and a server-side rate cap one above the client's, at a 1 s cadence, and checks:

- polls never overlap (a counter around every poll);
- the client never exceeds its rate cap: every request it sends is timed at the transport (the
  most in any one-second span must be at most ``cap + 1``, the throttle's documented bound) and
  the server answers 429 above ``cap + 1``: there must be none;
- memory stays flat: resident set size and live Python objects of this process are sampled every
  10 s; the growth over the second half of the run is reported.

Prints a summary (and exits 1 when an invariant fails). ``run()`` is also called by the test
suite with a few seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

from nxcc_async._core.retry import RetryPolicy
from nxcc_async._core.tasks import gather_or_cancel
from nxcc_async._core.transport import Request, Response
from nxcc_async.cec import AsyncCEC
from nxcc_async.cec.board import VdnBoard

AK, SK = "soak-ak", "soak-sk"


@contextlib.contextmanager
def emulator(cap: float) -> Iterator[str]:
    """The emulator in a child process; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = [sys.executable, "-m", "nxcc_async.emulator", "--port", str(port), "--seed", "3",
            "--cec-access-key", AK, "--cec-secret-key", SK, "--cec-live", "2",
            "--rate-limit", str(int(cap) + 1), "--fault-code99", "0.02",
            "--fault-http5xx", "0.02", "--fault-drop", "0.01", "--fault-slow", "0.005"]  # fmt: skip
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError(f"the emulator did not start: {line!r}")
        yield line.rsplit(" ", 1)[1].strip()
    finally:
        child.terminate()
        child.wait(10)
        if child.stdout is not None:
            child.stdout.close()


class SendMeter:
    """Times every request the client sends: most starts in any one-second span, 429s."""

    def __init__(self) -> None:
        self.window: deque[float] = deque()
        self.max_in_1s = 0
        self.sent = 0
        self.http_429 = 0

    def wrap(self, cec: AsyncCEC) -> None:
        transport = cec._requester.transport
        send = transport.send

        async def metered(request: Request) -> Response:
            now = time.monotonic()
            self.sent += 1
            self.window.append(now)
            while now - self.window[0] >= 1.0:
                self.window.popleft()
            self.max_in_1s = max(self.max_in_1s, len(self.window))
            response = await send(request)
            if response.status == 429:
                self.http_429 += 1
            return response

        transport.send = metered  # type: ignore[method-assign]


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
    retry = RetryPolicy(max_retries=2, wait_initial=0.05, wait_max=0.5, wait_jitter=0.05)
    running = max_running = polls = 0
    samples: list[tuple[float, int, int]] = []
    meter = SendMeter()
    with emulator(cap) as base_url:
        async with AsyncCEC(base_url, AK, SK, rate_limit=cap, retry=retry) as cec:
            meter.wrap(cec)

            async def poll() -> list[VdnBoard]:
                nonlocal running, max_running, polls
                running += 1
                polls += 1
                max_running = max(max_running, running)
                try:
                    lines = [cec.vdn_board(1, vdn) for vdn in (1, 2)]
                    return await gather_or_cancel(*lines)
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
                    del snap
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
        "requests": meter.sent,
        "max_requests_in_1s": meter.max_in_1s,
        "http_429": meter.http_429,
        "client_peak_in_flight": peak_in_flight,
    }
    if samples:
        half = [s for s in samples if s[0] >= seconds / 2] or samples[-1:]
        figures["rss_kib_at_1min_half_end"] = (
            next((s[1] for s in samples if s[0] >= min(60.0, seconds / 3)), samples[0][1]),
            half[0][1],
            samples[-1][1],
        )
        figures["objects_at_1min_half_end"] = (
            next((s[2] for s in samples if s[0] >= min(60.0, seconds / 3)), samples[0][2]),
            half[0][2],
            samples[-1][2],
        )
        figures["rss_kib_growth_second_half"] = samples[-1][1] - half[0][1]
        figures["objects_growth_second_half"] = samples[-1][2] - half[0][2]
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
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the child emulator too
    figures = run(args.seconds, args.every, args.rate_cap)
    for key, value in figures.items():
        print(f"{key:>24}: {value}")
    failed = check(figures)
    for reason in failed:
        print(f"FAILED: {reason}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
