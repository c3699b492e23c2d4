"""Harvesting against the emulator: exactly once under faults, caps respected, resumable."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from nxcc_async import AsyncNXCC, HarvestError, RetryPolicy
from nxcc_async.emulator import Emulator, Faults, RateLimit
from nxcc_async.harvest.checkpoint import CheckpointFile

AK, SK, TENANT = "harvest-ak", "harvest-secret", 144
DAY = 1_735_689_600  # 2025-01-01T00:00:00Z
WEEK = 7 * 86_400
RETRY = RetryPolicy(max_retries=8, wait_initial=0.0, wait_max=0.01, wait_jitter=0.005)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator.in_thread(access_key=AK, access_secret=SK, tenant_id=TENANT, seed=21) as emu:
        yield emu


def client(emu: Emulator, **kwargs: object) -> AsyncNXCC:
    settings: dict[str, object] = {
        "access_key": AK,
        "access_secret": SK,
        "base_url": emu.base_url,
        "tenant_id": TENANT,
        "retry": RETRY,
    }
    settings.update(kwargs)
    return AsyncNXCC(**settings)  # type: ignore[arg-type]


def truth(emu: Emulator, start: int, end: int) -> set[str]:
    return set(emu.data.cdr_ids(start, end - 1))


async def test_exactly_once_under_faults_and_within_the_concurrency_cap(emulator: Emulator) -> None:
    emulator.faults = Faults(code99=0.05, http5xx=0.05, drop=0.02)
    emulator.latency = (0.0, 0.004)
    async with client(emulator, max_concurrency=16) as c:
        ids = [r.call_id async for r in c.cdrs.harvest(DAY, DAY + WEEK)]
    assert len(ids) == len(set(ids)) == 7000
    assert set(ids) == truth(emulator, DAY, DAY + WEEK)
    assert sum(emulator.stats.faults.values()) > 0
    assert emulator.stats.peak_in_flight <= 16


async def test_rate_limit_holds_in_every_one_second_span(emulator: Emulator) -> None:
    async with client(emulator, rate_limit=20, max_concurrency=16) as c:
        harvest = c.cdrs.harvest(DAY, DAY + 2 * 86_400, window=1800, page_size=50)
        ids = [r.call_id async for r in harvest]
    assert len(set(ids)) == 2000
    assert emulator.stats.total >= 40  # enough requests for the one-second spans to mean something
    assert emulator.stats.max_in_window(1.0) <= 21


async def test_server_rate_limit_pauses_everyone_and_loses_nothing(emulator: Emulator) -> None:
    emulator.rate_limit = RateLimit(per_second=25, retry_after=1)
    async with client(emulator, max_concurrency=16) as c:
        ids = [r.call_id async for r in c.cdrs.harvest(DAY, DAY + 3 * 86_400, window=1800)]
    assert emulator.stats.rate_limited > 0
    assert len(ids) == len(set(ids)) == 3000


async def test_a_page_that_keeps_failing_names_its_window_and_resume_completes(
    emulator: Emulator, tmp_path: Path
) -> None:
    out, ckpt = tmp_path / "cdrs.jsonl", tmp_path / "run.ckpt"
    no_retry = RetryPolicy(max_retries=0)
    async with client(emulator, retry=no_retry, max_concurrency=4) as c:
        emulator.faults = Faults(code99=0.15)
        with pytest.raises(HarvestError, match=r"window #\d+ .*page \d+") as info:
            await c.cdrs.export(DAY, DAY + WEEK, out, checkpoint=ckpt, checkpoint_every=0.0)
        assert info.value.__cause__ is not None
        emulator.faults = Faults()
        state = CheckpointFile(ckpt).load()
        assert state is not None
        assert DAY <= state["done_until"] < DAY + WEEK
        result = await c.cdrs.export(DAY, DAY + WEEK, out, checkpoint=ckpt)
    assert result.resumed
    lines = out.read_bytes().splitlines()
    ids = [line.split(b'"callId":"', 1)[1].split(b'"', 1)[0].decode() for line in lines]
    assert len(ids) == len(set(ids)) == 7000
    assert set(ids) == truth(emulator, DAY, DAY + WEEK)


async def test_stream_checkpoint_resumes_after_the_last_window_taken(
    emulator: Emulator, tmp_path: Path
) -> None:
    ckpt = tmp_path / "stream.ckpt"
    taken: list[str] = []
    async with client(emulator, max_concurrency=4) as c:
        stream = c.cdrs.harvest(
            DAY, DAY + 2 * 86_400, checkpoint=ckpt, window=3600, checkpoint_every=0.0
        )
        async for record in stream:
            taken.append(record.call_id)
            if len(taken) == 450:
                break
        await stream.aclose()
        state = CheckpointFile(ckpt).load()
        assert state is not None
        done_until = state["done_until"]
        before = [i for i in taken if i in truth(emulator, DAY, done_until)]
        emulator.reset_stats()
        rest = [
            r.call_id
            async for r in c.cdrs.harvest(DAY, DAY + 2 * 86_400, checkpoint=ckpt, window=3600)
        ]
    assert set(before) == truth(emulator, DAY, done_until)
    assert set(before) | set(rest) == truth(emulator, DAY, DAY + 2 * 86_400)
    assert not set(before) & set(rest)


KILLED_EXPORT = textwrap.dedent(
    """
    import asyncio, sys
    from nxcc_async import AsyncNXCC

    async def main():
        async with AsyncNXCC(access_key={ak!r}, access_secret={sk!r}, base_url={url!r},
                             tenant_id={tenant}, max_concurrency=2) as c:
            await c.cdrs.export({start}, {end}, {out!r}, checkpoint={ckpt!r}, checkpoint_every=0.0,
                         window=1800)

    asyncio.run(main())
    """
)


def run_until_a_day_is_done_then_kill(
    script: str, ckpt: Path, start: int
) -> dict[str, object] | None:
    """Start the export in a child process; SIGKILL it once a day is checkpointed."""
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    state = None
    while time.monotonic() < deadline:
        try:
            state = CheckpointFile(ckpt).load()
        except ValueError:
            state = None
        if state and state["done_until"] - start > 86_400:
            break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    return state


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX kill")
async def test_killed_export_resumes_into_sqlite_exactly_once(
    emulator: Emulator, tmp_path: Path
) -> None:
    out, ckpt = tmp_path / "cdrs.sqlite", tmp_path / "kill.ckpt"
    start, end = DAY, DAY + 3 * 86_400
    emulator.latency = 0.01
    script = KILLED_EXPORT.format(
        ak=AK,
        sk=SK,
        url=emulator.base_url,
        tenant=TENANT,
        start=start,
        end=end,
        out=str(out),
        ckpt=str(ckpt),
    )
    state = await asyncio.to_thread(run_until_a_day_is_done_then_kill, script, ckpt, start)
    assert state is not None, "the export never checkpointed"
    killed_state = CheckpointFile(ckpt).load()
    assert killed_state is not None
    assert not killed_state["done"]

    emulator.latency = 0.0
    emulator.reset_stats()
    async with client(emulator, max_concurrency=4) as c:
        result = await c.cdrs.export(start, end, out, checkpoint=ckpt, window=1800)
        resumed_requests = emulator.stats.total
        emulator.reset_stats()
        async with client(emulator, max_concurrency=4) as fresh:
            await fresh.cdrs.export(start, end, tmp_path / "fresh.sqlite", window=1800)
        full_requests = emulator.stats.total
    assert result.resumed
    assert resumed_requests < full_requests  # completed windows were not fetched again
    with sqlite3.connect(out) as db:
        ids = [row[0] for row in db.execute("SELECT call_id FROM cdrs")]
    assert len(ids) == len(set(ids)) == 3000
    assert set(ids) == truth(emulator, start, end)


async def test_a_skewed_day_is_harvested_exactly_once() -> None:
    """Nights 80x sparser than the two peak hours: window sizing must not lose or repeat."""
    async with Emulator(
        access_key=AK, access_secret=SK, tenant_id=TENANT, seed=3, profile="skewed",
        cdrs_per_day=3000,
    ) as emu:  # fmt: skip
        async with client(emu, max_concurrency=16) as c:
            ids = [r.call_id async for r in c.cdrs.harvest(DAY, DAY + WEEK)]
        assert len(ids) == len(set(ids)) == 7 * 3000
        assert set(ids) == truth(emu, DAY, DAY + WEEK)


async def test_an_export_encodes_a_slice_at_a_time_and_writes_every_row_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows of thousands of rows are encoded ``ENCODE_ROWS`` at a time on the loop (the
    loop never waits on one big batch), and every row lands in the file once."""
    from nxcc_async.harvest import export
    from nxcc_async.harvest.sinks.jsonl import JsonlSink

    sizes: list[int] = []
    encode = JsonlSink.encode

    def counting(self: JsonlSink, records: Any) -> Any:
        sizes.append(len(records))
        return encode(self, records)

    monkeypatch.setattr(JsonlSink, "encode", counting)
    monkeypatch.setattr(export, "ENCODE_ROWS", 700)
    async with Emulator(
        access_key=AK, access_secret=SK, tenant_id=TENANT, seed=4, cdrs_per_day=30_000
    ) as emu:
        async with client(emu, max_concurrency=8) as c:
            result = await c.cdrs.export(DAY, DAY + 86_400, tmp_path / "day.jsonl")
        expected = truth(emu, DAY, DAY + 86_400)
    lines = (tmp_path / "day.jsonl").read_bytes().splitlines()
    assert result.rows_written == len(lines) == len(expected) == 30_000
    assert {orjson.loads(line)["callId"] for line in lines} == expected
    assert max(sizes) == 700  # some windows were bigger than a slice
    assert sum(sizes) == 30_000
