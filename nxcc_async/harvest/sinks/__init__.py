"""Export sinks for harvested CDRs: JSON Lines, CSV, SQLite and Parquet. See :func:`open_sink`."""

from __future__ import annotations

import os
from pathlib import Path

from nxcc_async.harvest.sinks.base import FORMATS, Sink, SinkPosition, format_for
from nxcc_async.harvest.sinks.csv import CsvSink
from nxcc_async.harvest.sinks.jsonl import JsonlSink
from nxcc_async.harvest.sinks.sqlite import SqliteSink

__all__ = ["FORMATS", "Sink", "SinkPosition", "format_for", "open_sink"]

_SINKS: dict[str, type[JsonlSink] | type[CsvSink] | type[SqliteSink]] = {
    "jsonl": JsonlSink,
    "csv": CsvSink,
    "sqlite": SqliteSink,
}


def open_sink(
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    resume: SinkPosition | None = None,
    overwrite: bool = False,
) -> Sink:
    """Open a sink for ``path``, by ``format`` or the file extension.

    Without ``resume`` a fresh output is started; an existing non-empty one is refused
    (``FileExistsError``) unless ``overwrite=True``. With ``resume`` (a position from
    :meth:`Sink.commit`), anything written after it is dropped and writing continues.
    """
    name = format_for(path, format)
    if name == "parquet":
        # imported on demand: pyarrow is an optional dependency
        from nxcc_async.harvest.sinks.parquet import ParquetSink

        return ParquetSink(Path(path), resume=resume, overwrite=overwrite)
    return _SINKS[name](Path(path), resume=resume, overwrite=overwrite)
