"""Initial backfill with ``cdrs.sync`` into SQLite and PostgreSQL against the JSONL export of the
same range (rows/s, median of several single runs, interleaved), and peak RSS of a SQLite
backfill of 100 000 and of 1 000 000 CDRs.

The emulator runs in a child process (see ``EmulatorProcess``); PostgreSQL is a throwaway server
started by ``tests/postgres_server.py`` (skipped, and said so, where no server binary exists).
The timed runs are made in one freshly spawned process, and each RSS run in its own: run in the
process of the benchmarks before it, the syncs lost a sixth of their speed to the state those
left (the JSONL export did not), so the ratio measured the harness.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from benchmarks._common import (
    MONDAY,
    BenchResult,
    EmulatorProcess,
    RssSampler,
    async_client,
    fmt_mib,
)

T = TypeVar("T")

NAME = "backfill"
TITLE = "Backfill into SQLite / PostgreSQL vs JSONL export (100 000 CDRs, max_concurrency=16)"

CDRS_PER_DAY = 100_000
RUNS = 3
TARGET = 0.7
RSS_TARGET = 1.25
CACHE_RECORDS = 300_000


def _in_child(fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)`` in a freshly spawned process (nothing inherited), its result."""
    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return pool.submit(fn, *args).result()


def _timed(fn: Callable[..., int], *args: object) -> float:
    """Rows per second of ``fn(*args)``."""
    gc.collect()
    began = time.perf_counter()
    rows = fn(*args)
    seconds = time.perf_counter() - began
    if rows != CDRS_PER_DAY:
        raise RuntimeError(f"expected {CDRS_PER_DAY} rows, got {rows}")
    return CDRS_PER_DAY / seconds


def _rates(url: str, tmp: str, pg_urls: list[str]) -> dict[str, list[float]]:
    """Rows per second of every run, interleaved, after one warm-up export (the emulator makes
    its data), all in this process."""
    jsonl = str(Path(tmp) / "o.jsonl")
    _export(url, jsonl)
    rates: dict[str, list[float]] = {"jsonl": [], "sqlite": [], "postgres": []}
    for i in range(RUNS):
        rates["jsonl"].append(_timed(_export, url, jsonl))
        rates["sqlite"].append(_timed(_sync, url, f"sqlite:///{Path(tmp) / f's{i}.db'}"))
        if pg_urls:
            rates["postgres"].append(_timed(_sync, url, pg_urls[i]))
    return rates


def _peak(url: str, to: str, days: int) -> tuple[int, int]:
    """A sync of ``days`` days: its rows and the peak RSS (KiB) of this process during it."""
    with RssSampler(0.2) as sampler:
        rows = _sync(url, to, days)
    return rows, sampler.peak


def _export(url: str, out: str) -> int:
    async def main() -> int:
        async with async_client(url, max_concurrency=16) as client:
            result = await client.cdrs.export(MONDAY, MONDAY + 86_400, out, overwrite=True)
        return result.rows_total

    return asyncio.run(main())


def _sync(url: str, to: str, days: int = 1) -> int:
    async def main() -> int:
        async with async_client(url, max_concurrency=16) as client:
            result = await client.cdrs.sync(to, since=MONDAY, until=MONDAY + days * 86_400)
        return result.inserted

    return asyncio.run(main())


def _spread(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):,.0f} rows/s "
        f"(min {min(values):,.0f}, max {max(values):,.0f}; {len(values)} runs)"
    )


def run() -> BenchResult:
    """Run the benchmark."""
    result = BenchResult(NAME, TITLE)
    began = time.perf_counter()
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.postgres_server import NOT_FOUND, create_database, find_bin_dir, postgres_server

    bin_dir = find_bin_dir()
    with (
        EmulatorProcess(cdrs_per_day=CDRS_PER_DAY, cache_records=CACHE_RECORDS) as emu,
        tempfile.TemporaryDirectory(prefix="nxcc-bench-") as tmp,
    ):
        server = postgres_server(bin_dir) if bin_dir is not None else None
        pg = server.__enter__() if server is not None else None
        try:
            pg_urls = [] if pg is None else [create_database(pg, f"b{i}") for i in range(RUNS)]
            rates = _in_child(_rates, emu.base_url, tmp, pg_urls)
        finally:
            if server is not None:
                server.__exit__(None, None, None)
        base = statistics.median(rates["jsonl"])
        result.figure("JSONL export", _spread(rates["jsonl"]))
        for name in ("sqlite", "postgres"):
            if not rates[name]:
                result.note(f"{name}: not measured ({NOT_FOUND})")
                continue
            result.figure(f"sync into {name}", _spread(rates[name]))
            ratio = statistics.median(rates[name]) / base
            result.check(f"{name} / JSONL rows/s", f">= {TARGET}", f"{ratio:.2f}", ratio >= TARGET)
        peaks = []
        for days in (1, 10):
            db = f"sqlite:///{Path(tmp) / f'rss{days}.db'}"
            rows, peak = _in_child(_peak, emu.base_url, db, days)
            peaks.append(peak)
            result.figure(f"SQLite backfill of {rows:,} rows: peak RSS", fmt_mib(peak))
        ratio = peaks[1] / peaks[0]
        result.check(
            "peak RSS 1M / 100k (SQLite)", f"<= {RSS_TARGET}", f"{ratio:.3f}", ratio <= RSS_TARGET
        )
    result.seconds = time.perf_counter() - began
    return result


if __name__ == "__main__":
    run()
