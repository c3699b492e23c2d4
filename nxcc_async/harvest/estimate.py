"""How many pages a window's query likely has, from the pages already back: a pure function.

Rows come sorted by ``startTime``. When pages ``1..k`` are full, the last row of page ``k`` (at
``t_k``) says the first ``k x size`` rows reach ``t_k``: the rest of the query, ``(t_k, high]``,
holds about ``rate x (high - t_k)`` more. The rate taken is the lower of the window's average so
far and its pace over its last few pages (a busy stretch is not extrapolated into a quiet one),
and the rows still to come are shaded by ``MARGIN``: an estimate that is low costs a round trip,
one that is high costs a request for an empty page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

#: Share by which the rows still to come are shaded down before pages are requested on them.
MARGIN = 0.25
USE_PACE = True
NEAR = 2.0
FAR_AFTER = True
#: Full pages behind the newest one that its local pace is measured over.
PACE_PAGES = 3


def rate(low: float, size: int, ends: Mapping[int, float], prior: float | None) -> float | None:
    """Rows per second ahead of the newest full page: ``ends`` maps full pages to the
    ``startTime`` (seconds) of their last row; ``prior`` is used before any page is back."""
    if not ends:
        return prior
    k = max(ends)
    average = k * size / max(1.0, ends[k] - low)
    return min(average, _pace(low, size, ends)[0])


def _pace(low: float, size: int, ends: Mapping[int, float]) -> tuple[float, float]:
    """Rows per second over the last ``PACE_PAGES`` full pages, and the seconds they span."""
    k = max(ends)
    j = max((n for n in ends if n <= k - PACE_PAGES), default=0)
    span = max(1.0, ends[k] - (ends[j] if j else low))
    return (k - j) * size / span, span


def head_rate(low: float, size: int, ends: Mapping[int, float]) -> float | None:
    """Rows per second at the start of a query (its first full pages), ``None`` before."""
    first = [n for n in ends if n <= PACE_PAGES]
    if not first:
        return None
    k = max(first)
    return k * size / max(1.0, ends[k] - low)


def pages(
    low: float,
    high: float,
    size: int,
    ends: Mapping[int, float],
    prior: float | None,
    after: float | None = None,
    margin: float | None = None,
) -> int:
    """Pages of the query ``[low, high]`` (seconds) that very likely exist: at least 1 and the
    page after the newest full one; more as the estimate allows.

    Far from the end, the rate is the lower of the window's average and its recent pace; near
    it (within ``NEAR`` times the span of the recent pace), the recent pace blended with
    ``after``, the rate just after ``high`` (the next window's first pages) when known."""
    margin = MARGIN if margin is None else margin
    k = max(ends, default=0)
    if not k:
        if prior is None:
            return 1
        rows = (1 - margin) * prior * max(0.0, high + 1 - low)
        return max(1, math.floor(rows / size) + 1)
    left = max(0.0, high + 1 - ends[k])
    pace, span = _pace(low, size, ends)
    if left <= NEAR * span:
        per_second = pace if after is None else (pace + after) / 2
    else:
        per_second = min(k * size / max(1.0, ends[k] - low), pace)
        if after is not None and FAR_AFTER:
            per_second = min(per_second, after)
    rows = k * size + (1 - margin) * per_second * left
    return max(k + 1, math.floor(rows / size) + 1)
