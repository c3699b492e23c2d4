"""One window being fetched page by page: what was requested, what came back, where it ends.

A window's query ``[low, high]`` pages stably (a closed past range, rows sorted by
``startTime``), so its pages are independent requests by number. The window knows which pages
are needed whatever the data (:meth:`WindowJob.certain`), how many it has once a page came back
short (``last``) or once it is cut after page ``cap`` (``cut``), and hands out each run of pages
back in a row (:meth:`WindowJob.take`).
"""

from __future__ import annotations

from nxcc_async._core.lazy import raw_reader
from nxcc_async._core.timeutil import as_epoch_ms
from nxcc_async.harvest import estimate
from nxcc_async.harvest.planner import Window
from nxcc_async.nxcc.records import CallRecord

#: ``cap`` of a window whose rows are out of ``startTime`` order: never cut, never estimated.
NEVER = 1 << 62
_start_raw = raw_reader(CallRecord, "start_time")


def start_ms(record: CallRecord) -> int | None:
    """A row's ``startTime`` in epoch milliseconds (read raw while the field is lazy: no
    ``datetime`` built)."""
    value = _start_raw(record)
    return value if value.__class__ is int else as_epoch_ms(value)


class WindowJob:
    """The pages of one window's query: requested, back, handed out."""

    __slots__ = (
        "after", "allowed", "bounds", "cap", "carry", "cut", "ends", "given", "heads", "high",
        "highest", "hope", "hoped", "index", "last", "low", "next", "pages", "pending", "prior",
        "probe_to", "proven", "sent", "start", "stop", "taken", "top",
    )  # fmt: skip

    def __init__(self, index: int, start: int, stop: int, cap: int, prior: float | None) -> None:
        self.index, self.start, self.stop = index, start, stop
        self.low, self.high = Window(index, start, stop).request_range
        self.cap = cap  # page ``cap`` full: the window ends at its last row's second
        self.prior = prior  # rows per second before a page of its own is back
        # pages estimated to exist: shaded (``allowed``), shaded more (up to where a probe
        # goes), not shaded (pages asked for only when slots would idle)
        self.allowed = self.probe_to = self.hope = 1
        self.pages: dict[int, list[CallRecord]] = {}  # back, not handed out
        self.ends: dict[int, float] = {}  # full page -> startTime of its last row (seconds)
        # page -> startTime of its first and last rows (ms), while the rows are in order
        self.bounds: dict[int, tuple[int, int]] = {}
        # two different startTimes seen ascending (within a page, or across two neighbours):
        # the order that cuts and early hand-outs rely on is shown, not only not contradicted
        self.proven = False
        self.heads: dict[int, str] = {}  # page -> the callId of its first row
        self.sent: set[int] = set()
        self.pending = 0  # pages in flight
        self.hoped: set[int] = set()  # pages in flight past the shaded estimate
        self.next = 1  # the lowest page not requested
        self.highest = 0  # the highest page requested
        self.top = 0  # the highest full page back
        self.last: int | None = None  # the first page that came back short
        self.cut: int | None = None  # the second the window ends at, when cut
        self.given, self.taken = 0, start  # pages handed out, and the second they reach
        self.carry: list[CallRecord] = []  # rows of the second ``taken``, for the next run
        self.after: WindowJob | None = None  # the next window in time

    @property
    def window(self) -> Window:
        """The seconds the window owns (up to its cut, once cut)."""
        return Window(self.index, self.start, self.stop if self.cut is None else self.cut)

    @property
    def count(self) -> int | None:
        """How many pages the window has, once known."""
        return self.last if self.last is not None else (self.cap if self.cut is not None else None)

    def head_rate(self, size: int) -> float | None:
        """Rows per second at the window's start, once its first full pages are back."""
        return estimate.head_rate(self.low, size, self.ends)

    def certain(self) -> int:
        """Pages needed whatever the data: up to the one after the newest full page."""
        return self.top + 1

    def _bound(self, limit: int) -> int:
        count = self.count
        return min(limit, self.cap if count is None else count)

    def probe(self, limit: int) -> int | None:
        """Page ``limit`` when it lies past every page requested and the page after the newest
        full one: it comes back soonest and tells the most about where the window ends (page
        ``cap``: where the next window starts)."""
        limit = self._bound(limit)
        return limit if limit > max(self.highest, self.top + 1) else None

    def lowest(self, limit: int) -> int | None:
        """The lowest page not requested, if it is ``<= limit``."""
        limit = self._bound(limit)
        while self.next in self.sent:
            self.next += 1
        return self.next if self.next <= limit else None

    def mark_sent(self, number: int) -> None:
        self.sent.add(number)
        self.highest = max(self.highest, number)

    def take(self) -> tuple[Window, list[CallRecord], bool] | None:
        """The pages back in a row after those handed out, as a window of their own (the
        seconds before their last row are complete), and whether they end the window."""
        n = self.given
        while n + 1 in self.pages:
            n += 1
        if n == self.given:
            return None
        done = n == self.count
        if done:
            end = self.window.end
        elif n in self.ends and self.proven:
            end = min(int(self.ends[n]), self.window.end)
            if end <= self.taken:
                return None
        else:
            return None  # rows out of order, or not yet shown in order: handed out whole
        records, self.carry = self.carry, []
        for number in range(self.given + 1, n + 1):
            records += self.pages.pop(number)
        if not done:  # rows of the second ``end`` go with the next run
            keep = len(records)
            while keep and (start_ms(records[keep - 1]) or 0) >= end * 1000:
                keep -= 1
            records, self.carry = records[:keep], records[keep:]
        window = Window(self.index, self.taken, end)
        self.given, self.taken = n, end
        return window, records, done
