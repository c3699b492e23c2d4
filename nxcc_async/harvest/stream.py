"""``cdrs.harvest``: the harvester's batches as a record stream, checkpointed when asked."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncGenerator

from nxcc_async._core.pagination import ItemStream
from nxcc_async.harvest.checkpoint import CheckpointFile
from nxcc_async.harvest.harvester import Harvester, ProgressCallback
from nxcc_async.harvest.state import HarvestState, Source
from nxcc_async.nxcc.records import CallRecord


def check_every(checkpoint_every: float) -> float:
    """``checkpoint_every`` if it is a number of seconds >= 0."""
    if isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, (int, float)):
        raise TypeError("checkpoint_every must be a number of seconds")
    if not checkpoint_every >= 0:  # also refuses NaN
        raise ValueError(f"checkpoint_every must be >= 0 seconds, got {checkpoint_every}")
    return float(checkpoint_every)


def harvest_stream(
    source: Source,
    start: int,
    end: int,
    *,
    checkpoint: str | os.PathLike[str] | None,
    window: int,
    checkpoint_every: float,
    on_progress: ProgressCallback | None,
) -> ItemStream[CallRecord]:
    """Every call of ``[start, end)`` once, resuming from ``checkpoint`` if it holds a state.

    The checkpoint is saved when the consumer comes back for more after a batch (at most every
    ``checkpoint_every`` seconds; 0 = after every batch), at the end, and when the harvest fails
    or the consumer stops (at the last batch it came back from): a rerun re-delivers at most the
    batches taken since the last save, and never misses a call."""
    every = check_every(checkpoint_every)
    harvester, store, _ = resume_or_start(
        source, start, end, checkpoint=checkpoint, window=window, on_progress=on_progress
    )
    return ItemStream(_checkpointed(harvester, store, every))


def resume_or_start(
    source: Source,
    start: int,
    end: int,
    *,
    checkpoint: str | os.PathLike[str] | None,
    window: int,
    on_progress: ProgressCallback | None,
) -> tuple[Harvester, CheckpointFile | None, HarvestState | None]:
    """A harvester resumed from ``checkpoint``'s saved state (when it holds one for these same
    arguments; another run's checkpoint raises ``CheckpointMismatch``), the checkpoint file,
    and the state it was resumed from."""
    store = CheckpointFile(checkpoint) if checkpoint is not None else None
    state = None
    if store is not None:
        saved = store.load(expect_fingerprint=source.fingerprint)
        state = None if saved is None else HarvestState.from_json(saved, repr(str(store.path)))
    harvester = Harvester(source, start, end, window=window, resume=state, on_progress=on_progress)
    return harvester, store, state


async def _checkpointed(
    harvester: Harvester, store: CheckpointFile | None, every: float
) -> AsyncGenerator[list[CallRecord], None]:
    with store.lock() if store is not None else contextlib.nullcontext():
        last_save = time.monotonic()
        kept = saved = None  # the state after the last batch the consumer came back from
        try:
            async with contextlib.aclosing(harvester.batches()) as batches:
                async for batch in batches:
                    yield batch
                    if store is None:
                        continue
                    kept = harvester.state()
                    if time.monotonic() - last_save >= every:
                        store.save(kept.to_json())
                        last_save, saved = time.monotonic(), kept
        except BaseException:  # a failure, or the consumer stopped: keep what it took
            if store is not None and kept is not None and kept is not saved:
                with contextlib.suppress(Exception):  # the error that stopped the run wins
                    store.save(kept.to_json())
            raise
        if store is not None:
            store.save(harvester.state().to_json())
