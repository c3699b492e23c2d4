"""The harvester: every CDR of a period exactly once, windows fetched concurrently, in order.

- It knows no client: a :class:`~nxcc_async.harvest.state.Source` gives it a page function
  ``fetch(low, high, page)``, the concurrency, the page size and the harvest's fingerprint
  (``cdrs.harvest`` passes one whose pages go through the client's throttle and retries).
- The period ``[start, end)`` (by the calls' ``startTime``) is cut into windows by the
  :class:`~nxcc_async.harvest.planner.Planner`; up to ``2 x concurrency`` windows are in flight,
  the pages of one window are fetched one after another (``cdr/page`` has no total) by the one
  paging loop of ``_core/pagination.py``; a failing page is retried by the client on its own, a
  page that keeps failing stops the harvest with a ``HarvestError`` naming window and page.
- Finished windows are handed out **in time order**, one batch per window. Memory is bounded by
  the windows in flight, never by the period: nothing new is requested while the consumer is
  busy (back-pressure).
- Windows overlap by a second or two at their edges (see the planner), so calls in an overlap
  may come twice: they are dropped by ``callId`` against the ids of the last few seconds only.
- ``state()`` after a batch (a :class:`~nxcc_async.harvest.state.HarvestState`) is everything
  needed to resume right after it; ``cdrs.harvest(checkpoint=...)`` and ``cdrs.export`` save it.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing

import attrs

from nxcc_async._core.errors import HarvestError, NXCCError
from nxcc_async._core.lazy import raw_reader
from nxcc_async._core.page import Page
from nxcc_async._core.pagination import iter_pages_until_short
from nxcc_async.harvest.planner import Planner, Window
from nxcc_async.harvest.state import HarvestState, Source
from nxcc_async.nxcc.records import CallRecord

#: Seconds of ids kept for de-duplication behind the last finished window.
_OVERLAP_MEMORY = 2
_start_raw = raw_reader(CallRecord, "start_time")


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
        self._planner = Planner(
            self._done_until,
            end,
            target=max(1, source.page_size * 9 // 10),
            initial=window,
            maximum=max(window, 7 * 86400),
            rate=rate,
        )
        self._ahead = 2 * source.concurrency
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
            rate=self._planner.calls_per_second,
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
        pending: deque[tuple[Window, asyncio.Task[list[CallRecord]]]] = deque()
        try:
            while pending or not self._planner.exhausted:
                self._refill(pending)
                window, task = pending[0]
                if not task.done():
                    # wake on whichever window finishes first, so a slow head window does not
                    # stop the others from being replaced
                    running = {t for _, t in pending if not t.done()}
                    await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                    continue
                pending.popleft()
                fresh = self._accept(window, task.result())
                if self._on_progress is not None:
                    self._on_progress(self.progress())
                if fresh:
                    yield fresh
        finally:
            for _, task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*(task for _, task in pending), return_exceptions=True)

    def _refill(self, pending: deque[tuple[Window, asyncio.Task[list[CallRecord]]]]) -> None:
        """Start windows while fewer than ``2 x max_concurrency`` are running and fewer than
        ``8 x max_concurrency`` are held (running or finished, waiting for their turn). Until
        the first window has finished, only one runs: the density it shows sizes the rest."""
        planner = self._planner
        running = sum(1 for _, task in pending if not task.done())
        limit = self._ahead if planner.calls_per_second is not None else 4
        while not planner.exhausted and running < limit and len(pending) < 4 * self._ahead:
            window = planner.next_window()
            pending.append((window, asyncio.ensure_future(self._fetch(window))))
            running += 1

    async def _fetch(self, window: Window) -> list[CallRecord]:
        low, high = window.request_range
        fetch = self._source.fetch

        async def page(number: int) -> Page[CallRecord]:
            try:
                return await fetch(low, high, number)
            except NXCCError as exc:
                raise HarvestError(
                    f"{window} (request {low}..{high}), page {number} kept failing: {exc}. "
                    "The windows before it are complete: with a checkpoint, a rerun resumes."
                ) from exc

        records: list[CallRecord] = []
        async with aclosing(iter_pages_until_short(page)) as pages:
            async for found in pages:
                records.extend(found.items)
        self._planner.observe(window, len(records))
        return records

    def _accept(self, window: Window, records: list[CallRecord]) -> list[CallRecord]:
        """Drop calls seen in the overlap or outside the period; remember the recent ids."""
        recent = self._recent
        fresh: list[CallRecord] = []
        for record in records:
            call_id = record.call_id
            if call_id in recent:
                self._duplicates += 1
                continue
            started = _start_raw(record)  # epoch ms while lazy: no datetime built
            if started is None:
                second = window.end
            else:
                second = started // 1000 if started.__class__ is int else int(started.timestamp())
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
