"""Harvest speed-up: ``cdrs.harvest`` (16 in flight) against a page-by-page loop, 30 ms latency.

The emulator runs in a child process (see ``EmulatorProcess``): a thread would not share the
client's loop either, but it would share its GIL, and on a 2-core machine the server's CPU work
(building and encoding the pages) would then be serialized with the client's decoding, a cost a
real remote server never puts on the client. Its counters (peak in flight) come over a pipe.
"""

from __future__ import annotations

import asyncio
import time

from benchmarks._common import (
    MONDAY,
    SEED,
    TENANT_ID,
    BenchResult,
    EmulatorProcess,
    Stopwatch,
    async_client,
    fmt_s,
)
from nxcc_async import AsyncNXCC
from nxcc_async.emulator.data import EmulatorData
from nxcc_async.nxcc import endpoints as ep

NAME = "harvest"
TITLE = "Harvest speed-up (30 ms latency, one week, max_concurrency=16)"

LATENCY = 0.030
CDRS_PER_DAY = 1_500  # 7 x 1 500 = 10 500 CDRs in the week
CONCURRENCY = 16
START, END = MONDAY, MONDAY + 7 * 86_400  # harvest takes [START, END)
SEQ_RUNS, HARVEST_RUNS = 2, 3
TARGET_SPEEDUP = 8.0


async def _sequential(client: AsyncNXCC) -> tuple[float, list[str]]:
    """Every CDR page by page (``cdrs.iter``: next page after the previous one, until short)."""
    with Stopwatch() as sw:
        ids = [cdr.call_id async for cdr in client.cdrs.iter(START, END - 1)]
    return sw.wall, ids


async def _harvest(client: AsyncNXCC) -> tuple[Stopwatch, list[str]]:
    with Stopwatch() as sw:
        ids = [cdr.call_id async for cdr in client.cdrs.harvest(START, END)]
    return sw, ids


async def _raw_pages(client: AsyncNXCC, pages: int) -> Stopwatch:
    """Diagnostic ceiling: the same pages fetched 16 at a time, envelopes not decoded."""

    async def one(number: int) -> None:
        body = {"startTime": START, "endTime": END - 1, "page": number, "size": 100}
        await client.call(ep.CDR_PAGE.path, body)

    with Stopwatch() as sw:
        await asyncio.gather(*(one(n) for n in range(1, pages + 1)))
    return sw


async def _measure(emu: EmulatorProcess, result: BenchResult, truth: list[str]) -> None:
    expected = set(truth)
    async with async_client(emu.base_url, max_concurrency=CONCURRENCY) as client:
        await _harvest(client)  # warm-up: server cache, client code paths, connections

        emu.reset()
        seq_times: list[float] = []
        seq_ids: list[str] = []
        for _ in range(SEQ_RUNS):
            seconds, seq_ids = await _sequential(client)
            seq_times.append(seconds)
        seq_requests = emu.stats()["total"] // SEQ_RUNS

        harvest_watches: list[Stopwatch] = []
        peak = 0
        harvest_requests = 0
        harvest_ids: list[str] = []
        for _ in range(HARVEST_RUNS):
            emu.reset()
            watch, harvest_ids = await _harvest(client)
            harvest_watches.append(watch)
            stats = emu.stats()
            peak = max(peak, int(stats["peak_in_flight"]))
            harvest_requests = int(stats["total"])

        raw = await _raw_pages(client, seq_requests)

    seq = min(seq_times)
    best = min(harvest_watches, key=lambda w: w.wall)
    speedup = seq / best.wall
    result.figure("CDRs in the week", f"{len(truth)} (cdrs_per_day={CDRS_PER_DAY})")
    result.figure(
        f"sequential page loop (best of {SEQ_RUNS})",
        f"{fmt_s(seq)} for {seq_requests} requests "
        f"({seq / seq_requests * 1000:.1f} ms per page; runs {', '.join(map(fmt_s, seq_times))})",
    )
    result.figure(
        f"harvest max_concurrency={CONCURRENCY} (best of {HARVEST_RUNS})",
        f"{fmt_s(best.wall)} for {harvest_requests} requests "
        f"(runs {', '.join(fmt_s(w.wall) for w in harvest_watches)})",
    )
    result.figure("client CPU during the best harvest", f"{fmt_s(best.cpu)}")
    result.figure(
        "ceiling: same pages 16 at a time, not decoded",
        f"{fmt_s(raw.wall)} ({seq / raw.wall:.1f}x the sequential loop; CPU {fmt_s(raw.cpu)})",
    )
    result.check(
        "speed-up", f">= {TARGET_SPEEDUP:g}x", f"{speedup:.2f}x", speedup >= TARGET_SPEEDUP
    )
    result.check("peak in flight (emulator)", f"<= {CONCURRENCY}", str(peak), peak <= CONCURRENCY)
    same = (
        len(harvest_ids) == len(set(harvest_ids)) == len(expected)
        and set(harvest_ids) == expected
        and len(seq_ids) == len(set(seq_ids))
        and set(seq_ids) == expected
    )
    result.check(
        "same call ids, exactly once",
        f"{len(expected)} ids = ground truth",
        f"harvest {len(harvest_ids)} ({len(set(harvest_ids))} distinct), "
        f"sequential {len(seq_ids)} ({len(set(seq_ids))} distinct)",
        same,
    )
    if speedup < TARGET_SPEEDUP:
        result.note(
            f"the harvest is CPU-bound in the client: {fmt_s(best.cpu)} of CPU for "
            f"{len(truth)} records ({best.cpu / len(truth) * 1e6:.0f} µs/record, mostly record "
            f"decoding, see the decode benchmark) against a latency floor of about "
            f"{harvest_requests / CONCURRENCY * LATENCY * 1000:.0f} ms; it also sends "
            f"{harvest_requests} requests where the loop sends {seq_requests} (time windows "
            "sized for ~80 rows, some needing a second page)"
        )


def run() -> BenchResult:
    """Run the benchmark."""
    result = BenchResult(NAME, TITLE)
    began = time.perf_counter()
    data = EmulatorData(seed=SEED, tenant_id=TENANT_ID, cdrs_per_day=CDRS_PER_DAY)
    truth = data.cdr_ids(START, END - 1)
    with EmulatorProcess(cdrs_per_day=CDRS_PER_DAY, latency=LATENCY, cache_records=100_000) as emu:
        asyncio.run(_measure(emu, result, truth))
    result.seconds = time.perf_counter() - began
    return result


if __name__ == "__main__":
    run()
