"""Parquet sink: a dataset directory of part files, one part per commit (needs ``pyarrow``).

A closed Parquet file cannot be appended to, so ``out.parquet`` is a *directory*::

    out.parquet/part-00000.parquet   committed, immutable
    out.parquet/part-00001.parquet
    out.parquet/.part-00002.parquet.inprogress   being written (hidden from dataset readers)

Records are buffered up to :data:`ROW_GROUP` rows, then written as one row group of the
in-progress part, so memory stays bounded by one row group whatever the output size.
``commit()`` closes the in-progress part, fsyncs it, renames it to its final name and fsyncs the
directory; it returns ``{"format": "parquet", "parts": <committed parts>, "rows": <records>}``
(a commit with nothing new adds no part). Resuming deletes in-progress files and every part
numbered ``parts`` or above, then continues numbering from there. Read it all back with
``pyarrow.parquet.read_table("out.parquet")`` (or DuckDB ``read_parquet('out.parquet/*.parquet')``).

Columns are the snake_case attribute names; times are ``timestamp[ms, tz=UTC]``, enums their
vendor numbers (``int64``), money (``total_customer_price``) exact decimal text (``string``: the
vendor gives no scale, and a fixed ``decimal128`` scale could fail or round), ``extra`` JSON text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

try:
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "the Parquet sink needs pyarrow: pip install 'pyarrow>=15' (the parquet extra)"
    ) from exc

from nxcc_async.harvest.sinks import _columns
from nxcc_async.harvest.sinks.base import Encoded, Sink, SinkPosition, fsync_dir, refuse_existing
from nxcc_async.nxcc.records import CallRecord

ROW_GROUP = 50_000
_ARROW_TYPES = {
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "time": pa.timestamp("ms", tz="UTC"),
    "decimal": pa.string(),
    "json": pa.string(),
}
SCHEMA = pa.schema(
    [
        pa.field(c.attr, _ARROW_TYPES[c.kind], nullable=c.attr != "call_id")
        for c in _columns.COLUMNS
    ],
    metadata={b"nxcc_async": b"CallRecord; times UTC ms, enums vendor numbers, money as text"},
)
_PART = re.compile(r"^part-(\d{5,})\.parquet$")
_INPROGRESS = re.compile(r"^\.part-(\d{5,})\.parquet\.inprogress$")


def _part_name(index: int) -> str:
    return f"part-{index:05d}.parquet"


class ParquetSink(Sink):
    """A directory of Parquet part files; see the module docstring for the resume design."""

    format = "parquet"

    def __init__(
        self, path: Path, *, resume: SinkPosition | None = None, overwrite: bool = False
    ) -> None:
        super().__init__(path)
        self._buffer: list[list[Any]] = []
        self._writer: Any = None
        self._parts = 0
        if resume is None:
            self._start_fresh(overwrite)
        else:
            self._check_position(resume, "parts")
            self._resume(resume["parts"], resume["rows"])

    def _start_fresh(self, overwrite: bool) -> None:
        path = self.path
        if path.is_file() or path.is_symlink():
            if path.stat().st_size and not overwrite:
                refuse_existing(path, "file")
            path.unlink()
        if path.is_dir():
            entries = list(path.iterdir())
            if entries and not overwrite:
                refuse_existing(path, "dataset directory")
            for entry in entries:  # only our own files: never delete what we did not write
                if _PART.match(entry.name) or _INPROGRESS.match(entry.name):
                    entry.unlink()
        path.mkdir(parents=True, exist_ok=True)
        fsync_dir(path.parent.resolve())

    def _resume(self, parts: int, rows: int) -> None:
        if not self.path.is_dir():
            if parts:
                raise FileNotFoundError(f"cannot resume {str(self.path)!r}: directory missing")
            self.path.mkdir(parents=True)
        present = set()
        for entry in self.path.iterdir():
            part = _PART.match(entry.name)
            if _INPROGRESS.match(entry.name) or (part and int(part.group(1)) >= parts):
                entry.unlink()  # written after the checkpoint
            elif part:
                present.add(int(part.group(1)))
        missing = sorted(set(range(parts)) - present)
        if missing:
            raise ValueError(
                f"cannot resume {str(self.path)!r}: committed part(s) {missing[:5]} are missing"
            )
        fsync_dir(self.path)
        self._parts, self.rows = parts, rows

    def _inprogress(self) -> Path:
        return self.path / f".{_part_name(self._parts)}.inprogress"

    def encode(self, records: Sequence[CallRecord]) -> Encoded:
        return Encoded(_columns.rows(records), len(records))

    def write_encoded(self, batch: Encoded) -> None:
        self._check_open()
        for row in batch.data:
            self._buffer.append(row)
            if len(self._buffer) >= ROW_GROUP:
                self._flush()
        self.rows += batch.rows

    def _flush(self) -> None:
        if not self._buffer:
            return
        columns = list(zip(*self._buffer, strict=True))
        table = pa.Table.from_arrays(
            [pa.array(col, type=f.type) for col, f in zip(columns, SCHEMA, strict=True)],
            schema=SCHEMA,
        )
        self._buffer = []
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._inprogress(), SCHEMA, compression="zstd")
        self._writer.write_table(table, row_group_size=ROW_GROUP)

    def commit(self) -> SinkPosition:
        self._check_open()
        self._flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            temp, final = self._inprogress(), self.path / _part_name(self._parts)
            fd = os.open(temp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp, final)
            fsync_dir(self.path)
            self._parts += 1
        return {"format": self.format, "parts": self._parts, "rows": self.rows}

    @classmethod
    def damage(cls, path: Path, position: SinkPosition) -> str | None:
        parts = position.get("parts")
        if not isinstance(parts, int):
            return None
        if not path.is_dir():
            return "is not a directory of Parquet parts"
        missing = [i for i in range(parts) if not (path / _part_name(i)).is_file()]
        if missing:
            return f"lacks committed part(s) {missing[:5]} (deleted?)"
        return None

    def _release(self) -> None:
        self._buffer = []
        if self._writer is not None:  # uncommitted: the in-progress file is dropped on resume
            self._writer.close()
            self._writer = None
