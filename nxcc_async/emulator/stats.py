"""Counters of the requests an emulator has seen, readable from tests and benchmarks."""

from __future__ import annotations

import time
from collections import Counter, deque


class Stats:
    """Live request counters. Written by the server's loop only; read from anywhere.

    ``arrivals`` holds the monotonic arrival time of the last ``max_arrivals`` requests (429s
    included), so a test can check a client's rate cap with ``max_in_window``.
    """

    def __init__(self, max_arrivals: int = 100_000) -> None:
        self.in_flight = 0
        self.arrivals: deque[float] = deque(maxlen=max_arrivals)
        self.reset()

    def reset(self) -> None:
        """Zero every counter (``in_flight`` stays: those requests are still running)."""
        self.total = 0
        self.by_path: Counter[str] = Counter()
        self.by_status: Counter[int] = Counter()
        self.by_code: Counter[int | str] = Counter()
        self.faults: Counter[str] = Counter()
        self.rate_limited = 0
        self.dropped = 0
        self.peak_in_flight = self.in_flight
        self.arrivals.clear()

    def arrived(self, path: str) -> None:
        """Count one request arriving (before any check)."""
        self.total += 1
        self.by_path[path] += 1
        self.arrivals.append(time.monotonic())
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def left(self) -> None:
        """Count one request finished (answered, refused or dropped)."""
        self.in_flight -= 1

    def max_in_window(self, seconds: float = 1.0) -> int:
        """The most arrivals within any span of ``seconds`` (sliding, over ``arrivals``)."""
        times = list(self.arrivals)
        best, lo = 0, 0
        for hi, t in enumerate(times):
            while t - times[lo] >= seconds:
                lo += 1
            best = max(best, hi - lo + 1)
        return best

    def __repr__(self) -> str:
        return (
            f"Stats(total={self.total}, in_flight={self.in_flight}, "
            f"peak_in_flight={self.peak_in_flight}, by_status={dict(self.by_status)}, "
            f"by_code={dict(self.by_code)}, faults={dict(self.faults)})"
        )
