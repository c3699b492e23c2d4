"""Shared machinery of the append-only file sinks (JSONL, CSV): position = byte offset."""

from __future__ import annotations

import abc
import hashlib
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

    ``commit()`` flushes and fsyncs and returns ``{"format", "offset", "rows", "tail"}``
    (``tail``: a digest of the bytes just before ``offset``); resuming truncates the file back to
    ``offset``, which must end a line of the same file, with the same bytes before it.
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
            self._truncate(offset, resume.get("tail"))
        except BaseException:
            self._file.close()
            raise
        self.rows = resume["rows"]

    def _empty(self, path: Path) -> bool:
        """Empty, or only this format's header: what a run killed between its first write and
        its first checkpoint leaves (replacing it loses no row)."""
        header = self._header()
        size = path.stat().st_size
        if size > len(header) or not path.is_file():
            return False
        with open(path, "rb") as f:
            return f.read() in (b"", header)

    def _truncate(self, offset: int, tail: str | None) -> None:
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
        if tail is not None and tail != _tail(f, offset):
            raise ValueError(
                f"cannot resume {str(self.path)!r}: its bytes before offset {offset} are not "
                "the ones the checkpoint recorded; the file was replaced or edited"
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
        offset = self._file.tell()
        with open(self.path, "rb") as f:  # what was flushed: the digest of a resume's check
            tail = _tail(f, offset)
        return {"format": self.format, "offset": offset, "rows": self.rows, "tail": tail}

    @classmethod
    def damage(cls, path: Path, position: SinkPosition) -> str | None:
        offset = position.get("offset")
        if not isinstance(offset, int):
            return None
        if not path.is_file():
            return "is not a file"
        with open(path, "rb") as f:
            if f.seek(0, os.SEEK_END) < offset:
                return "is shorter than it was then (truncated or replaced)"
            if "tail" in position and position["tail"] != _tail(f, offset):
                return "does not hold the bytes it held then (replaced or edited)"
        return None

    def _release(self) -> None:
        self._file.close()


#: Bytes before a commit's offset that its digest covers.
TAIL = 4096


def _tail(f: BinaryIO, offset: int) -> str:
    """A digest of the (up to) :data:`TAIL` bytes of ``f`` before ``offset``."""
    f.seek(max(0, offset - TAIL))
    return hashlib.blake2b(f.read(min(offset, TAIL)), digest_size=16).hexdigest()
