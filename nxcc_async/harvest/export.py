"""``export``: harvest a period into a sink, keeping the output and the checkpoint in step.

After a window is written, ``sink.commit()`` makes the output durable and returns its position;
the checkpoint then records that position with the harvester's state, atomically. A rerun with
the same checkpoint reopens the sink at the saved position (dropping anything written after it)
and resumes right after the last committed window: every call lands exactly once.

The first checkpoint is written before the first row, holding the empty output's position: an
export stopped at any moment, even in its first milliseconds, resumes.

A run that fails or is stopped later (a window that keeps failing, Ctrl-C) commits what it wrote
and saves the checkpoint at the last window written in full, so that a rerun goes on from there
rather than from the last periodic save. A run that fails before writing its first row (a wrong
secret, a refused connection) removes the output it created and the checkpoint it created:
nothing was done, so nothing is left to resume.

The checkpoint records which output it belongs to (its absolute path) and, at every save, what
the output held (a file's length and a digest of its last bytes, an SQLite table's rows, a
Parquet directory's parts). A rerun into another output is refused
(:class:`~nxcc_async.harvest.checkpoint.CheckpointMismatch`): resuming would cut or delete what
that output holds beyond the saved position. A checkpoint of a finished export answers a rerun
"already complete" only when its output still holds what it held at the end; otherwise the
rerun is refused, rather than reporting an export that is not on disk.

Refused before anything is opened: an output that is the checkpoint itself (or its lock), an
output that exists but is no regular file or directory (a device or a pipe: write to a file, or
harvest with ``cdrs.harvest``), a new output in a directory that does not exist, and a period
that ends in the future (a finished checkpoint would never fetch the calls still to come: keep
a live period with ``cdrs.sync``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs

from nxcc_async.harvest.checkpoint import CheckpointFile, CheckpointMismatch
from nxcc_async.harvest.harvester import Harvester, HarvestProgress, ProgressCallback
from nxcc_async.harvest.sinks import Sink, SinkPosition, format_for, open_sink, sink_class
from nxcc_async.harvest.state import HarvestState, Source
from nxcc_async.harvest.stream import check_every, resume_or_start


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
    source: Source,
    start: int,
    end: int,
    out: str | os.PathLike[str],
    *,
    format: str | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    window: int = 600,
    checkpoint_every: float = 1.0,
    on_progress: ProgressCallback | None = None,
) -> ExportResult:
    """Harvest ``[start, end)`` (Unix seconds) from ``source`` into ``out`` (format from
    ``format`` or the file extension: jsonl, csv, sqlite, parquet). With ``checkpoint``, a rerun
    resumes. Used by ``client.cdrs.export``."""
    every = check_every(checkpoint_every)
    _check_paths(out, format_for(out, format), checkpoint)
    _check_period(end)
    harvester, store, state = resume_or_start(
        source, start, end, checkpoint=checkpoint, window=window, on_progress=on_progress
    )
    if state is not None and state.done:
        _check_finished(out, format, state.sink, checkpoint)
        return ExportResult(
            path=Path(out),
            format=str((state.sink or {}).get("format", format or "")),
            rows_written=0,
            rows_total=state.rows,
            resumed=True,
            already_complete=True,
            progress=None,
        )
    resume_at = state.sink if state is not None else None
    if resume_at is not None:
        _check_owner(out, resume_at, f"checkpoint {str(checkpoint)!r} belongs to the export")
    # one stat, no thread hop: the time from here to the first checkpoint stays as short as it was
    fresh_output = not os.path.lexists(out)  # noqa: ASYNC240
    fresh_checkpoint = store is not None and state is None
    locked = store.lock() if store is not None else contextlib.nullcontext()
    with locked:
        try:
            return await _run(harvester, store, state, out, format, resume_at, overwrite, every)
        except BaseException:
            if fresh_output and not harvester.progress().rows:
                _remove(Path(out))
                if fresh_checkpoint and store is not None:
                    store.delete()
            raise


#: How far in the future an export's end may be (the clock of the machine that parsed "now").
FUTURE_SLACK = 60


def _check_paths(
    out: str | os.PathLike[str], kind: str, checkpoint: str | os.PathLike[str] | None
) -> None:
    """Refuse an output that is the checkpoint or its lock, no regular file or directory (a
    directory for a file format), or new in a directory that does not exist."""
    path = Path(out)
    if checkpoint is not None:
        ckpt = Path(checkpoint).resolve()
        if path.resolve() in (ckpt, ckpt.with_name(ckpt.name + ".lock")):
            raise ValueError(
                f"the output {str(path)!r} is the checkpoint file {str(checkpoint)!r} (or its "
                "lock): give them different paths"
            )
    if os.path.lexists(path):
        if not (path.is_file() or path.is_dir()):
            raise ValueError(
                f"{str(path)!r} exists and is no regular file or directory (a device, a pipe?): "
                "exports write files they can resume and check; give a file path"
            )
        if path.is_dir() and kind != "parquet":
            raise ValueError(f"{str(path)!r} is a directory; a {kind} output is a file")
    elif not path.resolve().parent.is_dir():
        raise FileNotFoundError(
            f"cannot create {str(path)!r}: the directory {str(path.resolve().parent)!r} does "
            "not exist"
        )


def _check_period(end: int) -> None:
    """Refuse a period that is not over yet."""
    now = time.time()
    if end > now + FUTURE_SLACK:
        raise ValueError(
            f"the period ends in the future ({end - now:.0f} s from now): an export is of a "
            "period that is over, and a finished one is never fetched again; end it at 'now' "
            "or earlier, and keep a live period up to date with cdrs.sync (nxcc cdrs sync)"
        )


def _check_owner(out: str | os.PathLike[str], position: SinkPosition, where: str) -> None:
    """Refuse to resume (or call complete) an output other than the checkpoint's."""
    owner, path = position.get("path"), str(Path(out).resolve())
    if isinstance(owner, str) and owner != path:
        raise CheckpointMismatch(
            f"{where} into {owner!r}, not {path!r}: pass that output, or another checkpoint "
            "(resuming would cut what this output holds beyond the checkpoint's position)"
        )


