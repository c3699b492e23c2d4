"""``python -m benchmarks [NAME ...] [--output PATH]``: run the benchmarks, write a summary.

With no names every benchmark runs and ``benchmarks/RESULTS.md`` is rewritten; with names only
those run and nothing is written unless ``--output`` is given. Exit status 1 when a target is
missed (or a benchmark fails), 0 otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from benchmarks import (
    bench_backfill,
    bench_decode,
    bench_harvest,
    bench_memory,
    bench_rate,
    bench_sync,
)
from benchmarks._common import BenchResult

BENCHMARKS: dict[str, tuple[str, Callable[[], BenchResult]]] = {
    m.NAME: (m.TITLE, m.run)
    for m in (bench_harvest, bench_rate, bench_sync, bench_memory, bench_decode, bench_backfill)
}
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _markdown(results: list[BenchResult], total: float) -> str:
    import aiohttp
    import cattrs
    import msgspec
    import orjson

    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        "Latest figures measured on this project's reference machine; regenerate with "
        "`python -m benchmarks` (see `docs/benchmarks.md`). Every ratio is against a baseline "
        "measured in the same run.",
        "",
        f"- date: {now}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {_cpus()} CPUs",
        f"- aiohttp {aiohttp.__version__}, cattrs {_version(cattrs)}, orjson {orjson.__version__}, "
        f"msgspec {msgspec.__version__}",
        f"- total wall time: {total:.0f} s",
        "",
        "| benchmark | target | measured | met |",
        "|---|---|---|---|",
    ]
    for r in results:
        for c in r.checks:
            lines.append(
                f"| {r.name}: {c.name} | {c.target} | {c.measured} | "
                f"{'yes' if c.ok else '**no**'} |"
            )
    for r in results:
        lines += ["", f"## {r.title}", "", f"Ran in {r.seconds:.1f} s.", ""]
        lines += [f"- {label}: {value}" for label, value in r.figures]
        lines += [
            f"- target — {c.name}: {c.measured} (target {c.target}) — "
            f"{'met' if c.ok else '**missed**'}"
            for c in r.checks
        ]
        lines += [f"- note: {n}" for n in r.notes]
        for caption, table in r.tables:
            lines += ["", f"### {caption}", "", *table]
    return "\n".join(lines) + "\n"


def _cpus() -> str:
    return str(os.cpu_count())


def _version(module: object) -> str:
    return version(getattr(module, "__name__", ""))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks named (all by default); 1 if a target is missed."""
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument(
        "names", nargs="*", metavar="NAME", help=f"any of: {', '.join(BENCHMARKS)} (default: all)"
    )
    p.add_argument("--output", type=Path, default=None, help="markdown summary to write")
    args = p.parse_args(argv)
    names: list[str] = args.names or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    output: Path | None = args.output or (RESULTS if not args.names else None)

    began = time.perf_counter()
    results: list[BenchResult] = []
    failed = False
    for name in names:
        title, run = BENCHMARKS[name]
        print(f"== {name}: {title}", flush=True)
        try:
            results.append(run())
        except Exception:
            traceback.print_exc()
            failed = True
            results.append(BenchResult(name, title, notes=["crashed; see the console output"]))
    total = time.perf_counter() - began

    print("\n== summary")
    for r in results:
        for c in r.checks:
            print(
                f"  {'MET   ' if c.ok else 'MISSED'} {r.name}: {c.name}: {c.measured} "
                f"(target {c.target})"
            )
    missed = failed or not all(r.ok for r in results)
    print(f"  total {total:.0f} s; {'some targets MISSED' if missed else 'all targets met'}")
    if output is not None:
        output.write_text(_markdown(results, total), encoding="utf-8")
        print(f"  summary written to {output}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
