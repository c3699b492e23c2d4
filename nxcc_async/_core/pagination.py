"""Walking paged listings: pages are the unit, items sit on top, memory is bounded by pages.

Listings with a ``total`` fetch page 1, then the remaining pages concurrently (the client's
throttle caps how many are in flight); items come out in page order. When an answer of such a
listing leaves ``total`` out, the rest is walked page by page. Listings without a total
(``cdr/page``) walk page by page until a short or empty page.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterable
from typing import TypeVar

from nxcc_async._core.page import Page

T = TypeVar("T")

FetchPage = Callable[[int], Awaitable[Page[T]]]


async def iter_pages_with_total(
    fetch: FetchPage[T], *, prefetch: int
) -> AsyncGenerator[Page[T], None]:
    """Every page of a listing that reports ``total``, in order, with up to ``prefetch`` pages
    requested ahead of the consumer, until ``total`` is reached or a page comes back short (a
    server's ``total`` may lie). An answer without ``total`` (null or absent) is paged one page
    after another until a short page, as a listing without one. Leaving early cancels the
    pages still in flight."""
    first = await fetch(1)
    yield first
    if first.is_last:
        return
    count = first.page_count
    if count is None:
        async for page in iter_pages_until_short(fetch, first=2):
            yield page
        return
    pending: deque[asyncio.Task[Page[T]]] = deque()
    next_page = 2
    try:
        while pending or next_page <= count:
            while next_page <= count and len(pending) < prefetch:
                pending.append(asyncio.ensure_future(fetch(next_page)))
                next_page += 1
            page = await pending.popleft()
            yield page
            if page.is_last:  # a short page ends the listing, whatever ``total`` claimed
                return
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


async def iter_pages_until_short(
    fetch: FetchPage[T], *, first: int = 1
) -> AsyncGenerator[Page[T], None]:
    """Every page of a listing without ``total``: page ``first``, the next, ... until a short or
    empty page."""
    number = first
    while True:
        page = await fetch(number)
        if page.items:
            yield page
        if page.is_last:
            return
        number += 1


class ItemStream(AsyncIterator[T]):
    """The items of a stream of batches (pages, harvest windows), one by one.

    ``batches()`` hands out the batch stream itself, so the blocking facade can cross its portal
    once per batch rather than once per item. ``aclose()`` closes the batch stream (cancelling
    pages in flight).
    """

    __slots__ = ("_batches", "_buffer")

    def __init__(self, batches: AsyncGenerator[Iterable[T], None]) -> None:
        self._batches = batches
        self._buffer: deque[T] = deque()

    def __aiter__(self) -> ItemStream[T]:
        return self

    async def __anext__(self) -> T:
        while not self._buffer:
            self._buffer.extend(await self._batches.__anext__())
        return self._buffer.popleft()

    def batches(self) -> AsyncGenerator[Iterable[T], None]:
        """The underlying stream of batches (use it instead of the items, not besides)."""
        return self._batches

    async def aclose(self) -> None:
        """Stop the stream: cancels what is in flight."""
        await self._batches.aclose()
