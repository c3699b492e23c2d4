"""The page scheduler: ``concurrency`` page requests in flight, windows handed out in time order.

The unit of parallel work is a *page*. The pages of one window's query are independent requests
by page number (a closed past range pages stably), so a window has many pages in flight at once:

- **Certain pages first.** Page 1 of a window, and every page up to the one after the newest
  full page, are needed whatever the data: they go out first, oldest window first.
- **Estimated pages next.** Past that, a window's pages are requested up to what
  :mod:`~nxcc_async.harvest.estimate` says very likely exists (refined as each page returns).
  No page is requested past a page known to be short.
- **Few windows, cut for free.** The period starts as a few segments (see
  :func:`~nxcc_async.harvest.planner.segments`), one window each. A window has at most ``cap``
  pages: when page ``cap`` comes back full, the seconds before its last row are all in pages
  ``1..cap``, so the window ends there and a new window (a new query) takes the rest of the
  segment, its pages estimated from the density just seen. A cut costs no request (the window
  ends on a full page); only a segment's end costs a partial page. Page ``cap`` goes out first
  once it is estimated to exist, so the next window starts a round trip later.
- **Bounded memory.** Pages held (back, not handed out) plus pages in flight stay within
  ``budget``; only the oldest window may go beyond it, so the harvest always moves.

Cuts rely on the rows' order (by ``startTime``): a window whose page is not in ascending order
is never cut nor estimated, its pages are fetched one after another to its short page.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from functools import partial

from nxcc_async._core.errors import HarvestError, NXCCError
from nxcc_async._core.page import Page
from nxcc_async.harvest import estimate
from nxcc_async.harvest.planner import Window, segments
from nxcc_async.harvest.state import Source
from nxcc_async.nxcc.records import CallRecord

#: Requests for pages past a window's end (empty) after which pages are sent only on the shaded
#: estimate, not to fill idle slots.
WASTE = 2
HOPE = 0.0
PROBE = 0.5
HOPE_EXTRA = 0
#: No cut: a window whose rows are not in ``startTime`` order pages to its end.
_NEVER = 1 << 62


def _second(record: CallRecord) -> float | None:
    start = record.start_time
    return None if start is None else start.timestamp()


class _Job:
    """One window being fetched: its query, the pages back by number, where it ends."""

    __slots__ = (
        "allowed", "cap", "carry", "cut", "ends", "given", "high", "highest", "hoped", "index",
        "last", "low", "next", "pages", "prior", "sent", "start", "stop", "taken", "top",
    )  # fmt: skip

    def __init__(self, index: int, start: int, stop: int, cap: int, prior: float | None) -> None:
        self.index, self.start, self.stop = index, start, stop
        self.low, self.high = Window(index, start, stop).request_range
        self.cap = cap  # pages at most: page ``cap`` full cuts the window after it
        self.prior = prior  # rows per second before a page of its own is back
        self.pages: dict[int, list[CallRecord]] = {}
        self.ends: dict[int, float] = {}  # full page -> startTime of its last row (seconds)
        self.sent: set[int] = set()
        self.next = 1  # the lowest page not sent
        self.highest = 0  # the highest page sent
        self.hoped: set[int] = set()  # pages in flight past the shaded estimate
        self.given, self.taken = 0, start  # pages handed out, and the second they reach
        self.carry: list[CallRecord] = []  # rows handed out with the next run
        self.top = 0  # the highest full page back
        self.last: int | None = None  # the first short page
        self.cut: int | None = None  # the second it ends at when cut
        self.allowed = 1

    @property
    def window(self) -> Window:
        return Window(self.index, self.start, self.stop if self.cut is None else self.cut)

    @property
    def count(self) -> int | None:
        """How many pages the window has, once known."""
        return self.last if self.last is not None else (self.cap if self.cut is not None else None)

    def _bound(self, limit: int) -> int:
        count = self.count
        return min(limit, self.cap if count is None else count)

    def probe(self, limit: int) -> int | None:
        """Page ``limit`` when it lies past every page requested: it comes back first and tells
        where the window ends (page ``cap``: where the next window starts)."""
        limit = self._bound(limit)
        return limit if limit > self.highest else None

    def page_to_send(self, limit: int) -> int | None:
        """The lowest page not requested, if it is ``<= limit``."""
        limit = self._bound(limit)
        while self.next in self.sent:
            self.next += 1
        return self.next if self.next <= limit else None

    def certain(self) -> int:
        """Pages needed whatever the data: up to the one after the newest full page."""
        return self.top + 1


class PageScheduler:
    """Fetches ``[start, end)`` from ``source`` page by page; :meth:`windows` yields each
    finished window with its records (in page order), in time order."""

    def __init__(
        self, source: Source, start: int, end: int, *, shortest: int, rate: float | None = None
    ) -> None:
        self._fetch = source.fetch
        self._size = source.page_size
        self._concurrency = max(1, source.concurrency)
        self.cap = max(16, 2 * self._concurrency)
        self.budget = 4 * self.cap
        self.rate = rate
        self._timeline = [
            _Job(i, a, b, self.cap, rate)
            for i, (a, b) in enumerate(
                segments(start, end, concurrency=self._concurrency, shortest=shortest)
            )
        ]
        for job in self._timeline:
            job.allowed = self._estimate(job)
        self._next_index = len(self._timeline)
        self._tasks: set[asyncio.Future[Page[CallRecord]]] = set()
        self._inflight = self._held = 0
        self._error: BaseException | None = None
        self._wake = asyncio.Event()
        self._fill_soon = False
        self._hoping = 0
        self._closed = False
        #: requests sent, most requests in flight at once, most pages held at once
        self.requests = self.peak_inflight = self.peak_held = self.wasted = 0

    # -- sending ---------------------------------------------------------------------------------

    def _choose(self) -> tuple[_Job, int] | None:
        """The next page to request; beyond the oldest window, only while the budget allows.

        In order: a probe (the highest page a window is estimated to have, past all its pages
        requested: what it tells shortens the window's chain of round trips), a certain page
        (oldest window first), an estimated page (the window with the most of them first), and,
        while slots would idle and few requests were wasted, a page past the shaded estimate."""
        room = self.budget - self._held - self._inflight > 0
        jobs = self._timeline if room else self._timeline[:1]
        for job in jobs:
            number = job.probe(min(job.allowed, self._estimate(job, PROBE)))
            if number is not None and number > job.top + 1:
                return job, number
        for job in jobs:
            number = job.page_to_send(job.certain())
            if number is not None:
                return job, number
        best: tuple[int, _Job, int] | None = None
        for job in jobs:
            number = job.page_to_send(job.allowed)
            if number is not None and (best is None or job.allowed - len(job.sent) > best[0]):
                best = (job.allowed - len(job.sent), job, number)
        if best is not None:
            return best[1], best[2]
        if self.wasted + self._hoping < WASTE:
            for job in jobs:  # slots would idle: a page past the shaded estimate, oldest first
                number = job.page_to_send(self._estimate(job, HOPE) + HOPE_EXTRA)
                if number is not None and number > job.top + 1:
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
            job.sent.add(number)
            job.highest = max(job.highest, number)
            self._inflight += 1
            self.requests += 1
            self.peak_inflight = max(self.peak_inflight, self._inflight)
            task = asyncio.ensure_future(self._fetch(job.low, job.high, number))
            self._tasks.add(task)
            task.add_done_callback(partial(self._done, job, number))

    def _done(self, job: _Job, number: int, task: asyncio.Future[Page[CallRecord]]) -> None:
        self._tasks.discard(task)
        self._inflight -= 1
        if task.cancelled():
            return
        try:
            exc = task.exception()
            if exc is not None:
                self._error = self._error or self._failure(job, number, exc)
            else:
                self._receive(job, number, task.result().items)
            if not self._fill_soon:  # after every page that came back in this loop turn
                self._fill_soon = True
                asyncio.get_running_loop().call_soon(self._fill_later)
        except Exception as bug:  # surfaced by windows(), not lost in a callback
            self._error = self._error or bug
        finally:
            self._wake.set()

    def _fill_later(self) -> None:
        self._fill_soon = False
        try:
            self._fill()
        except Exception as bug:  # surfaced by windows(), not lost in a callback
            self._error = self._error or bug
        self._wake.set()

    @staticmethod
    def _failure(job: _Job, number: int, exc: BaseException) -> BaseException:
        if not isinstance(exc, NXCCError):
            return exc
        error = HarvestError(
            f"{job.window} (request {job.low}..{job.high}), page {number} kept failing: {exc}. "
            "The windows before it are complete: with a checkpoint, a rerun resumes."
        )
        error.__cause__ = exc
        return error

    # -- receiving -------------------------------------------------------------------------------

    def _receive(self, job: _Job, number: int, items: list[CallRecord]) -> None:
        if number in job.hoped:
            job.hoped.discard(number)
            self._hoping -= 1
        count = job.count
        if count is not None and number > count:
            return  # past the short page (or the cut): empty by the query's own order
        full = len(items) >= self._size
        if not full:
            if job.cut is not None:
                raise HarvestError(
                    f"{job.window}: page {number} came back short after page {job.cap} was "
                    "full; the server's data changed during the harvest, rerun it"
                )
            job.last = number
            self.wasted += sum(1 for n in job.sent if n > number)
            for later in [n for n in job.pages if n > number]:
                del job.pages[later]
                self._held -= 1
        job.pages[number] = items
        self._held += 1
        self.peak_held = max(self.peak_held, self._held)
        if full:
            self._learn(job, number, items)

    def _learn(self, job: _Job, number: int, items: list[CallRecord]) -> None:
        """A full page: where its rows end, the window's new estimate, a cut at page ``cap``."""
        job.top = max(job.top, number)
        first, last = _second(items[0]), _second(items[-1])
        if first is None or last is None or first > last or job.cap == _NEVER:
            job.cap, job.allowed = _NEVER, 1  # rows out of order: no estimate, no cut
            return
        job.ends[number] = last
        job.allowed = self._estimate(job)
        i = self._timeline.index(job)
        if i and number <= estimate.PACE_PAGES:  # the window before learns the rate after it
            before = self._timeline[i - 1]
            before.allowed = self._estimate(before)
        self.rate = estimate.rate(job.low, self._size, job.ends, job.prior)
        if number == job.cap and job.last is None:
            self._cut(job, int(last))

    def _estimate(self, job: _Job, margin: float | None = None) -> int:
        """Pages ``job`` very likely has; a window with no prior density runs at most its share
        of the slots, or as many pages as it has back, ahead of its newest full page."""
        pages = estimate.pages(
            job.low, job.high, self._size, job.ends, job.prior, self._after(job), margin
        )
        if job.prior is None:
            share = -(-self._concurrency // max(1, len(self._timeline)))
            pages = min(pages, job.top + max(job.top + 1, share))
        return pages

    def _after(self, job: _Job) -> float | None:
        """The rate at the start of the window after ``job`` in time, when seen."""
        i = self._timeline.index(job) if job in self._timeline else -1
        if i < 0 or i + 1 >= len(self._timeline):
            return None
        nxt = self._timeline[i + 1]
        return estimate.head_rate(nxt.low, self._size, nxt.ends)

    def _cut(self, job: _Job, second: int) -> None:
        """End ``job`` at ``second`` (the rows before it are in pages ``1..cap``) and let a new
        window take the rest of the segment."""
        if second <= job.start:
            job.cap += self.cap  # one second fills the pages: page on
            return
        job.cut = min(second, job.stop)
        if job.cut < job.stop:
            rest = _Job(self._next_index, job.cut, job.stop, self.cap, self.rate)
            rest.allowed = self._estimate(rest)
            self._next_index += 1
            self._timeline.insert(self._timeline.index(job) + 1, rest)

    # -- the stream ------------------------------------------------------------------------------

    def _take(self, job: _Job) -> tuple[Window, list[CallRecord]] | None:
        """The pages of ``job`` back in a row after those handed out, as a window of their own:
        the seconds before the last row are done (rows are in ``startTime`` order); all of its
        pages once the window is complete."""
        n = job.given
        while n + 1 in job.pages:
            n += 1
        if n == job.given:
            return None
        if n == job.count:
            end = job.window.end
            self._timeline.remove(job)
        elif n in job.ends:
            end = min(int(job.ends[n]), job.window.end)
            if end <= job.taken:
                return None
        else:
            return None  # rows out of order: the window is handed out whole
        records, job.carry = job.carry, []
        for number in range(job.given + 1, n + 1):
            records += job.pages.pop(number)
        self._held -= n - job.given
        if n != job.count:  # rows of the second ``end`` go with the next run
            keep = len(records)
            while keep and (_second(records[keep - 1]) or 0.0) >= end:
                keep -= 1
            records, job.carry = records[:keep], records[keep:]
        window = Window(job.index, job.taken, end)
        job.given, job.taken = n, end
        return window, records

    async def windows(self) -> AsyncGenerator[tuple[Window, list[CallRecord]], None]:
        """The windows' records in time order, each run of pages back as soon as it is (as a
        window of its own: see :meth:`_take`). Leaving early cancels the pages in flight."""
        self._wake = asyncio.Event()
        try:
            while self._timeline:
                head = self._timeline[0]
                taken = self._take(head)
                if taken is not None:
                    self._fill()
                    yield taken
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
