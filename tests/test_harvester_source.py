"""The harvester needs only a page function: no client, no HTTP (the architecture's promise)."""

from __future__ import annotations

import argparse
import datetime as dt
from contextlib import aclosing
from pathlib import Path

import pytest

from nxcc_async._core.errors import HarvestError, ServerError
from nxcc_async._core.page import Page
from nxcc_async.cli.commands.cdrs import add_filter_options, filters_of
from nxcc_async.harvest.checkpoint import CheckpointError, CheckpointFile
from nxcc_async.harvest.harvester import Harvester
from nxcc_async.harvest.state import HarvestState, Source, fingerprint
from nxcc_async.harvest.stream import harvest_stream
from nxcc_async.nxcc.cdr_filters import FILTERS, filter_fields
from nxcc_async.nxcc.records import CallRecord

START = 1_700_000_000
END = START + 3 * 3600
UTC = dt.timezone.utc


def calls(every: int = 7) -> list[CallRecord]:
    return [
        CallRecord(call_id=f"c{s}", start_time=dt.datetime.fromtimestamp(s, UTC))
        for s in range(START - 30, END + 30, every)
    ]


def source_of(
    records: list[CallRecord], *, size: int = 20, fail: set[tuple[int, int]] | None = None
) -> Source:
    """A page function over ``records`` with the [low, high] rule; ``fail``: the (low edge,
    page) pairs that fail."""

    async def fetch(low: int, high: int, number: int) -> Page[CallRecord]:
        if fail and (low, number) in fail:
            raise ServerError(99, "down")
        hits = [r for r in records if r.start_time and low <= r.start_time.timestamp() <= high]
        return Page(items=hits[(number - 1) * size : number * size], page=number, size=size)

    return Source(fetch, concurrency=3, page_size=size, fingerprint=fingerprint({"t": 1}))


async def test_every_call_once_from_a_bare_page_function() -> None:
    records = calls()
    harvester = Harvester(source_of(records), START, END, window=900)
    got = [r.call_id async for batch in harvester.batches() for r in batch]
    expected = [r.call_id for r in records if START <= r.start_time.timestamp() < END]
    assert got == expected  # in time order, exactly once
    state = harvester.state()
    assert state.done
    assert (state.rows, state.done_until) == (len(expected), END)


async def drain(harvester: Harvester) -> None:
    async with aclosing(harvester.batches()) as batches:
        async for _ in batches:
            pass


async def test_a_failing_page_names_its_window_and_page() -> None:
    source = source_of(calls(), fail={(START - 1, 3)})
    harvester = Harvester(source, START, END, window=900)
    with pytest.raises(HarvestError, match=r"window #0 \[1700000000, \d+\) .*page 3 kept"):
        await drain(harvester)


async def test_resume_state_round_trips_and_starts_after_it() -> None:
    records = calls()
    first = Harvester(source_of(records), START, END, window=900)
    async with aclosing(first.batches()) as batches:
        taken = [r.call_id for r in await anext(batches)]
    saved = HarvestState.from_json(first.state().to_json(), "test")
    assert saved == first.state()
    rest = Harvester(source_of(records), START, END, window=900, resume=saved)
    after = [r.call_id async for batch in rest.batches() for r in batch]
    expected = [r.call_id for r in records if START <= r.start_time.timestamp() < END]
    assert taken + after == expected


def test_a_state_of_other_arguments_is_refused() -> None:
    state = HarvestState(fingerprint="other", start=START, end=END, done_until=START)
    with pytest.raises(ValueError, match="other arguments"):
        Harvester(source_of([]), START, END, resume=state)


@pytest.mark.parametrize("window", [0, -5, 1.5, True])
def test_window_must_be_whole_positive_seconds(window: object) -> None:
    with pytest.raises(ValueError, match="window"):
        Harvester(source_of([]), START, END, window=window)  # type: ignore[arg-type]


@pytest.mark.parametrize("every", [-1.0, float("nan")])
def test_checkpoint_every_must_not_be_negative(every: float) -> None:
    with pytest.raises(ValueError, match="checkpoint_every"):
        harvest_stream(
            source_of([]),
            START,
            END,
            checkpoint=None,
            window=600,
            checkpoint_every=every,
            on_progress=None,
        )


def test_a_checkpoint_path_that_is_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="is a directory"):
        CheckpointFile(tmp_path)


def test_a_corrupt_state_is_a_checkpoint_error() -> None:
    with pytest.raises(CheckpointError, match="does not hold a harvest state"):
        HarvestState.from_json({"fingerprint": "x", "start": "soon"}, "'x.ckpt'")


def test_filters_are_spelled_once_and_reach_the_cli() -> None:
    assert filter_fields({"answered": True, "call_id": "c1", "direction": "inbound"}) == {
        "answered": 2,
        "direction": 1,
        "callId": "c1",
    }
    assert filter_fields({"answered": None, "name": None}) == {}
    with pytest.raises(TypeError, match="unknown CDR filter 'agent'"):
        filter_fields({"agent": "x"})
    parser = argparse.ArgumentParser()
    add_filter_options(parser)
    flags = [spec.flag for spec in FILTERS.values()]
    args = parser.parse_args([*(f"{f}=x" for f in flags if f not in ("--answered", "--direction"))])
    assert filters_of(args) == {n: "x" for n in FILTERS if n not in ("answered", "direction")}
    assert filters_of(parser.parse_args(["--unanswered"])) == {"answered": False}
