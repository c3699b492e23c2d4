"""The harvester: every CDR of a period exactly once, pages fetched concurrently, in order.

- It knows no client: a :class:`~nxcc_async.harvest.state.Source` gives it a page function
  ``fetch(low, high, page)``, the concurrency, the page size and the harvest's fingerprint
  (``cdrs.harvest`` passes one whose pages go through the client's throttle and retries).
- The :class:`~nxcc_async.harvest.scheduler.PageScheduler` cuts the period ``[start, end)`` (by
  the calls' ``startTime``) into windows and keeps ``concurrency`` pages in flight, many pages
  of one window at once; a failing page is retried by the client on its own, a page that keeps
  failing stops the harvest with a ``HarvestError`` naming window and page.
- Finished windows are handed out **in time order**, one batch per window. Memory is bounded by
  the scheduler's page budget, never by the period.
- Windows overlap by a second or two at their edges (see the planner), so calls in an overlap
  may come twice: they are dropped by ``callId`` against the ids of the last few seconds only.
- ``state()`` after a batch (a :class:`~nxcc_async.harvest.state.HarvestState`) is everything
  needed to resume right after it; ``cdrs.harvest(checkpoint=...)`` and ``cdrs.export`` save it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing

import attrs

from nxcc_async.harvest.job import start_ms
from nxcc_async.harvest.planner import Window
from nxcc_async.harvest.scheduler import PageScheduler
from nxcc_async.harvest.state import HarvestState, Source
from nxcc_async.nxcc.records import CallRecord

#: Seconds of ids kept for de-duplication behind the last finished window.
_OVERLAP_MEMORY = 2


@attrs.frozen
class HarvestProgress:
    """Where a harvest stands: windows and rows done, the period covered, the time spent."""

    windows: int
    rows: int
    duplicates: int
    start: int
    end: int
    done_until: int
    elapsed: float
    #: rows and the first second not done when this run resumed (0 and ``start`` on a fresh run)
    resumed_rows: int = 0
    resumed_until: int | None = None

    @property
    def fraction(self) -> float:
        """Share of the period done, 0 to 1."""
        span = self.end - self.start
        return 1.0 if span <= 0 else (self.done_until - self.start) / span

    @property
    def rows_per_second(self) -> float:
        """Rows handed out per second by this run (rows of an earlier run not counted)."""
        return (self.rows - self.resumed_rows) / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at this run's pace (``None`` before there is a pace)."""
        span = self.end - self.start
        first = self.start if self.resumed_until is None else self.resumed_until
        done_here = (self.done_until - first) / span if span > 0 else 1.0
        if done_here <= 0 or self.elapsed <= 0:
            return None
        return self.elapsed * (1 - self.fraction) / done_here


ProgressCallback = Callable[[HarvestProgress], None]


class Harvester:
    """One harvest of ``[start, end)`` (Unix seconds) from ``source``; see the module doc."""

    def __init__(
        self,
        source: Source,
        start: int,
        end: int,
        *,
        window: int = 600,
        resume: HarvestState | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise ValueError(f"window must be a whole number of seconds >= 1, got {window!r}")
        self._source = source
        self._start, self._end = start, end
        self._on_progress = on_progress
        self.fingerprint = source.fingerprint
        self._recent: dict[str, int] = {}
        self._windows = self._rows = self._duplicates = 0
        self._done_until = start
        rate: float | None = None
        if resume is not None:
            if resume.fingerprint != self.fingerprint:
                raise ValueError("the resume state belongs to a harvest with other arguments")
            self._done_until = resume.done_until
            self._recent = dict(resume.recent_ids)
            self._windows, self._rows = resume.windows, resume.rows
            self._duplicates = resume.duplicates
            rate = resume.rate
        self._scheduler = PageScheduler(source, self._done_until, end, shortest=window, rate=rate)
        self._resumed_rows = self._rows
        self._resumed_until = self._done_until
        self._started = time.monotonic()

    @property
    def done(self) -> bool:
        """True when the whole period has been handed out."""
        return self._done_until >= self._end

    def state(self) -> HarvestState:
        """What a checkpoint needs to resume right after the last batch handed out."""
        return HarvestState(
            fingerprint=self.fingerprint,
            start=self._start,
            end=self._end,
            done_until=self._done_until,
            recent_ids=dict(self._recent),
            windows=self._windows,
            rows=self._rows,
            duplicates=self._duplicates,
            rate=self._scheduler.rate,
            done=self.done,
        )

    def progress(self) -> HarvestProgress:
        """The progress so far."""
        return HarvestProgress(
            windows=self._windows,
            rows=self._rows,
            duplicates=self._duplicates,
            start=self._start,
            end=self._end,
            done_until=self._done_until,
            elapsed=time.monotonic() - self._started,
            resumed_rows=self._resumed_rows,
            resumed_until=self._resumed_until,
        )

    async def batches(self) -> AsyncGenerator[list[CallRecord], None]:
        """The calls of the period, one list per non-empty window, in time order."""
        async with aclosing(self._scheduler.windows()) as windows:
            async for window, records in windows:
                fresh = self._accept(window, records)
                if self._on_progress is not None:
                    self._on_progress(self.progress())
                if fresh:
                    yield fresh

    def _accept(self, window: Window, records: list[CallRecord]) -> list[CallRecord]:
        """Drop calls seen in the overlap or outside the period; remember the recent ids."""
        recent = self._recent
        fresh: list[CallRecord] = []
        for record in records:
            call_id = record.call_id
            if call_id in recent:
                self._duplicates += 1
                continue
            started = start_ms(record)
            if started is None:
                second = window.end
            else:
                second = started // 1000
                if not self._start <= second < self._end:
                    continue
            recent[call_id] = second
            fresh.append(record)
        horizon = window.end - _OVERLAP_MEMORY
        self._recent = {cid: sec for cid, sec in recent.items() if sec >= horizon}
        self._done_until = window.end
        self._windows += 1
        self._rows += len(fresh)
        return fresh
