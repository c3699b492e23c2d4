"""``export``: harvest a period into a sink, keeping the output and the checkpoint in step.

After a window is written, ``sink.commit()`` makes the output durable and returns its position;
the checkpoint then records that position with the harvester's state, atomically. A rerun with
the same checkpoint reopens the sink at the saved position (dropping anything written after it)
and resumes right after the last committed window: every call lands exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from nxcc_async.harvest.harvester import HarvestProgress, ProgressCallback
from nxcc_async.harvest.sinks import open_sink
from nxcc_async.harvest.stream import resume_or_start
from nxcc_async.nxcc import endpoints as ep

if TYPE_CHECKING:
    from nxcc_async.nxcc.client import AsyncNXCC


@attrs.frozen
class ExportResult:
    """What an export did: rows written by this run, rows in the output, and whether it resumed."""

    path: Path
    format: str
    rows_written: int
    rows_total: int
    resumed: bool
    already_complete: bool
    progress: HarvestProgress | None


async def export(
    client: AsyncNXCC,
    start: int,
    end: int,
    out: str | os.PathLike[str],
    *,
    filters: Mapping[str, Any] | None = None,
    format: str | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    page_size: int = ep.CDR_PAGE_MAX,
    window: int = 600,
    checkpoint_every: float = 1.0,
    on_progress: ProgressCallback | None = None,
) -> ExportResult:
    """Harvest ``[start, end)`` (Unix seconds) into ``out`` (format from ``format`` or the file
    extension: jsonl, csv, sqlite, parquet). With ``checkpoint``, a rerun resumes."""
    filters = dict(filters or {})
    harvester, store, state = resume_or_start(
        client,
        start,
        end,
        filters,
        checkpoint=checkpoint,
        page_size=page_size,
        window=window,
        on_progress=on_progress,
    )
    if state is not None and state.get("done"):
        return ExportResult(
            path=Path(out),
            format=str(state.get("sink", {}).get("format", format or "")),
            rows_written=0,
            rows_total=int(state.get("rows", 0)),
            resumed=True,
            already_complete=True,
            progress=None,
        )
    resume_at = state.get("sink") if state is not None else None
    written = 0
    locked = store.lock() if store is not None else contextlib.nullcontext()
    with locked, open_sink(out, format, resume=resume_at, overwrite=overwrite) as sink:
        last_save = time.monotonic()
        async with contextlib.aclosing(harvester.batches()) as batches:
            async for batch in batches:
                # file and database I/O in a worker thread: the loop keeps fetching meanwhile
                await asyncio.to_thread(sink.write, batch)
                written += len(batch)
                if store is not None and time.monotonic() - last_save >= checkpoint_every:
                    position = await asyncio.to_thread(sink.commit)
                    store.save({**harvester.state(), "sink": position})
                    last_save = time.monotonic()
        position = await asyncio.to_thread(sink.commit)
        if store is not None:
            store.save({**harvester.state(), "sink": position})
        return ExportResult(
            path=Path(out),
            format=sink.format,
            rows_written=written,
            rows_total=sink.rows,
            resumed=state is not None,
            already_complete=False,
            progress=harvester.progress(),
        )
