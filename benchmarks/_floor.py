"""The floor under a harvest on this machine: what aiohttp and a JSON parse alone cost.

:func:`bare_pages` sends the sequential page loop's requests (``cdr/page`` pages 1 ... ``pages``
of one range, so every page is known in advance) through a bare aiohttp session, ``concurrency``
at a time, each signed right before it goes, and parses each answer with ``orjson.loads``. No
scheduler, no records, no retries, no de-duplication, no item stream: a client can only add to
its wall time and its CPU. Measured in the same run as the harvest, it tells how much of a
target the HTTP stack leaves on the machine the benchmark runs on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import aiohttp
import attrs
import orjson

from benchmarks._common import ACCESS_KEY, ACCESS_SECRET, Stopwatch
from nxcc_async.nxcc.endpoints import CDR_PAGE, CDR_PAGE_MAX
from nxcc_async.nxcc.signing import Signer


@attrs.frozen
class Floor:
    """One bare run: wall and CPU seconds, the rows the answers held."""

    wall: float
    cpu: float
    rows: int


async def bare_pages(
    base_url: str,
    start: int,
    end: int,
    pages: int,
    concurrency: int,
    before: Callable[[], None] | None = None,
) -> Floor:
    """Pages ``1..pages`` of ``cdr/page`` for ``[start, end]``, ``concurrency`` in flight.

    ``before`` runs right before the measured part, with one connection open."""
    url = base_url + CDR_PAGE.full_path
    signer = Signer(ACCESS_KEY)
    slots = asyncio.Semaphore(concurrency)
    rows = 0

    async def page(session: aiohttp.ClientSession, number: int) -> None:
        nonlocal rows
        body = orjson.dumps(
            {"startTime": start, "endTime": end, "page": number, "size": CDR_PAGE_MAX}
        )
        async with slots:
            headers = signer.headers(ACCESS_SECRET, int(time.time() * 1000), body)
            async with session.post(url, data=body, headers=headers) as resp:
                answer = await resp.read()
        data = orjson.loads(answer)["data"]
        rows += len(data or ())

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await page(session, pages)  # one connection open, as the harvest's client has
        rows = 0
        if before is not None:
            before()
        with Stopwatch() as sw:
            await asyncio.gather(*(page(session, n) for n in range(1, pages + 1)))
    return Floor(sw.wall, sw.cpu, rows)
