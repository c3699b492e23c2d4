"""The page scheduler: ``concurrency`` page requests in flight, windows handed out in time order.

The unit of parallel work is a *page*: the pages of one window's query are independent requests
by number (see :mod:`~nxcc_async.harvest.job`), so a window has many pages in flight at once.

- **Few windows, cut for free.** The period starts as a few segments
  (:func:`~nxcc_async.harvest.planner.segments`), one window each: a window's end costs half a
  request on average (its last page is partial), and together their first pages sample the
  density of the whole period. A window has at most ``cap`` pages: when page ``cap`` comes back
  full, the seconds before its last row are all in pages ``1..cap``, so the window ends there and
  a new window (a new query) takes the rest of the segment. A cut costs no request.
- **Which page next**, each time a slot frees (after every page back in that turn of the loop):
  a *probe* (the highest page a window is estimated to have with a wide margin, past all its
  pages requested: it tells where the window ends while the pages below it are still being
  fetched; page ``cap`` is one), a *certain* page (up to the one after the newest full page:
  needed whatever the data; oldest window first), an *estimated* page (up to what
  :mod:`~nxcc_async.harvest.estimate` says very likely exists; the window with the most of them
  first), and, only when slots would idle and fewer than ``WASTE`` requests were wasted, one page
  per window past the shaded estimate. No page past a page that came back short is requested.
- **Bounded memory.** Pages held (back, not handed out) plus pages in flight stay within
  ``budget``; only the oldest window may go beyond it, so the harvest always moves, and windows
  of later segments leave ``cap`` pages of it to the oldest window's segment. The
  oldest window's pages are handed out as soon as they are back in a row.

Cuts, estimates and early hand-out rely on the rows' ``startTime`` order (the vendor does not
document it). A window whose rows are seen out of order, within a page or across two neighbour
pages, is never cut nor estimated: its pages go one after another to its short page, and it is
handed out whole. Not contradicted is not enough: a window is cut or handed out early only once
two different times were seen ascending (a server listing newest first, with one second per
page or one row per page, shows no order within a page), and cut only once every page below
the cut is back and in order with its neighbours. A window whose pages all show one time pages
on past ``cap``.
"""

from __future__ import annotations

import asyncio
import itertools
import operator
from collections.abc import AsyncGenerator
from functools import partial
from typing import cast

from nxcc_async._core.errors import HarvestError, NXCCError
from nxcc_async._core.page import Page
from nxcc_async.harvest import estimate
from nxcc_async.harvest.job import NEVER, WindowJob, start_ms
from nxcc_async.harvest.planner import Window, segments
from nxcc_async.harvest.state import Source
from nxcc_async.nxcc.records import CallRecord

#: Empty pages past windows' ends after which no page is requested past a shaded estimate.
WASTE = 2
#: The margin of the estimate that probes go up to (wider than the estimated pages').
PROBE_MARGIN = 0.5
#: Pages held plus pages in flight at most, in windows of ``cap`` pages.
BUDGET_CAPS = 4


def _out_of_order(job: WindowJob) -> None:
    """Rows out of ``startTime`` order: the window is never cut nor estimated, its pages go one
    after another to its short page, and it is handed out whole."""
    job.cap = NEVER
    job.ends.clear()
    job.bounds.clear()


