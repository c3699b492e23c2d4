"""A failed or stopped run keeps what it finished; a finished checkpoint vouches only for the
output that is still there.

The page function fails every request past a point in time, so the harvest stops after a few
windows were handed out; the checkpoint is saved periodically only once an hour here, so what
a rerun finds is what the failure path saved.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import orjson
import pytest

from nxcc_async._core.errors import HarvestError, ServerError
from nxcc_async._core.page import Page
from nxcc_async.harvest.checkpoint import CheckpointFile, CheckpointMismatch
from nxcc_async.harvest.export import export
from nxcc_async.harvest.state import Source, fingerprint
from nxcc_async.harvest.stream import harvest_stream
from nxcc_async.nxcc.records import CallRecord

START = 1_700_000_000
END = START + 3 * 3600
UTC = dt.timezone.utc
RECORDS = [
    CallRecord(call_id=f"c{s}", start_time=dt.datetime.fromtimestamp(s, UTC))
    for s in range(START, END, 7)
]
EXPECTED = [r.call_id for r in RECORDS]
HOURLY = 3600.0  # checkpoint_every: no periodic save within a test


def source(*, fail_from: int | None = None, hang_from: int | None = None) -> Source:
    """Pages of 20 over ``RECORDS``; every request of a window starting at ``fail_from`` or
    later fails, at ``hang_from`` or later never answers (the same fingerprint: a rerun
    resumes)."""

    async def fetch(low: int, high: int, number: int) -> Page[CallRecord]:
        if fail_from is not None and low >= fail_from:
            raise ServerError(99, "down")
        if hang_from is not None and low >= hang_from:
            await asyncio.Event().wait()
        hits = [r for r in RECORDS if low <= r.start_time.timestamp() <= high]  # type: ignore[union-attr]
        return Page(items=hits[(number - 1) * 20 : number * 20], page=number, size=20)

    return Source(fetch, concurrency=3, page_size=20, fingerprint=fingerprint({"t": 1}))


def ids_in(path: Path) -> list[str]:
    return [orjson.loads(line)["callId"] for line in path.read_bytes().splitlines()]


async def failed_export(out: Path, ckpt: Path) -> dict[str, Any]:
    """An export of the period that failed after two of its three hours: its saved state."""
    with pytest.raises(HarvestError):
        await export(
            source(fail_from=START + 2 * 3600), START, END, out,
            checkpoint=ckpt, checkpoint_every=HOURLY,
        )  # fmt: skip
    saved = CheckpointFile(ckpt).load()
    assert saved is not None
    assert not saved["done"]
    assert 0 < saved["rows"] < len(EXPECTED)
    return saved


async def test_a_failed_export_keeps_the_windows_it_wrote(tmp_path: Path) -> None:
    out, ckpt = tmp_path / "cdrs.jsonl", tmp_path / "run.ckpt"
    saved = await failed_export(out, ckpt)
    kept = ids_in(out)[: saved["rows"]]
    assert saved["rows"] > 0
    assert saved["done_until"] > START
    assert kept == EXPECTED[: len(kept)]

    again = await export(source(), START, END, out, checkpoint=ckpt, checkpoint_every=HOURLY)
    assert again.resumed
    assert 0 < again.rows_written < len(EXPECTED)
    assert ids_in(out) == EXPECTED  # every call once, in order


async def test_a_cancelled_export_keeps_the_windows_it_wrote(tmp_path: Path) -> None:
    out, ckpt = tmp_path / "cdrs.jsonl", tmp_path / "run.ckpt"
    handed_out = [0]
    run = asyncio.create_task(
        export(
            source(hang_from=START + 2 * 3600),
            START,
            END,
            out,
            checkpoint=ckpt,
            checkpoint_every=HOURLY,
            on_progress=lambda p: handed_out.__setitem__(0, p.rows),
        )
    )
    settled, before = 0, -1
    for _ in range(1000):  # until the export waits on the hang, every row handed out written
        await asyncio.sleep(0.01)
        lines = out.read_bytes().count(b"\n") if out.exists() else 0
        still = lines == handed_out[0] == before > 0
        settled, before = settled + 1 if still else 0, handed_out[0]
        if settled == 5:
            break
    run.cancel()  # what Ctrl-C does to the CLI's export, here between two windows
    with pytest.raises(asyncio.CancelledError):
        await run
    saved = CheckpointFile(ckpt).load()
    assert saved is not None
    assert saved["rows"] == handed_out[0] > 0

    again = await export(source(), START, END, out, checkpoint=ckpt, checkpoint_every=HOURLY)
    assert again.resumed
    assert again.rows_written == len(EXPECTED) - saved["rows"]
    assert ids_in(out) == EXPECTED


@pytest.mark.parametrize("damage", ["deleted", "truncated", "other format"])
async def test_a_finished_checkpoint_refuses_an_output_that_is_not_its_own(
    tmp_path: Path, damage: str
) -> None:
    out, ckpt = tmp_path / "cdrs.jsonl", tmp_path / "run.ckpt"
    await export(source(), START, END, out, checkpoint=ckpt)
    intact = await export(source(), START, END, out, checkpoint=ckpt)
    assert intact.already_complete
    assert intact.rows_total == len(EXPECTED)

    target = out
    if damage == "deleted":
        out.unlink()
    elif damage == "truncated":
        out.write_bytes(out.read_bytes()[:100])
    else:
        target = tmp_path / "cdrs.csv"
    with pytest.raises(CheckpointMismatch, match="finished export"):
        await export(source(), START, END, target, checkpoint=ckpt)
    assert not (tmp_path / "cdrs.csv").exists()


async def test_a_failed_harvest_saves_the_batches_its_consumer_took(tmp_path: Path) -> None:
    ckpt = tmp_path / "run.ckpt"
    taken: list[str] = []
    stream = harvest_stream(
        source(fail_from=START + 2 * 3600), START, END,
        checkpoint=ckpt, window=600, checkpoint_every=HOURLY, on_progress=None,
    )  # fmt: skip

    async def take() -> None:
        async for record in stream:
            taken.append(record.call_id)

    with pytest.raises(HarvestError):
        await take()
    saved = CheckpointFile(ckpt).load()
    assert saved is not None
    assert saved["rows"] == len(taken) > 0
    assert taken == EXPECTED[: len(taken)]

    rest = harvest_stream(
        source(), START, END, checkpoint=ckpt, window=600, checkpoint_every=HOURLY,
        on_progress=None,
    )  # fmt: skip
    assert taken + [r.call_id async for r in rest] == EXPECTED


async def test_a_consumer_that_stops_has_the_batches_it_came_back_from_saved(
    tmp_path: Path,
) -> None:
    ckpt = tmp_path / "run.ckpt"
    first = harvest_stream(
        source(), START, END, checkpoint=ckpt, window=600, checkpoint_every=HOURLY,
        on_progress=None,
    )  # fmt: skip
    batches = first.batches()
    one, two = list(await batches.__anext__()), list(await batches.__anext__())
    await first.aclose()  # stops holding the second batch: it may not have been used
    saved = CheckpointFile(ckpt).load()
    assert saved is not None
    assert saved["rows"] == len(one)

    rest = harvest_stream(
        source(), START, END, checkpoint=ckpt, window=600, checkpoint_every=HOURLY,
        on_progress=None,
    )  # fmt: skip
    again = [r.call_id async for r in rest]
    assert again[: len(two)] == [r.call_id for r in two]  # re-delivered
    assert [r.call_id for r in one] + again == EXPECTED
