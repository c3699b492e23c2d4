"""``cdrs.harvest``: the harvester's batches as a record stream, checkpointed when asked."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncGenerator, Mapping
from typing import TYPE_CHECKING, Any

from nxcc_async._core.pagination import ItemStream
from nxcc_async.harvest.checkpoint import CheckpointFile
from nxcc_async.harvest.harvester import Harvester, ProgressCallback, fingerprint
from nxcc_async.nxcc.records import CallRecord

if TYPE_CHECKING:
    from nxcc_async.nxcc.client import AsyncNXCC


def harvest_stream(
    client: AsyncNXCC,
    start: int,
    end: int,
    filters: Mapping[str, Any],
    *,
    checkpoint: str | os.PathLike[str] | None,
    page_size: int,
    window: int,
    checkpoint_every: float,
    on_progress: ProgressCallback | None,
) -> ItemStream[CallRecord]:
    """Every call of ``[start, end)`` once, resuming from ``checkpoint`` if it holds a state.

    The checkpoint is saved when the consumer comes back for more after a window, at most every
    ``checkpoint_every`` seconds and at the end: a rerun never yields a call the consumer had
    already taken before that save, and never misses one."""
    harvester, store, _ = resume_or_start(
        client,
        start,
        end,
        filters,
        checkpoint=checkpoint,
        page_size=page_size,
        window=window,
        on_progress=on_progress,
    )
    return ItemStream(_checkpointed(harvester, store, checkpoint_every))


def resume_or_start(
    client: AsyncNXCC,
    start: int,
    end: int,
    filters: Mapping[str, Any],
    *,
    checkpoint: str | os.PathLike[str] | None,
    page_size: int,
    window: int,
    on_progress: ProgressCallback | None,
) -> tuple[Harvester, CheckpointFile | None, dict[str, Any] | None]:
    """A harvester resumed from ``checkpoint``'s saved state (when it holds one for these same
    arguments; another run's checkpoint raises ``CheckpointMismatch``), the checkpoint file,
    and the state it was resumed from."""
    store = CheckpointFile(checkpoint) if checkpoint is not None else None
    state = None
    if store is not None:
        state = store.load(expect_fingerprint=fingerprint(client, start, end, filters))
    harvester = Harvester(
        client,
        start,
        end,
        filters=filters,
        page_size=page_size,
        window=window,
        resume=state,
        on_progress=on_progress,
    )
    return harvester, store, state


async def _checkpointed(
    harvester: Harvester, store: CheckpointFile | None, every: float
) -> AsyncGenerator[list[CallRecord], None]:
    with store.lock() if store is not None else contextlib.nullcontext():
        last_save = time.monotonic()
        async with contextlib.aclosing(harvester.batches()) as batches:
            async for batch in batches:
                yield batch
                if store is not None and time.monotonic() - last_save >= every:
                    store.save(harvester.state())
                    last_save = time.monotonic()
        if store is not None:
            store.save(harvester.state())
