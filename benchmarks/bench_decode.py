"""Decode throughput: pages of 100 vendor CDRs (JSON bytes, as a reply carries them) to
``CallRecord``s, against ``orjson.loads`` of the same pages (the baseline), plus the export
path's dump.

The client decodes a ``cdr/page`` answer on the typed path (msgspec Structs copied into the
records, ``nxcc_async._core.typed``) and falls back to the generic one (``orjson.loads`` +
``load_list``) for answers the typed path does not take; both are measured. No server: the
records come straight from the emulator's generator. Each figure is the median (and min-max) of
``RUNS`` single passes over 100 000 records, the baseline measured in the same run, with the
fixtures frozen out of the garbage collector's passes; target: page bytes to CallRecords on the
client's path at most 3 µs per record.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from benchmarks._common import MONDAY, SEED, TENANT_ID, BenchResult, Stopwatch
from nxcc_async._core.converter import converter, load, load_list
from nxcc_async.emulator.data import EmulatorData
from nxcc_async.nxcc.endpoints import CDR_PAGE
from nxcc_async.nxcc.records import CallRecord

NAME = "decode"
TITLE = "Record decode throughput (100 000 CallRecords, no I/O)"

N = 100_000
PAGE = 100
RUNS = 7
TARGET_US = 3.0


Pass = tuple[Callable[[Any], object], Sequence[Any]]


def _interleaved(passes: Sequence[Pass]) -> list[list[float]]:
    """Seconds of each of ``RUNS`` passes of every ``(fn, items)``: one pass of each in turn, so
    that the machine's drift over the run touches every figure alike."""
    times: list[list[float]] = [[] for _ in passes]
    for _ in range(RUNS):
        for (fn, items), seconds in zip(passes, times, strict=True):
            with Stopwatch() as sw:
                for item in items:
                    fn(item)
            seconds.append(sw.wall)
    return times


def _us(times: list[float], n: int) -> str:
    per = [t / n * 1e6 for t in times]
    return f"{statistics.median(per):.2f} µs/record ({min(per):.2f}-{max(per):.2f})"


def run() -> BenchResult:
    """Run the benchmark."""
    result = BenchResult(NAME, TITLE)
    began = time.perf_counter()
    data = EmulatorData(seed=SEED, tenant_id=TENANT_ID, cdrs_per_day=N, cache_records=N + 10_000)
    dicts: list[dict[str, Any]] = [dict(c) for c in data.cdr_list(MONDAY, MONDAY + 86_399)][:N]
    pages = [
        orjson.dumps({"code": 0, "msg": "ok", "data": dicts[i : i + PAGE]})
        for i in range(0, len(dicts), PAGE)
    ]
    records = [load(CallRecord, d) for d in dicts]
    dump = converter.get_unstructure_hook(CallRecord)
    quick, fields = CDR_PAGE.quick, {"page": 1, "size": PAGE}
    if quick is None or quick(pages[0], fields) is None:
        raise RuntimeError("the typed path refused an emulator page: nothing to measure")
    # The fixtures (200 000 objects) stay alive through every pass: out of the collector's
    # reach, so that its full passes over them do not land in the measured loops at random.
    gc.collect()
    gc.freeze()
    try:
        t_json, t_load, t_generic, t_typed, t_dump = _interleaved(
            [
                (orjson.loads, pages),
                (lambda d: load(CallRecord, d), dicts),
                (lambda b: load_list(CallRecord, orjson.loads(b)["data"]), pages),
                (lambda b: quick(b, fields), pages),
                (lambda r: orjson.dumps(dump(r)), records),
            ]
        )
    finally:
        gc.unfreeze()
    n = len(dicts)
    result.figure("records", f"{n} in pages of {PAGE} ({sum(map(len, pages)) / n:.0f} B each)")
    result.figure("orjson.loads of the pages alone (baseline)", _us(t_json, n))
    result.figure("converter.load(CallRecord, obj), one dict at a time", _us(t_load, n))
    result.figure(
        "generic path: orjson.loads + load_list (answers the typed path refuses)", _us(t_generic, n)
    )
    for name, times in (("typed", t_typed), ("generic", t_generic)):
        ratio = statistics.median(times) / statistics.median(t_json)
        result.figure(
            f"page bytes -> CallRecords, {name} path / orjson.loads alone", f"{ratio:.2f}x"
        )
    result.figure("orjson.dumps(converter.dump(record)) (JSONL sink)", _us(t_dump, n))
    typed = statistics.median(t_typed) / n * 1e6
    result.check(
        "page bytes -> CallRecords (the client's typed path), per record",
        f"<= {TARGET_US:g} µs",
        _us(t_typed, n),
        typed <= TARGET_US,
    )
    result.seconds = time.perf_counter() - began
    return result


if __name__ == "__main__":
    run()
