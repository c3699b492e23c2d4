"""How many pages a window's query likely has, from the pages already back: pure functions.

Rows come sorted by ``startTime``: when page ``k`` is full, its last row (at ``t_k``) says the
first ``k x size`` rows of the query reach ``t_k``, and the rest, ``(t_k, high]``, holds about
``rate x (high - t_k)`` more rows. The rate taken:

- near ``t_k`` (within ``NEAR`` times the span of the window's last ``PACE_PAGES`` full pages):
  the window's recent pace, blended with ``after``, the rate just past ``high`` (the next
  window's first pages), when that is known;
- further on: the harvest's ``overall`` rate so far (over a day or more, the density of one
  stretch says little about the next one).

The rows still to come are shaded by ``MARGIN``: an estimate that is low costs a round trip, one
that is high a request for an empty page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

#: Share by which the rows still to come are shaded down before pages are requested on them.
MARGIN = 0.25
#: Full pages behind the newest one that the window's recent pace is measured over.
PACE_PAGES = 3
#: How far (in spans of the recent pace) the recent pace is extrapolated.
NEAR = 2.0

#: ``ends`` in every function: full page number -> ``startTime`` (seconds) of its last row.
Ends = Mapping[int, float]


def pace(low: float, size: int, ends: Ends, k: int | None = None) -> tuple[float, float]:
    """Rows per second over the last ``PACE_PAGES`` full pages back up to page ``k`` (the
    newest by default; ``ends`` not empty), and the seconds they span."""
    k = max(ends) if k is None else k
    j = k - PACE_PAGES
    while j > 0 and j not in ends:
        j -= 1
    j = max(j, 0)
    span = max(1.0, ends[k] - (ends[j] if j else low))
    return (k - j) * size / span, span


def rate(low: float, size: int, ends: Ends, prior: float | None) -> float | None:
    """Rows per second at the window's newest full page (the lower of its average and recent
    pace), ``prior`` before any page is back."""
    if not ends:
        return prior
    k = max(ends)
    return min(k * size / max(1.0, ends[k] - low), pace(low, size, ends)[0])


def head_rate(low: float, size: int, ends: Ends) -> float | None:
    """Rows per second at the start of a query (its first full pages), ``None`` before."""
    for k in range(PACE_PAGES, 0, -1):
        if k in ends:
            return k * size / max(1.0, ends[k] - low)
    return None


def rows_ahead(
    low: float,
    high: float,
    size: int,
    ends: Ends,
    top: int,
    *,
    prior: float | None = None,
    after: float | None = None,
    overall: float | None = None,
) -> float | None:
    """Rows of the query ``[low, high]`` (seconds) expected past its newest full page ``top``
    (all of them before any page is back, from ``prior``); ``None`` when nothing is known."""
    k = top
    if not k:
        if prior is None:
            return None
        per_second = prior if overall is None else min(prior, overall)
        return per_second * max(0.0, high + 1 - low)
    left = max(0.0, high + 1 - ends[k])
    recent, span = pace(low, size, ends, k)
    near = NEAR * span
    if left <= near:
        return (recent if after is None else (recent + after) / 2) * left
    far = overall if overall is not None else min(recent, k * size / (ends[k] - low + 1))
    return recent * near + far * (left - near)


def pages(full: int, size: int, ahead: float | None, margin: float = MARGIN) -> int:
    """Pages that very likely exist after ``full`` full pages with ``ahead`` rows expected past
    them, shaded by ``margin``: at least the page after the newest full one."""
    if ahead is None:
        return full + 1
    return max(full + 1, math.floor((full * size + (1 - margin) * ahead) / size) + 1)