def _check_finished(
    out: str | os.PathLike[str],
    format: str | None,
    position: SinkPosition | None,
    checkpoint: str | os.PathLike[str] | None,
) -> None:
    """Refuse to call an export complete when its output is not what the checkpoint recorded:
    another format or another output, missing, or no longer holding what it held at the end."""
    saved = position or {}
    kind = format_for(out, format)
    where = f"checkpoint {str(checkpoint)!r} belongs to a finished export"
    if saved.get("format") not in (None, kind):
        raise CheckpointMismatch(
            f"{where} into a {saved['format']} output, not {kind}: pass that export's output, "
            "or another checkpoint to export again"
        )
    _check_owner(out, saved, where)
    path = Path(out)
    if not os.path.lexists(path):
        raise CheckpointMismatch(
            f"{where}, but {str(path)!r} does not exist (moved or deleted?): delete the "
            "checkpoint to export again"
        )
    damage = sink_class(kind).damage(path, saved)
    if damage is not None:
        raise CheckpointMismatch(
            f"{where}, but {str(path)!r} {damage}: delete the checkpoint to export again"
        )


def _remove(path: Path) -> None:
    """Remove an output this run created (a Parquet output is a directory of parts)."""
    if path.is_dir() and not path.is_symlink():
        for part in path.iterdir():
            part.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.rmdir()
    else:
        path.unlink(missing_ok=True)


#: Records encoded on the loop at a time (about 5-10 ms of it on the reference machine).
ENCODE_ROWS = 1_000


async def _run(
    harvester: Harvester,
    store: CheckpointFile | None,
    state: HarvestState | None,
    out: str | os.PathLike[str],
    format: str | None,
    resume_at: SinkPosition | None,
    overwrite: bool,
    every: float,
) -> ExportResult:
    written = 0
    # Encoding runs here, on the loop: it is pure Python and would only contend for the GIL on
    # another thread. File and database I/O run on one worker thread of the sink's own: the loop
    # keeps fetching meanwhile, and one thread keeps the sink's buffers in one malloc arena
    # (spread over the default executor's threads, a 1M-row export's RSS crept up with its length).
    with (
        open_sink(out, format, resume=resume_at, overwrite=overwrite) as sink,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="nxcc-sink") as writer,
    ):
        loop = asyncio.get_running_loop()
        if store is not None and state is None:
            await _save(store, harvester.state(), sink, writer)  # before the first row
        last_save = time.monotonic()
        saved = written  # rows written when the checkpoint was last saved
        # the harvester's state right after the last batch written in full: what a failed or
        # stopped run saves (the harvester may have moved past rows it never handed out)
        kept = harvester.state() if store is not None else None
        whole = True  # every batch handed out so far is written in full
        try:
            async with contextlib.aclosing(harvester.batches()) as batches:
                async for batch in batches:
                    whole = False
                    # a window can hold thousands of rows: encoded a slice at a time, so that
                    # the loop (fetching the next pages, the user's other tasks) never waits long
                    for i in range(0, len(batch), ENCODE_ROWS):
                        encoded = sink.encode(batch[i : i + ENCODE_ROWS])
                        await loop.run_in_executor(writer, sink.write_encoded, encoded)
                    written += len(batch)
                    whole = True
                    if store is None:
                        continue
                    kept = harvester.state()
                    if time.monotonic() - last_save >= every:
                        await _save(store, kept, sink, writer)
                        last_save, saved = time.monotonic(), written
        except BaseException:
            # failed or stopped between two batches: keep what was written since the last save.
            # Stopped inside one, the output holds part of it: nothing is saved, and a resume
            # takes the output back to the last saved position.
            if store is not None and kept is not None and whole and written > saved:
                with contextlib.suppress(Exception):  # the error that stopped the run wins
                    await _save(store, kept, sink, writer)
            raise
        if store is not None:
            await _save(store, harvester.state(), sink, writer)
        else:
            await loop.run_in_executor(writer, sink.commit)
        return ExportResult(
            path=Path(out),
            format=sink.format,
            rows_written=written,
            rows_total=sink.rows,
            resumed=state is not None,
            already_complete=False,
            progress=harvester.progress(),
        )


async def _save(
    store: CheckpointFile, state: HarvestState, sink: Sink, writer: ThreadPoolExecutor
) -> None:
    """Commit the output (on the sink's thread), then record its position with ``state``."""
    position = await asyncio.get_running_loop().run_in_executor(writer, sink.commit)
    owner = str(sink.path.resolve())
    store.save(attrs.evolve(state, sink={**position, "path": owner}).to_json())
