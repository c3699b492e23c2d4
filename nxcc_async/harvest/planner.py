"""Time windows of a harvest, sized to the data's density: a pure, clock-free planner.

The period ``[start, end)`` is cut into consecutive windows ``[a, b)`` that partition it. Each
window is *requested* as ``[a - 1, b]`` (seconds, both ends sent): whatever rule the server uses
for its window edges (inclusive or exclusive at either end), every second of ``[a, b)`` is
covered, so no call can fall between two windows. The price is an overlap of up to two seconds
with each neighbour, which the harvester de-duplicates by ``callId``.

Sizing: the first windows take ``initial`` seconds; each finished window updates an estimate of
calls per second, and later windows are sized so as to hold about ``target`` calls (most fit one
page). Empty stretches make windows grow (up to ``maximum``), dense ones make them shrink (down to
``minimum``).
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Window:
    """One window: it owns the seconds ``[start, end)``; its index is its place in the period."""

    index: int
    start: int
    end: int

    @property
    def request_range(self) -> tuple[int, int]:
        """The ``startTime``/``endTime`` to send: one second of margin at each edge."""
        return max(0, self.start - 1), self.end

    @property
    def seconds(self) -> int:
        """How many seconds the window owns."""
        return self.end - self.start

    def __str__(self) -> str:
        return f"window #{self.index} [{self.start}, {self.end})"


@attrs.define
class Planner:
    """Hands out consecutive windows of ``[start, end)`` sized to the density seen so far."""

    start: int
    end: int
    target: int = 80
    initial: int = 600
    minimum: int = 1
    maximum: int = 7 * 86400
    #: A density estimate (calls per second) to start from, e.g. from a checkpoint.
    _rate: float | None = attrs.field(default=None, kw_only=True)
    _last_size: int = attrs.field(init=False, default=0)
    _next_start: int = attrs.field(init=False, default=0)
    _next_index: int = attrs.field(init=False, default=0)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        if not 1 <= self.minimum <= self.initial <= self.maximum:
            raise ValueError("window sizes must satisfy 1 <= minimum <= initial <= maximum")
        if self.target < 1:
            raise ValueError("target must be at least 1")
        self._next_start = self.start
        self._last_size = self.initial

    @property
    def exhausted(self) -> bool:
        """True when every second of the period has been handed out."""
        return self._next_start >= self.end

    @property
    def calls_per_second(self) -> float | None:
        """The current density estimate (``None`` before the first finished window)."""
        return self._rate

    def next_size(self) -> int:
        """Seconds for the next window from the density seen so far."""
        if self._rate is None:
            size: float = self.initial
        elif self._rate <= 0:
            size = self._last_size * 2  # only empty windows so far: grow over the gap
        else:
            size = self.target / self._rate
        return int(min(self.maximum, max(self.minimum, size)))

    def next_window(self) -> Window:
        """The next window (``ValueError`` once exhausted)."""
        if self.exhausted:
            raise ValueError("the period is fully planned")
        size = self.next_size()
        stop = min(self.end, self._next_start + size)
        window = Window(self._next_index, self._next_start, stop)
        self._next_start = stop
        self._next_index += 1
        self._last_size = size
        return window

    def observe(self, window: Window, calls: int) -> None:
        """Learn from a finished window that held ``calls`` calls (recent windows weigh half)."""
        rate = calls / max(1, window.seconds)
        self._rate = rate if self._rate is None else (self._rate + rate) / 2
