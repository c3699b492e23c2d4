"""SQLite sink: table ``cdrs``, one row per ``call_id`` (upserted), WAL mode.

Columns are the record's snake_case attribute names, typed:

- times: ``INTEGER`` epoch milliseconds (UTC), ``NULL`` when absent; indexed on ``start_time``;
- enums: ``INTEGER`` vendor numbers (``direction`` 0 in, 1 out, 2 AICC); ``answered``: 0/1;
- money (``total_customer_price``): ``TEXT`` holding the exact decimal (SQLite has no decimal
  type and ``REAL`` would round it; ``SUM()`` and ``CAST(... AS REAL)`` still work);
- ``mos``: ``REAL``; ``extra``: JSON object ``TEXT`` of unknown fields (``NULL`` when none).

Rows are written with ``INSERT ... ON CONFLICT(call_id) DO UPDATE``, so writing a window twice is
harmless. ``commit()`` is a transaction commit (``synchronous=FULL``: durable on return) and
returns ``{"format": "sqlite", "rows": <rows in the table>, "last_rowid": <max rowid>}``.
Uncommitted rows vanish with a crashed transaction; rows *inserted* by commits after the
checkpoint (rowid above ``last_rowid``) are deleted on resume, and rows merely updated since are
rewritten by the resumed run. A fresh run refuses a non-empty ``cdrs`` table; ``overwrite=True``
drops that table (other tables in the file are left alone).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from nxcc_async.harvest.sinks import _columns
from nxcc_async.harvest.sinks._upsert import Upsert
from nxcc_async.harvest.sinks.base import Encoded, Sink, SinkPosition, refuse_existing
from nxcc_async.nxcc.records import CallRecord

TABLE = "cdrs"
#: SQLite type of each column kind (shared with the sync's store, harvest/db/sqlite.py)
SQL_TYPES = {
    "str": "TEXT",
    "int": "INTEGER",
    "float": "REAL",
    "bool": "INTEGER",
    "time": "INTEGER",
    "decimal": "TEXT",
    "json": "TEXT",
}
#: The columns of a CDR table and their definitions, ``call_id`` the primary key
NAMES = [c.attr for c in _columns.COLUMNS]
DDL = [f"{c.attr} {SQL_TYPES[c.kind]}" for c in _columns.COLUMNS]
DDL[NAMES.index("call_id")] += " PRIMARY KEY NOT NULL"
_MAGIC = b"SQLite format 3\x00"


class SqliteSink(Sink):
    """Upserting SQLite table; see the module docstring for the schema."""

    format = "sqlite"

    def __init__(
        self, path: Path, *, resume: SinkPosition | None = None, overwrite: bool = False
    ) -> None:
        super().__init__(path)
        if resume is not None:
            self._check_position(resume, "last_rowid")
        elif path.exists() and path.stat().st_size > 0:
            with path.open("rb") as f:
                is_db = f.read(len(_MAGIC)) == _MAGIC
            if not is_db:
                if not overwrite:
                    refuse_existing(path, "file (not an SQLite database)")
                path.unlink()
        # one connection, used by one thread at a time (the harvester may hop worker threads)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            self._prepare(resume, overwrite)
        except BaseException:
            self._db.close()
            raise
        self._in_tx = False
        self._upsert = Upsert(
            TABLE,
            NAMES,
            " ON CONFLICT(call_id) DO UPDATE SET "
            + ", ".join(f"{n} = excluded.{n}" for n in NAMES if n != "call_id"),
        )
        self._upsert.fit(self._db)

    def _prepare(self, resume: SinkPosition | None, overwrite: bool) -> None:
        db = self._db
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        exists = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
        ).fetchone()
        if exists and resume is None:
            if not overwrite and db.execute(f"SELECT 1 FROM {TABLE} LIMIT 1").fetchone():
                refuse_existing(self.path, f"table {TABLE!r} in")
            db.execute(f"DROP TABLE {TABLE}")
        db.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({', '.join(DDL)})")
        db.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_start_time ON {TABLE} (start_time)")
        have = {row[1] for row in db.execute(f"PRAGMA table_info({TABLE})")}
        for name, ddl in zip(NAMES, DDL, strict=True):
            if name not in have:  # a newer library version added a field
                db.execute(f"ALTER TABLE {TABLE} ADD COLUMN {ddl}")
        if resume is not None:
            db.execute(f"DELETE FROM {TABLE} WHERE rowid > ?", (resume["last_rowid"],))
        self.rows, self._last_rowid = self._count()
        if resume is not None and self.rows < resume["rows"]:
            raise ValueError(
                f"cannot resume {str(self.path)!r}: table {TABLE!r} has {self.rows} rows but the "
                f"checkpoint recorded {resume.get('rows')}; the database was replaced or edited"
            )

    def _count(self) -> tuple[int, int]:
        count, last = self._db.execute(f"SELECT COUNT(*), MAX(rowid) FROM {TABLE}").fetchone()
        return int(count), int(last or 0)

    def encode(self, records: Sequence[CallRecord]) -> Encoded:
        return Encoded(self._upsert.chunks(_columns.rows(records)), len(records))

    def write_encoded(self, batch: Encoded) -> None:
        self._check_open()
        if not batch.rows:
            return
        if not self._in_tx:
            self._db.execute("BEGIN")
            self._in_tx = True
        self._upsert.execute(self._db, batch.data)

    def commit(self) -> SinkPosition:
        self._check_open()
        if self._in_tx:
            self._db.execute("COMMIT")
            self._in_tx = False
            self.rows, self._last_rowid = self._count()
        return {"format": self.format, "rows": self.rows, "last_rowid": self._last_rowid}

    @classmethod
    def damage(cls, path: Path, position: SinkPosition) -> str | None:
        rows = position.get("rows")
        if not isinstance(rows, int):
            return None
        try:
            with contextlib.closing(
                sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            ) as db:
                (count,) = db.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()
        except sqlite3.Error:
            return f"is not an SQLite database with a {TABLE!r} table"
        if count < rows:
            return f"holds {count} rows in {TABLE!r}, not the {rows} it held then (emptied?)"
        return None

    def _release(self) -> None:
        self._db.close()
