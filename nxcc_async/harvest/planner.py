"""Time windows of a harvest and the first cut of the period: pure, clock-free.

A window owns the seconds ``[a, b)`` and is *requested* as ``[a - 1, b]`` (seconds, both ends
sent): whatever rule the server uses for its window edges (inclusive or exclusive at either end),
every second of ``[a, b)`` is covered, so no call can fall between two windows. The price is an
overlap of up to two seconds with each neighbour, which the harvester de-duplicates by ``callId``.

The period is first cut into a few equal *segments* (:func:`segments`): each costs about half a
wasted request (its last page is partial), so there are few, but enough that the first round of
requests samples the density of the whole period. The scheduler later cuts a segment into
windows at page boundaries, which costs no request.
"""

from __future__ import annotations

import itertools

import attrs

#: Most segments the period is first cut into.
MAX_SEGMENTS = 8
#: Requests in flight per segment.
PER_SEGMENT = 4


@attrs.frozen
class Window:
    """One window: it owns the seconds ``[start, end)``; ``index`` numbers windows in the order
    they were planned."""

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


def segments(start: int, end: int, *, concurrency: int, shortest: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut into equal, consecutive segments: one per four requests in flight
    (1 to ``MAX_SEGMENTS``), none shorter than ``shortest`` seconds (when the period allows)."""
    if end < start:
        raise ValueError(f"end ({end}) is before start ({start})")
    if shortest < 1:
        raise ValueError("shortest must be at least 1 second")
    span = end - start
    if span == 0:
        return []
    count = max(1, min(concurrency // PER_SEGMENT, MAX_SEGMENTS, span // shortest))
    edges = [start + span * i // count for i in range(count)] + [end]
    return [(a, b) for a, b in itertools.pairwise(edges) if a < b]
