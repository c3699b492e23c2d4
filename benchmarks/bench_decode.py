"""Decode throughput: ``converter.load(CallRecord, obj)`` over 100 000 vendor dicts, against
``orjson.loads`` of the same records as bytes (the baseline), plus the export path's dump.

No server: the dicts come straight from the emulator's generator. Records per second, best of 3.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import orjson

from benchmarks._common import MONDAY, SEED, TENANT_ID, BenchResult, Stopwatch
from nxcc_async._core.converter import converter, load
from nxcc_async.emulator.data import EmulatorData
from nxcc_async.nxcc.records import CallRecord

NAME = "decode"
TITLE = "Record decode throughput (100 000 CallRecords, no I/O)"

N = 100_000
RUNS = 3
T = TypeVar("T")


def _best(fn: Callable[[T], object], items: Sequence[T]) -> float:
    best = float("inf")
    for _ in range(RUNS):
        with Stopwatch() as sw:
            for item in items:
                fn(item)
        best = min(best, sw.wall)
    return best


def run() -> BenchResult:
    """Run the benchmark."""
    result = BenchResult(NAME, TITLE)
    began = time.perf_counter()
    data = EmulatorData(seed=SEED, tenant_id=TENANT_ID, cdrs_per_day=N, cache_records=N + 10_000)
    dicts: list[dict[str, Any]] = [dict(c) for c in data.cdr_list(MONDAY, MONDAY + 86_399)][:N]
    blobs = [orjson.dumps(d) for d in dicts]
    records = [load(CallRecord, d) for d in dicts]
    dump = converter.get_unstructure_hook(CallRecord)

    t_json = _best(orjson.loads, blobs)
    t_load = _best(lambda d: load(CallRecord, d), dicts)
    t_dump = _best(lambda r: orjson.dumps(dump(r)), records)
    n = len(dicts)
    result.figure("records", f"{n} ({sum(map(len, blobs)) / n:.0f} B of JSON each)")
    result.figure("orjson.loads (baseline)", f"{n / t_json:,.0f} records/s")
    result.figure(
        "converter.load(CallRecord, obj)",
        f"{n / t_load:,.0f} records/s ({t_load / n * 1e6:.1f} µs/record, "
        f"{t_load / t_json:.1f}x the baseline's time)",
    )
    result.figure(
        "orjson.dumps(converter.dump(record)) (JSONL sink)",
        f"{n / t_dump:,.0f} records/s ({t_dump / n * 1e6:.1f} µs/record)",
    )
    result.note("informational: no target; the figures explain the harvest and export ceilings")
    result.seconds = time.perf_counter() - began
    return result


if __name__ == "__main__":
    run()
