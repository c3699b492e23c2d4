"""Memory stays flat: ``cdrs.export`` of 100 000 and of 1 000 000 CDRs to JSONL.

The emulator runs in a child process so its memory (and CPU) is not the client's. Each export
runs in its own freshly spawned process, where a daemon thread samples ``VmRSS`` every 0.2 s and
the kernel's ``VmHWM`` (reset through ``/proc/self/clear_refs``) cross-checks the sampled peak:
the large run's peak over the small one's is the figure. (Run one after the other in one process,
the second run started from the heap the first left behind: 73 MiB instead of 43 MiB, and the
ratio measured that, not the export.)
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import multiprocessing
import tempfile
import time
from pathlib import Path

import attrs

from benchmarks._common import (
    MONDAY,
    BenchResult,
    EmulatorProcess,
    RssSampler,
    Stopwatch,
    async_client,
    fmt_mib,
    fmt_s,
    peak_rss_kib,
    reset_peak_rss,
    rss_kib,
)

NAME = "memory"
TITLE = "Memory flat at 1 000 000 CDRs (export to JSONL, emulator in a child process)"

CDRS_PER_DAY = 100_000  # 100 000 = one day, 1 000 000 = ten days
SMALL_DAYS, LARGE_DAYS = 1, 10
TARGET_RATIO = 1.1
BUDGET_S = 180.0
#: The emulator's bucket cache (its memory, not ours): at 100 000/day an hour holds up to
#: ~8 000 CDRs and the first harvest windows span an hour each, so the default 50 000 thrashes.
CACHE_RECORDS = 300_000


@attrs.frozen
class Run:
    """One export: rows, output, time, CPU on both sides, memory."""

    expected: int
    rows: int
    lines: int
    size: int
    watch_wall: float
    client_cpu: float
    server_cpu: float
    requests: int
    rss_before: int
    rss_peak: int
    hwm_peak: int | None
    samples: int


def _count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


def _export(emu: EmulatorProcess, days: int, out: Path) -> Run:
    """One export in a fresh child process (spawned: nothing inherited), so neither run's peak
    carries the heap another run left behind (pymalloc and malloc keep freed arenas)."""
    emu.reset()
    server_cpu0 = emu.cpu_seconds()
    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        run = pool.submit(_export_here, emu.base_url, days, str(out)).result()
    return attrs.evolve(
        run, server_cpu=emu.cpu_seconds() - server_cpu0, requests=int(emu.stats()["total"])
    )


def _export_here(base_url: str, days: int, out: str) -> Run:
    """The export itself, measured from inside the process that runs it."""
    start, end = MONDAY, MONDAY + days * 86_400
    gc.collect()
    hwm_ok = reset_peak_rss()
    before = rss_kib()

    async def main() -> int:
        async with async_client(base_url, max_concurrency=16) as client:
            result = await client.cdrs.export(start, end, out, format="jsonl")
        return result.rows_total

    with RssSampler(0.2) as sampler, Stopwatch() as sw:
        rows = asyncio.run(main())
    path = Path(out)
    return Run(
        expected=days * CDRS_PER_DAY,
        rows=rows,
        lines=_count_lines(path),
        size=path.stat().st_size,
        watch_wall=sw.wall,
        client_cpu=sw.cpu,
        server_cpu=0.0,
        requests=0,
        rss_before=before,
        rss_peak=sampler.peak,
        hwm_peak=peak_rss_kib() if hwm_ok else None,
        samples=sampler.samples,
    )


def _report(result: BenchResult, label: str, run: Run) -> None:
    hwm = f", kernel VmHWM {fmt_mib(run.hwm_peak)}" if run.hwm_peak is not None else ""
    result.figure(
        f"{label}: rows",
        f"{run.rows} written, {run.lines} lines, expected {run.expected}; "
        f"{run.size / 1e6:.1f} MB ({run.size / max(1, run.lines):.0f} B/row)",
    )
    result.figure(
        f"{label}: time",
        f"{fmt_s(run.watch_wall)} ({run.rows / run.watch_wall:,.0f} rows/s, "
        f"{run.requests} requests); CPU client {fmt_s(run.client_cpu)} "
        f"({run.client_cpu / max(1, run.rows) * 1e6:.0f} µs/row), "
        f"emulator {fmt_s(run.server_cpu)}",
    )
    result.figure(
        f"{label}: RSS",
        f"peak {fmt_mib(run.rss_peak)} ({run.samples} samples){hwm}; "
        f"before the run {fmt_mib(run.rss_before)} (the process with its imports)",
    )
    result.check(
        f"{label}: output line count",
        f"= {run.expected}",
        str(run.lines),
        run.lines == run.rows == run.expected,
    )


def run() -> BenchResult:
    """Run the benchmark."""
    result = BenchResult(NAME, TITLE)
    began = time.perf_counter()
    with (
        EmulatorProcess(cdrs_per_day=CDRS_PER_DAY, cache_records=CACHE_RECORDS) as emu,
        tempfile.TemporaryDirectory(prefix="nxcc-bench-") as tmp,
    ):
        small = _export(emu, SMALL_DAYS, Path(tmp) / "small.jsonl")
        (Path(tmp) / "small.jsonl").unlink()
        _report(result, f"{small.expected:,} CDRs", small)
        large = _export(emu, LARGE_DAYS, Path(tmp) / "large.jsonl")
        _report(result, f"{large.expected:,} CDRs", large)
    # The kernel's high-water mark is exact; the 0.2 s samples can miss the small run's peak
    # (it lasts a few seconds), which inflates the ratio. Samples only where VmHWM is missing.
    if large.hwm_peak is not None and small.hwm_peak is not None:
        big, little, how = large.hwm_peak, small.hwm_peak, "kernel VmHWM"
    else:
        big, little, how = large.rss_peak, small.rss_peak, "sampled"
    ratio = big / little
    result.check(
        f"peak RSS 1M / 100k ({how})",
        f"<= {TARGET_RATIO}",
        f"{ratio:.3f} ({fmt_mib(big)} / {fmt_mib(little)})",
        ratio <= TARGET_RATIO,
    )
    result.figure("sampled peak RSS ratio", f"{large.rss_peak / small.rss_peak:.3f}")
    if large.watch_wall > BUDGET_S:
        result.note(
            f"the 1M export took {fmt_s(large.watch_wall)}, over the {BUDGET_S:.0f} s budget"
        )
    result.note(
        f"1M run: client CPU {large.client_cpu / large.watch_wall:.0%} of the wall time "
        f"({large.client_cpu / large.rows * 1e6:.0f} µs/row: decode, dump, harvester, HTTP), "
        f"emulator CPU {large.server_cpu / large.watch_wall:.0%} (generation + JSON)"
    )
    result.seconds = time.perf_counter() - began
    return result


if __name__ == "__main__":
    run()
