"""Shared machinery of the append-only file sinks (JSONL, CSV): position = byte offset."""

from __future__ import annotations

import abc
import os
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from nxcc_async.harvest.sinks.base import (
    Encoded,
    Sink,
    SinkPosition,
    fsync_dir,
    refuse_existing,
)
from nxcc_async.nxcc.records import CallRecord


class AppendFileSink(Sink):
    """One file, appended a batch at a time (one ``write`` call per batch, no per-record I/O).

    ``commit()`` flushes and fsyncs and returns ``{"format", "offset", "rows"}``; resuming
    truncates the file back to ``offset``, which must end a line of the same file.
    """

    def __init__(
        self, path: Path, *, resume: SinkPosition | None = None, overwrite: bool = False
    ) -> None:
        super().__init__(path)
        self._file: BinaryIO
        self._new = resume is None or not path.exists()
        if resume is None:
            if not overwrite and path.exists() and not self._empty(path):
                refuse_existing(path)
            self._file = open(path, "wb")  # noqa: SIM115 - owned by the sink, closed in close()
            self._file.write(self._header())
            return
        self._check_position(resume, "offset")
        offset: int = resume["offset"]
        if not path.exists():
            if offset > len(self._header()):
                raise FileNotFoundError(f"cannot resume {str(path)!r}: the file is missing")
            self._file = open(path, "wb")  # noqa: SIM115
            self._file.write(self._header())
            return
        self._file = open(path, "r+b")  # noqa: SIM115
        try:
            self._truncate(offset)
        except BaseException:
            self._file.close()
            raise
        self.rows = resume["rows"]

    def _empty(self, path: Path) -> bool:
        """Empty, or only this format's header: what a run killed between its first write and
        its first checkpoint leaves (replacing it loses no row)."""
        header = self._header()
        size = path.stat().st_size
        if size > len(header):
            return False
        with open(path, "rb") as f:
            return f.read() in (b"", header)

    def _truncate(self, offset: int) -> None:
        f = self._file
        size = f.seek(0, os.SEEK_END)
        header = self._header()
        if size < offset:
            raise ValueError(
                f"cannot resume {str(self.path)!r}: it has {size} bytes but the checkpoint "
                f"position is {offset}; the file was truncated or replaced"
            )
        if offset:
            f.seek(0)
            if offset < len(header) or f.read(len(header)) != header:
                raise ValueError(
                    f"cannot resume {str(self.path)!r}: its header is not the one this version "
                    "writes, or the offset is inside it"
                )
        if offset > len(header):
            f.seek(offset - 1)
            if f.read(1) != b"\n":
                raise ValueError(
                    f"cannot resume {str(self.path)!r}: offset {offset} is not at a line end; "
                    "is this the file the checkpoint was written for?"
                )
        f.truncate(offset)
        f.seek(offset)
        if offset == 0:
            f.write(header)
        f.flush()
        os.fsync(f.fileno())

    def _header(self) -> bytes:
        """Bytes that start a fresh file (none by default)."""
        return b""

    @abc.abstractmethod
    def _encode(self, records: Sequence[CallRecord]) -> bytes:
        """The bytes of a batch of records."""

    def encode(self, records: Sequence[CallRecord]) -> Encoded:
        return Encoded(self._encode(records) if records else b"", len(records))

    def write_encoded(self, batch: Encoded) -> None:
        self._check_open()
        if batch.rows:
            self._file.write(batch.data)
            self.rows += batch.rows

    def commit(self) -> SinkPosition:
        self._check_open()
        self._file.flush()
        os.fsync(self._file.fileno())
        if self._new:
            fsync_dir(self.path.parent.resolve())
            self._new = False
        return {"format": self.format, "offset": self._file.tell(), "rows": self.rows}

    def _release(self) -> None:
        self._file.close()
