"""Harvest: speed-up over the page loop, the concurrency sweep, requests, CPU per row.

One week of 10 500 CDRs (``cdrs_per_day=1500``) from the emulator in a child process with 30 ms
latency (see ``EmulatorProcess``: a thread would share the client's GIL). Every figure is the
median and the spread (min-max) of ``RUNS`` single runs, never a best-of; ratios are against the
sequential page loop (``cdrs.iter``: the next page after the previous one, until a short page)
measured in the same run.

- speed-up at ``max_concurrency=16`` (median, and the worst run);
- the sweep C = 1 ... 64: wall time, throughput, *fraction of ideal* = ``pages / C x latency``
  over the wall time (``pages`` = the page loop's request count), requests sent / pages needed,
  the emulator's peak requests in flight; plotted to ``docs/benchmarks-concurrency.png``;
- the same at C = 16 on the ``skewed`` daily profile (nights 80 times sparser than the peaks);
- client CPU per row of a full harvest at zero latency;
- the *floor* (``benchmarks._floor``), interleaved with the C=16 runs and the CPU runs: the page
  loop's requests, all known in advance, sent by a bare aiohttp session 16 at a time and parsed
  with ``orjson.loads``. Its speed-up and CPU per row bound what any client built on aiohttp
  reaches against this server on this machine.

Before each measured run this process collects its garbage and the emulator's process freezes
its heap (see ``benchmarks._emuproc``): a full collection of either heap, triggered by what
earlier runs left, would otherwise land in a run at random (18-26 ms each on the reference
machine, against ~350 ms runs).
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Sequence
from functools import partial

import attrs

from benchmarks._common import (
    MONDAY,
    ROOT,
    SEED,
    TENANT_ID,
    BenchResult,
    EmulatorProcess,
    Stopwatch,
    async_client,
    fmt_s,
)
from benchmarks._floor import Floor, bare_pages
from nxcc_async.emulator.data import EmulatorData

NAME = "harvest"
TITLE = "Harvest: speed-up, concurrency sweep, requests, CPU per row (one week, 30 ms latency)"

LATENCY = 0.030
CDRS_PER_DAY = 1_500
ROWS = 7 * CDRS_PER_DAY  # 10 500 CDRs in the week
START, END = MONDAY, MONDAY + 7 * 86_400  # harvest takes [START, END)
RUNS = 5
SEQ_RUNS = 3
SWEEP = (1, 2, 4, 8, 16, 32, 64)
SWEEP_RUNS = 3
CPU_RUNS = 3
TARGET_SPEEDUP, TARGET_WORST = 13.0, 11.0
TARGET_FRACTION = {16: 0.8, 32: 0.6, 64: 0.4}
TARGET_PEAK_64 = 56
TARGET_REQUESTS = 1.03
TARGET_CPU_US = 8.0
PLOT = ROOT / "docs" / "benchmarks-concurrency.png"
FLOOR = "the page loop's requests known in advance, bare aiohttp + orjson.loads"


@attrs.frozen
class Run:
    """One harvest: wall and CPU seconds, requests, the server's peak in flight, the ids."""

    wall: float
    cpu: float
    requests: int
    peak: int
    ids: tuple[str, ...]


def spread(values: Sequence[float], fmt: str = "{:.2f}") -> str:
    """``median (min-max)``."""
    med = statistics.median(values)
    return f"{fmt.format(med)} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def _start(emu: EmulatorProcess) -> None:
    """Right before a measured run: zero the emulator's counters (which also freezes its heap),
    and collect this process's garbage, so that the run pays for the collections of its own."""
    emu.reset()
    gc.collect()


async def _sequential(emu: EmulatorProcess, client: object) -> Run:
    _start(emu)
    with Stopwatch() as sw:
        ids = [cdr.call_id async for cdr in client.cdrs.iter(START, END - 1)]  # type: ignore[attr-defined]
    stats = emu.stats()
    return Run(sw.wall, sw.cpu, int(stats["total"]), int(stats["peak_in_flight"]), tuple(ids))


async def _harvest(emu: EmulatorProcess, concurrency: int) -> Run:
    async with async_client(emu.base_url, max_concurrency=concurrency) as client:
        await client.agents.page(1, 1)  # one connection open, as a running client has
        _start(emu)
        with Stopwatch() as sw:
            ids = [cdr.call_id async for cdr in client.cdrs.harvest(START, END)]
    stats = emu.stats()
    return Run(sw.wall, sw.cpu, int(stats["total"]), int(stats["peak_in_flight"]), tuple(ids))