class PageScheduler:
    """Fetches ``[start, end)`` from ``source`` page by page; :meth:`windows` yields the
    records in time order, in runs of pages (each with the window of seconds it completes)."""

    def __init__(
        self, source: Source, start: int, end: int, *, shortest: int, rate: float | None = None
    ) -> None:
        self._fetch = source.fetch
        self._size = source.page_size
        self._concurrency = max(1, source.concurrency)
        self.cap = max(16, 2 * self._concurrency)
        self.budget = BUDGET_CAPS * self.cap
        #: rows per second at the newest page back (saved in checkpoints: a resume starts on it)
        self.rate = rate
        self._seen: dict[int, float] = {}  # window -> its average rate over its full pages
        # the sum of those rates over the windows handed out, and their count; a resumed
        # harvest starts from the saved rate, for estimates past what its pages show only
        self._past = (0.0, 0) if rate is None else (rate, 1)
        parts = segments(start, end, concurrency=self._concurrency, shortest=shortest)
        self._timeline = [WindowJob(i, a, b, self.cap, None) for i, (a, b) in enumerate(parts)]
        for before, after in itertools.pairwise(self._timeline):
            before.after = after
        self._next_index = len(self._timeline)
        self._tasks: set[asyncio.Future[Page[CallRecord]]] = set()
        self._inflight = self._held = self._hoping = 0
        self._error: BaseException | None = None
        self._wake = asyncio.Event()
        self._fill_soon = self._closed = False
        self._dirty = True  # page limits of every window to recompute
        self._stale: set[WindowJob] = set()  # windows with a new page back since
        #: requests sent, empty pages past windows' ends, most in flight, most pages held
        self.requests = self.wasted = self.peak_inflight = self.peak_held = 0

    # -- estimates -------------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Page limits from what is known now: of the windows with a new page back, and of all
        of them after a cut, a window handed out, or as many new pages as there are windows
        (the overall rate and the rates after each window move slowly). A window with no
        density to start from goes at most its share of the slots, or as many pages as it has
        back, past its newest full page."""
        timeline = self._timeline
        if self._dirty or len(self._stale) >= len(timeline):
            jobs: list[WindowJob] | set[WindowJob] = timeline
            self._dirty = False
        elif self._stale:
            jobs = self._stale
        else:
            return
        # the mean of the windows' own rates: each samples the density where it started (a sum
        # of rows over a sum of seconds would weigh the long, sparse samples most)
        count = self._past[1] + len(self._seen)
        overall = (self._past[0] + sum(self._seen.values())) / count if count else None
        share = -(-self._concurrency // max(1, len(timeline)))
        for job in jobs:
            if job.cap == NEVER:
                job.allowed = job.probe_to = job.hope = 0  # rows out of order: certain pages only
                continue
            after = None if job.after is None else job.after.head_rate(self._size)
            ahead = estimate.rows_ahead(
                job.low, job.high, self._size, job.ends, job.top, prior=job.prior, after=after,
                overall=overall,
            )  # fmt: skip
            limit = job.top + max(job.top + 1, share) if job.prior is None else NEVER
            job.allowed = min(limit, estimate.pages(job.top, self._size, ahead))
            job.probe_to = min(
                job.allowed, estimate.pages(job.top, self._size, ahead, PROBE_MARGIN)
            )
            job.hope = min(limit, estimate.pages(job.top, self._size, ahead, 0.0))
        self._stale = set()

    # -- sending ---------------------------------------------------------------------------------

    def _allowed_to_send(self) -> list[WindowJob]:
        """The windows that may have pages requested now: the oldest always; the others while
        pages held plus in flight are under the budget, and those of other segments than the
        oldest window's only while they leave a window's worth of it (``cap`` pages) to the
        oldest window's segment, where the harvest goes next."""
        head = self._timeline[0] if self._timeline else None
        if head is None or self._held + self._inflight >= self.budget:
            return self._timeline[:1]
        ahead = sum(len(j.pages) + j.pending for j in self._timeline if j.stop != head.stop)
        if ahead < self.budget - self.cap:
            return self._timeline
        return [job for job in self._timeline if job.stop == head.stop]

    def _choose(self) -> tuple[WindowJob, int] | None:
        """The next page to request (see the module doc for the order)."""
        jobs = self._allowed_to_send()
        self._refresh()
        for job in jobs:
            number = job.probe(job.probe_to)
            if number is not None:
                return job, number
        for job in jobs:
            number = job.lowest(job.certain())
            if number is not None:
                return job, number
        best: tuple[int, WindowJob, int] | None = None
        for job in jobs:
            number = job.lowest(job.allowed)
            if number is not None and (best is None or job.allowed - len(job.sent) > best[0]):
                best = (job.allowed - len(job.sent), job, number)
        if best is not None:
            return best[1], best[2]
        if self.wasted + self._hoping < WASTE:
            for job in jobs:
                number = job.lowest(job.hope)
                if number is not None and number > job.certain() and not job.hoped:
                    job.hoped.add(number)
                    self._hoping += 1
                    return job, number
        return None

    def _fill(self) -> None:
        while self._inflight < self._concurrency and self._error is None and not self._closed:
            chosen = self._choose()
            if chosen is None:
                return
            job, number = chosen
            job.mark_sent(number)
            job.pending += 1
            self._inflight += 1
            self.requests += 1
            self.peak_inflight = max(self.peak_inflight, self._inflight)
            task = asyncio.ensure_future(self._fetch(job.low, job.high, number))
            self._tasks.add(task)
            task.add_done_callback(partial(self._done, job, number))

    def _fill_later(self) -> None:
        self._fill_soon = False
        try:
            self._fill()
        except Exception as bug:  # surfaced by windows(), not lost in a callback
            self._error = self._error or bug
        self._wake.set()

    def _done(self, job: WindowJob, number: int, task: asyncio.Future[Page[CallRecord]]) -> None:
        self._tasks.discard(task)
        self._inflight -= 1
        job.pending -= 1
        if task.cancelled():
            return
        try:
            exc = task.exception()
            if exc is not None:
                self._error = self._error or self._failure(job, number, exc)
            else:
                self._receive(job, number, task.result().items)
            if not self._fill_soon:  # once every page back in this turn of the loop is known
                self._fill_soon = True
                asyncio.get_running_loop().call_soon(self._fill_later)
        except Exception as bug:  # surfaced by windows(), not lost in a callback
            self._error = self._error or bug
        finally:
            self._wake.set()

    @staticmethod
    def _failure(job: WindowJob, number: int, exc: BaseException) -> BaseException:
        if not isinstance(exc, NXCCError):
            return exc
        error = HarvestError(
            f"{job.window} (request {job.low}..{job.high}), page {number} kept failing: {exc}. "
            "The windows before it are complete, and a resumed run (from a checkpoint, or a "
            "sync's saved state) goes on after them."
        )
        error.__cause__ = exc
        return error

    # -- receiving -------------------------------------------------------------------------------

    def _receive(self, job: WindowJob, number: int, items: list[CallRecord]) -> None:
        self._stale.add(job)
        if number in job.hoped:
            job.hoped.discard(number)
            self._hoping -= 1
        count = job.count
        if count is not None and number > count:
            return  # past the short page (or the cut): empty by the query's own order
        if items:
            self._check_repeat(job, number, items[0].call_id)
        full = len(items) >= self._size
        if not full:
            if job.cut is not None:
                raise HarvestError(
                    f"{job.window}: page {number} came back short after page {job.cap} was "
                    "full; the server's data changed during the harvest, rerun it"
                )
            before = NEVER if job.last is None else job.last  # pages past it already counted
            job.last = number
            self.wasted += sum(1 for n in job.sent if number < n <= before)
            for later in [n for n in job.pages if n > number]:
                del job.pages[later]
                self._held -= 1
        job.pages[number] = items
        self._held += 1
        self.peak_held = max(self.peak_held, self._held)
        self._check_order(job, number, items)
        if full:
            self._learn(job, number)
        self._try_cut(job)

    @staticmethod
    def _check_repeat(job: WindowJob, number: int, head: str) -> None:
        """Refuse a page that starts with the call its neighbour starts with: a server that
        answers a page past the end with the last page again (pages past the end are empty)
        would otherwise be paged for ever, or its rows handed out twice."""
        for other in (number - 1, number + 1):
            if job.heads.get(other) == head:
                raise HarvestError(
                    f"{job.window}: pages {min(number, other)} and {max(number, other)} both "
                    f"start with call {head!r}: the server repeats a page (past the end of the "
                    "window, or its data changed during the harvest), so where the window ends "
                    "cannot be told. The windows before it are complete"
                )
        job.heads[number] = head

    @staticmethod
    def _check_order(job: WindowJob, number: int, items: list[CallRecord]) -> None:
        """Watch the rows' ``startTime`` order across the window's pages. A row older than one
        before it, within the page or across a neighbour page, or a row without a time, puts
        the window out of order (never cut, estimated or handed out early); two different
        times in ascending order show the order that cuts and early hand-outs rely on."""
        if job.cap == NEVER or not items:
            return
        found = list(map(start_ms, items))
        times = cast(list[int], found)
        if None in found or not all(map(operator.le, times, itertools.islice(times, 1, None))):
            _out_of_order(job)
            return
        first, last = times[0], times[-1]
        before, after = job.bounds.get(number - 1), job.bounds.get(number + 1)
        if (before is not None and before[1] > first) or (after is not None and last > after[0]):
            _out_of_order(job)
            return
        job.bounds[number] = (first, last)
        if (
            first < last
            or (before is not None and before[1] < first)
            or (after is not None and last < after[0])
        ):
            job.proven = True

    def _learn(self, job: WindowJob, number: int) -> None:
        """A full page: where its rows end, and the estimates that changes."""
        job.top = max(job.top, number)
        if job.cap == NEVER:
            return
        last = job.bounds[number][1] / 1000
        job.ends[number] = last
        if number == max(job.ends):
            self._seen[job.index] = number * self._size / max(1.0, last - job.low)
            self.rate = estimate.rate(job.low, self._size, job.ends, job.prior)

    def _try_cut(self, job: WindowJob) -> None:
        """Once page ``cap`` is full and every page below it is back, in order with its
        neighbours: cut the window there if it was shown to be in order, else (one
        ``startTime`` on all those pages: nothing tells where the window's rows end) page on."""
        if job.cut is not None or job.last is not None or job.cap not in job.ends:
            return
        if any(n not in job.bounds for n in range(1, job.cap)):
            return
        if job.proven:
            self._cut(job, int(job.ends[job.cap]))
        else:
            job.cap += self.cap

    def _cut(self, job: WindowJob, second: int) -> None:
        """End ``job`` at ``second`` (the rows before it are in pages ``1..cap``) and let a new
        window take the rest of the segment."""
        if second <= job.start:
            job.cap += self.cap  # one second fills the pages: page on
            return
        job.cut = min(second, job.stop)
        if job.cut < job.stop:
            rest = WindowJob(self._next_index, job.cut, job.stop, self.cap, self.rate)
            rest.after, job.after = job.after, rest
            self._dirty = True
            self._next_index += 1
            self._timeline.insert(self._timeline.index(job) + 1, rest)

    # -- the stream ------------------------------------------------------------------------------

    async def windows(self) -> AsyncGenerator[tuple[Window, list[CallRecord]], None]:
        """The records in time order: each run of the oldest window's pages back in a row, with
        the window of seconds it completes. Leaving early cancels the pages in flight."""
        self._wake = asyncio.Event()
        try:
            while self._timeline:
                head = self._timeline[0]
                held = len(head.pages)
                taken = head.take()
                if taken is not None:
                    window, records, done = taken
                    self._held -= held - len(head.pages)
                    if done:
                        del self._timeline[0]
                        self._dirty = True
                        if head.index in self._seen:
                            rate = self._seen.pop(head.index)
                            self._past = (self._past[0] + rate, self._past[1] + 1)
                    self._fill()
                    yield window, records
                    continue
                if self._error is not None:
                    raise self._error
                self._fill()
                if self._error is None and not self._inflight:
                    raise RuntimeError(f"the harvest cannot move at {head.window}")  # a bug
                self._wake.clear()
                await self._wake.wait()
            if self._error is not None:
                raise self._error
        finally:
            self._closed = True
            for task in list(self._tasks):
                task.cancel()
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
