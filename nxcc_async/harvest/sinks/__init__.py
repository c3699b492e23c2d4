"""Export sinks for harvested CDRs: JSON Lines, CSV, SQLite and Parquet. See :func:`open_sink`.

The registry below is the one place that names the sinks: a new format is a module with a
:class:`~nxcc_async.harvest.sinks.base.Sink` subclass and one line here. Modules are imported on
first use, so an optional dependency (pyarrow) is only needed by those who write Parquet.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from nxcc_async.harvest.sinks.base import Encoded, Sink, SinkPosition

__all__ = ["FORMATS", "Encoded", "Sink", "SinkPosition", "format_for", "open_sink", "sink_class"]

#: format -> (file extensions, ``module:Class`` under this package)
_SINKS: dict[str, tuple[tuple[str, ...], str]] = {
    "jsonl": ((".jsonl", ".ndjson"), "jsonl:JsonlSink"),
    "csv": ((".csv",), "csv:CsvSink"),
    "sqlite": ((".sqlite", ".sqlite3", ".db"), "sqlite:SqliteSink"),
    "parquet": ((".parquet",), "parquet:ParquetSink"),
}

FORMATS: tuple[str, ...] = tuple(_SINKS)
_EXTENSIONS = {ext: name for name, (exts, _) in _SINKS.items() for ext in exts}


def format_for(path: str | os.PathLike[str], format: str | None = None) -> str:
    """The sink format for ``path``: ``format`` if given, else from the file extension."""
    if format is not None:
        name = format.lower().lstrip(".")
        name = _EXTENSIONS.get(f".{name}", name)
        if name not in FORMATS:
            raise ValueError(f"unknown sink format {format!r}; choose one of {', '.join(FORMATS)}")
        return name
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        known = ", ".join(sorted(_EXTENSIONS))
        raise ValueError(
            f"cannot tell the output format of {str(path)!r} from its extension {suffix!r}; "
            f"use one of {known} or pass format= ({', '.join(FORMATS)})"
        )
    return _EXTENSIONS[suffix]


def sink_class(format: str) -> type[Sink]:
    """The :class:`Sink` subclass of a format (imports its module on first use)."""
    module, _, name = _SINKS[format_for("", format)][1].partition(":")
    cls: type[Sink] = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    return cls


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
    cls = sink_class(format_for(path, format))
    return cls(Path(path), resume=resume, overwrite=overwrite)