def _runs(emu: EmulatorProcess, concurrency: int, n: int) -> list[Run]:
    return [asyncio.run(_harvest(emu, concurrency)) for _ in range(n)]


def _interleaved(emu: EmulatorProcess, pages: int, n: int) -> tuple[list[Run], list[Floor]]:
    """``n`` harvests at C=16 and ``n`` bare runs of the page loop's requests, alternating."""
    runs, bare = [], []
    for _ in range(n):
        runs.append(asyncio.run(_harvest(emu, 16)))
        floor = asyncio.run(
            bare_pages(emu.base_url, START, END - 1, pages, 16, partial(_start, emu))
        )
        if floor.rows != ROWS:
            raise AssertionError(f"the bare run read {floor.rows} rows")
        bare.append(floor)
    return runs, bare


def _exact(runs: Sequence[Run], truth: set[str]) -> bool:
    return all(len(r.ids) == len(set(r.ids)) == len(truth) and set(r.ids) == truth for r in runs)


def _plot(rows: list[tuple[int, float, float]], pages: int, floor: float) -> None:
    """Throughput (rows/s, median) against C, the ideal, and the floor's at C=16."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cs = [c for c, _, _ in rows]
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    ideal = [min(c, pages) / pages * (ROWS / LATENCY) for c in cs]
    ax.plot(cs, ideal, "--", color="grey", label="ideal: pages / C x latency")
    ax.plot(cs, [r for _, r, _ in rows], "o-", label="harvest (median of runs)")
    ax.plot([16], [floor], "s", color="black", label="bare aiohttp, pages known (C=16)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(cs, [str(c) for c in cs])
    ax.set_xlabel("max_concurrency")
    ax.set_ylabel("rows per second")
    ax.set_title("Harvest throughput, one week (10 500 CDRs), 30 ms latency")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(PLOT)
    plt.close(fig)


def run() -> BenchResult:
    """Run the benchmark."""
    result = BenchResult(NAME, TITLE)
    began = time.perf_counter()
    truth = set(
        EmulatorData(seed=SEED, tenant_id=TENANT_ID, cdrs_per_day=CDRS_PER_DAY).cdr_ids(
            START, END - 1
        )
    )
    with EmulatorProcess(cdrs_per_day=CDRS_PER_DAY, latency=LATENCY, cache_records=100_000) as emu:
        _runs(emu, 16, 1)  # warm-up: the emulator's cache, the client's code paths

        async def seq() -> list[Run]:
            async with async_client(emu.base_url) as client:
                return [await _sequential(emu, client) for _ in range(SEQ_RUNS)]

        seq_runs = asyncio.run(seq())
        pages = seq_runs[0].requests
        seq_wall = statistics.median(r.wall for r in seq_runs)
        result.figure("CDRs in the week", f"{len(truth)} (cdrs_per_day={CDRS_PER_DAY})")
        result.figure(
            f"sequential page loop, median (min-max) of {SEQ_RUNS}",
            f"{spread([r.wall for r in seq_runs], '{:.2f}')} s for {pages} requests = "
            f"pages needed ({seq_wall / pages * 1000:.1f} ms per page)",
        )

        main, bare = _interleaved(emu, pages, RUNS)
        speedups = [seq_wall / r.wall for r in main]
        result.figure(
            f"harvest max_concurrency=16, {RUNS} single runs",
            ", ".join(fmt_s(r.wall) for r in main)
            + f"; requests {', '.join(str(r.requests) for r in main)}",
        )
        result.check(
            "speed-up at C=16, median of single runs",
            f">= {TARGET_SPEEDUP:g}x",
            f"{statistics.median(speedups):.2f}x (spread {min(speedups):.2f}-{max(speedups):.2f})",
            statistics.median(speedups) >= TARGET_SPEEDUP,
        )
        result.check(
            "speed-up at C=16, worst single run",
            f">= {TARGET_WORST:g}x",
            f"{min(speedups):.2f}x",
            min(speedups) >= TARGET_WORST,
        )
        floor = [seq_wall / f.wall for f in bare]
        result.figure(
            f"floor at C=16: {FLOOR}, {RUNS} single runs interleaved with the harvest's",
            f"speed-up {spread(floor)}x; the harvest's is "
            f"{statistics.median(speedups) / statistics.median(floor):.2f} of it",
        )
        ratios = [r.requests / pages for r in main]
        result.check(
            "requests sent / pages needed (C=16)",
            f"<= {TARGET_REQUESTS}",
            spread(ratios, "{:.3f}"),
            statistics.median(ratios) <= TARGET_REQUESTS,
        )

        sweep: list[tuple[int, float, float]] = []
        table = ["| C | wall, median (min-max) | rows/s | fraction of ideal | requests / pages "
                 "| peak in flight |", "|---|---|---|---|---|---|"]  # fmt: skip
        exact = _exact(main, truth)
        for c in SWEEP:
            runs = main[:SWEEP_RUNS] if c == 16 else _runs(emu, c, SWEEP_RUNS)
            exact = exact and _exact(runs, truth)
            walls = [r.wall for r in runs]
            ideal = pages / c * LATENCY if c < pages else LATENCY
            fractions = [ideal / w for w in walls]
            rate = len(truth) / statistics.median(walls)
            peak = max(r.peak for r in runs)
            sweep.append((c, rate, statistics.median(fractions)))
            req = spread([r.requests / pages for r in runs], "{:.3f}")
            table.append(
                f"| {c} | {spread(walls, '{:.3f}')} s | {rate:,.0f} | "
                f"{spread(fractions)} | {req} | {peak} |"
            )
            result.figure(
                f"sweep C={c}",
                f"wall {spread(walls, '{:.3f}')} s, {rate:,.0f} rows/s, fraction of ideal "
                f"{spread(fractions)}, requests/pages {req}, peak in flight {peak}",
            )
            if c in TARGET_FRACTION:
                f = statistics.median(fractions)
                result.check(
                    f"fraction of ideal at C={c}",
                    f">= {TARGET_FRACTION[c]}",
                    spread(fractions),
                    f >= TARGET_FRACTION[c],
                )
            if c == 64:
                result.check(
                    "peak requests in flight at C=64",
                    f">= {TARGET_PEAK_64}",
                    str(peak),
                    peak >= TARGET_PEAK_64,
                )
        result.tables.append(("Concurrency sweep", table))
        result.check(
            "same call ids, exactly once (every run)",
            f"{len(truth)} ids = ground truth",
            "yes" if exact else "NO",
            exact,
        )
        _plot(sweep, pages, ROWS / statistics.median(f.wall for f in bare))
        result.figure("plot", str(PLOT.relative_to(ROOT)))

    _skewed(result)
    _cpu(result)
    result.seconds = time.perf_counter() - began
    return result


def _skewed(result: BenchResult) -> None:
    """C=16 on the skewed day: density must not matter."""
    data = EmulatorData(seed=SEED, tenant_id=TENANT_ID, cdrs_per_day=CDRS_PER_DAY, profile="skewed")
    truth = set(data.cdr_ids(START, END - 1))
    with EmulatorProcess(
        cdrs_per_day=CDRS_PER_DAY, latency=LATENCY, cache_records=100_000, profile="skewed"
    ) as emu:
        _runs(emu, 16, 1)

        async def seq() -> Run:
            async with async_client(emu.base_url) as client:
                return await _sequential(emu, client)

        base = asyncio.run(seq())
        runs = _runs(emu, 16, SWEEP_RUNS)
    walls = [r.wall for r in runs]
    result.figure(
        "skewed day (nights 80x sparser than peaks), C=16",
        f"speed-up {spread([base.wall / w for w in walls])}x, fraction of ideal "
        f"{spread([base.requests / 16 * LATENCY / w for w in walls])}, requests/pages "
        f"{spread([r.requests / base.requests for r in runs], '{:.3f}')}, exactly once: "
        f"{'yes' if _exact(runs, truth) else 'NO'}",
    )


def _cpu(result: BenchResult) -> None:
    """Client CPU per row of a full harvest at zero latency (C=16)."""
    with EmulatorProcess(cdrs_per_day=CDRS_PER_DAY, latency=0.0, cache_records=100_000) as emu:
        _runs(emu, 16, 1)
        runs, bare = _interleaved(emu, ROWS // 100 + 1, CPU_RUNS)  # the page loop's requests
    per_row = [r.cpu / len(r.ids) * 1e6 for r in runs]
    floor = [f.cpu / f.rows * 1e6 for f in bare]
    result.figure(
        f"floor CPU per row at zero latency: {FLOOR}",
        f"{spread(floor, '{:.1f}')} µs; the harvest's is "
        f"{statistics.median(per_row) / statistics.median(floor):.2f}x it",
    )
    result.check(
        "client CPU per row, full harvest at zero latency",
        f"<= {TARGET_CPU_US:g} µs",
        f"{spread(per_row, '{:.1f}')} µs",
        statistics.median(per_row) <= TARGET_CPU_US,
    )


if __name__ == "__main__":
    run()
