"""The page scheduler against a fake server: exactly once, in order, no page past a short page,
the slots used, memory bounded, windows cut at a full page, rows out of order."""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import random
from contextlib import aclosing

import attrs
import pytest

from nxcc_async._core.errors import HarvestError
from nxcc_async._core.page import Page
from nxcc_async.emulator.data import EmulatorData
from nxcc_async.harvest.harvester import Harvester
from nxcc_async.harvest.state import Source
from nxcc_async.nxcc.records import CallRecord

UTC = dt.timezone.utc
MONDAY = 1_709_510_400
DAY, WEEK = 86_400, 7 * 86_400


@attrs.define
class FakeServer:
    """``cdr/page`` over ``rows`` (sorted by startTime, callId; or by ``order``): the
    ``[low, high]`` rule, a latency, and a log of every request and answer."""

    rows: list[CallRecord]
    size: int = 100
    latency: float = 0.002
    order: str = "time"
    repeat_last: bool = False  # answer pages past the end with the last page, not an empty one
    sent: list[tuple[int, int, int]] = attrs.field(factory=list)
    #: (query, page, rows) in the order the answers came back
    answers: list[tuple[tuple[int, int], int, int]] = attrs.field(factory=list)
    #: for each request: the answers back when it was sent
    known: list[int] = attrs.field(factory=list)
    in_flight: int = 0
    peak: int = 0
    gate: asyncio.Semaphore | None = None
    _keys: list[float] = attrs.field(factory=list)

    def __attrs_post_init__(self) -> None:
        self._keys = [r.start_time.timestamp() for r in self.rows]  # type: ignore[union-attr]

    async def fetch(self, low: int, high: int, number: int) -> Page[CallRecord]:
        assert self.gate is not None
        async with self.gate:  # the client's throttle: requests in flight at most
            self.sent.append((low, high, number))
            self.known.append(len(self.answers))
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            try:
                await asyncio.sleep(self.latency)
            finally:
                self.in_flight -= 1
        hits = self.rows[
            bisect.bisect_left(self._keys, low) : bisect.bisect_left(self._keys, high + 1)
        ]
        if self.order == "call_id":
            hits = sorted(hits, key=lambda r: r.call_id)
        elif self.order == "newest":
            hits = hits[::-1]
        elif self.order == "pages_newest":  # the pages newest first, each page's rows ascending
            newest = hits[::-1]
            pages = [newest[i : i + self.size][::-1] for i in range(0, len(newest), self.size)]
            hits = [row for page in pages for row in page]
        items = hits[(number - 1) * self.size : number * self.size]
        if not items and self.repeat_last and hits:
            items = hits[(len(hits) - 1) // self.size * self.size :]
        self.answers.append(((low, high), number, len(items)))
        return Page(items=items, page=number, size=self.size)

    def source(self, concurrency: int) -> Source:
        self.gate = asyncio.Semaphore(concurrency)
        return Source(self.fetch, concurrency=concurrency, page_size=self.size, fingerprint="t")

    def pages_needed(self, start: int, end: int) -> int:
        """What the sequential page loop over ``[start, end)`` requests."""
        n = bisect.bisect_left(self._keys, end) - bisect.bisect_left(self._keys, start)
        return n // self.size + 1


def week(profile: str, per_day: int = 1500) -> list[CallRecord]:
    data = EmulatorData(seed=7, tenant_id=144, cdrs_per_day=per_day, profile=profile)
    return [
        CallRecord(
            call_id=c["callId"], start_time=dt.datetime.fromtimestamp(c["startTime"] / 1000, UTC)
        )
        for c in data.cdrs.iter(MONDAY - 5, MONDAY + WEEK + 5)
    ]


def truth(rows: list[CallRecord], start: int, end: int) -> list[str]:
    return [r.call_id for r in rows if start <= r.start_time.timestamp() < end]  # type: ignore[union-attr]


async def harvest(server: FakeServer, concurrency: int, start: int, end: int) -> list[str]:
    harvester = Harvester(server.source(concurrency), start, end)
    return [r.call_id async for batch in harvester.batches() for r in batch]


@pytest.mark.parametrize("profile", ["office", "skewed", "flat"])
async def test_a_week_exactly_once_in_order_with_few_requests_wasted(profile: str) -> None:
    rows = week(profile)
    server = FakeServer(rows)
    got = await harvest(server, 16, MONDAY, MONDAY + WEEK)
    assert got == truth(rows, MONDAY, MONDAY + WEEK)
    assert len(server.sent) <= server.pages_needed(MONDAY, MONDAY + WEEK) * 1.08
    assert len(set(server.sent)) == len(server.sent)  # no page asked twice


@pytest.mark.parametrize("concurrency", [1, 3, 16, 64])
async def test_no_page_is_requested_past_a_page_known_to_be_short(concurrency: int) -> None:
    rows = week("skewed", per_day=900)
    server = FakeServer(rows, latency=0.001)
    got = await harvest(server, concurrency, MONDAY + 3600, MONDAY + 4 * DAY + 7)
    assert got == truth(rows, MONDAY + 3600, MONDAY + 4 * DAY + 7)
    for (low, high, number), known in zip(server.sent, server.known, strict=True):
        shorts = [p for q, p, n in server.answers[:known] if q == (low, high) and n < server.size]
        assert all(number <= p for p in shorts), (low, high, number, shorts)


@pytest.mark.parametrize("concurrency", [4, 16, 64])
async def test_requests_in_flight_reach_the_concurrency(concurrency: int) -> None:
    rows = week("flat", per_day=4000)
    server = FakeServer(rows, latency=0.01)
    got = await harvest(server, concurrency, MONDAY, MONDAY + WEEK)
    assert len(got) == 7 * 4000
    assert server.peak == concurrency


async def test_windows_are_cut_at_a_full_page_and_memory_stays_bounded() -> None:
    rows = week("office", per_day=20_000)
    server = FakeServer(rows, latency=0.001)
    harvester = Harvester(server.source(4), MONDAY, MONDAY + 2 * DAY)
    scheduler = harvester._scheduler
    got: list[str] = []
    async with aclosing(harvester.batches()) as batches:
        async for batch in batches:
            got += [r.call_id for r in batch]
            if len(got) < 2000:
                await asyncio.sleep(0.05)  # a slow consumer: nothing piles up meanwhile
    assert got == truth(rows, MONDAY, MONDAY + 2 * DAY)
    assert scheduler._next_index > 1  # the one segment (C=4) was cut into windows
    assert scheduler.peak_held <= scheduler.budget
    assert len(server.sent) <= server.pages_needed(MONDAY, MONDAY + 2 * DAY) + 3


async def test_rows_out_of_time_order_are_still_harvested_exactly_once() -> None:
    rows = week("office", per_day=3000)[: 3 * 3000]
    server = FakeServer(rows, order="call_id", latency=0.0)
    start, end = MONDAY, MONDAY + 3 * DAY
    got = await harvest(server, 8, start, end)
    assert sorted(got) == sorted(truth(rows, start, end))
    assert len(got) == len(set(got))


@pytest.mark.parametrize("concurrency", [1, 4, 16, 64])
async def test_a_server_listing_newest_first_with_one_second_a_page(concurrency: int) -> None:
    """100 calls in each of 40 seconds, newest first: every page of 100 holds one second, so
    no page shows its order by itself. The window was cut at page 16 as if in order: 2 300 of
    4 000 calls missing at C=1, 1 300 twice."""
    rows = [
        CallRecord(
            call_id=f"c{s:02d}-{i:03d}", start_time=dt.datetime.fromtimestamp(MONDAY + s, UTC)
        )
        for s in range(10, 50)
        for i in range(100)
    ]
    server = FakeServer(rows, order="newest", latency=0.0)
    got = await harvest(server, concurrency, MONDAY, MONDAY + 3600)
    assert sorted(got) == sorted(truth(rows, MONDAY, MONDAY + 3600))
    assert len(got) == len(set(got))


@pytest.mark.parametrize("order", ["newest", "call_id", "pages_newest"])
@pytest.mark.parametrize(("size", "concurrency"), [(1, 1), (1, 16), (7, 4), (100, 16)])
async def test_rows_out_of_order_across_pages(order: str, size: int, concurrency: int) -> None:
    """Only each page's own rows were checked: pages of one row (always "in order"), or pages
    in order each but listed newest first, lost most calls (584 of 600 at size 1)."""
    rng = random.Random(f"{order}{size}")
    rows = sorted(
        (
            CallRecord(
                call_id=f"c{rng.randrange(10**9):09d}",
                start_time=dt.datetime.fromtimestamp(rng.randrange(MONDAY, MONDAY + DAY), UTC),
            )
            for _ in range(600 if size == 1 else 3000)
        ),
        key=lambda r: (r.start_time, r.call_id),
    )
    server = FakeServer(rows, size=size, order=order, latency=0.0)
    got = await harvest(server, concurrency, MONDAY, MONDAY + DAY)
    assert sorted(got) == sorted(truth(rows, MONDAY, MONDAY + DAY))
    assert len(got) == len(set(got))


@pytest.mark.parametrize("order", ["time", "newest"])
async def test_one_second_with_more_calls_than_a_window_has_pages(order: str) -> None:
    """1 000 calls in one second, pages of 7 (a window has 32 pages at C=16): every page shows
    the same time, so nothing tells the order. The window pages on rather than stopping; it
    used to raise "the harvest cannot move" once such pages no longer counted as in order."""
    rows = [
        CallRecord(call_id=f"c{i:04d}", start_time=dt.datetime.fromtimestamp(MONDAY + 600, UTC))
        for i in range(1000)
    ] + [
        CallRecord(call_id=f"d{i:04d}", start_time=dt.datetime.fromtimestamp(MONDAY + s, UTC))
        for i, s in enumerate(range(700, 3000, 10))
    ]
    server = FakeServer(rows, size=7, order=order, latency=0.0)
    got = await asyncio.wait_for(harvest(server, 16, MONDAY, MONDAY + 3600), 60)
    assert sorted(got) == sorted(truth(rows, MONDAY, MONDAY + 3600))
    assert len(got) == len(set(got))


@pytest.mark.parametrize("concurrency", [1, 16])
async def test_a_server_repeating_its_last_page_past_the_end_stops_the_harvest(
    concurrency: int,
) -> None:
    """Out of the spec (pages past the end are empty), but it happens: a window of exactly two
    full pages, page 3 answered with page 2 again. Its rows were handed out twice, and a window
    of one second's calls paged on for ever (3 000 requests, stopped by hand)."""
    rows = [
        CallRecord(call_id=f"c{i:03d}", start_time=dt.datetime.fromtimestamp(MONDAY + 60, UTC))
        for i in range(200)
    ]
    server = FakeServer(rows, repeat_last=True, latency=0.0)
    harvester = Harvester(server.source(concurrency), MONDAY, MONDAY + 3600)
    got: list[str] = []

    async def consume() -> None:
        async for batch in harvester.batches():
            got.extend(r.call_id for r in batch)

    with pytest.raises(HarvestError, match="both start with call 'c100': the server repeats"):
        await asyncio.wait_for(consume(), 30)
    assert len(got) == len(set(got))
    assert len(server.sent) < 20


async def test_a_sparse_period_costs_about_one_request_per_segment() -> None:
    rng = random.Random(4)
    seconds = sorted(rng.randrange(MONDAY, MONDAY + WEEK) for _ in range(40))
    rows = [
        CallRecord(call_id=f"c{i}", start_time=dt.datetime.fromtimestamp(s, UTC))
        for i, s in enumerate(seconds)
    ]
    server = FakeServer(rows)
    got = await harvest(server, 16, MONDAY, MONDAY + WEEK)
    assert got == [r.call_id for r in rows]
    assert len(server.sent) == 4  # one page for each of the four segments, nothing speculated
