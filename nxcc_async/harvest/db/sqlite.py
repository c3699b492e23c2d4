"""The sync's SQLite store (``sqlite:///path.db``): WAL mode, durable commits, upserts.

Column types (SQLite has no date or decimal type): times as ``INTEGER`` epoch milliseconds UTC
(``NULL`` when absent), enums as their vendor numbers, ``answered`` 0/1, the price as exact
decimal ``TEXT``, ``mos`` ``REAL``, ``extra`` JSON ``TEXT``, ``synced_at`` ``INTEGER`` epoch
milliseconds. The same layout as the ``sqlite`` export format, plus ``synced_at``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

import orjson

from nxcc_async.harvest.db.base import (
    INDEX_SUFFIX,
    STATE_TABLE,
    SyncState,
    SyncStore,
    last_by_id,
)
from nxcc_async.harvest.sinks import _columns
from nxcc_async.harvest.sinks._upsert import Chunk, Upsert
from nxcc_async.harvest.sinks.sqlite import DDL, NAMES
from nxcc_async.nxcc.records import CallRecord


def sqlite_path(url: str) -> Path:
    """The file of ``sqlite:///relative.db`` or ``sqlite:////absolute/path.db``."""
    rest = url[len("sqlite://") :]
    if not rest.startswith("/") or len(rest) < 2:
        raise ValueError(
            f"an SQLite URL is sqlite:///relative/path.db or sqlite:////absolute/path.db, "
            f"not {url!r}"
        )
    return Path(rest[1:])


class SqliteStore(SyncStore):
    """The CDR table and its state in an SQLite file; the I/O runs in a worker thread."""

    scheme = "sqlite"

    def __init__(self, url: str, table: str = "cdrs") -> None:
        super().__init__(url, table)
        self.path = sqlite_path(url)
        self._db: sqlite3.Connection | None = None
        t = self.table
        self._ddl = [
            f"CREATE TABLE IF NOT EXISTS {t} ({', '.join(DDL)}, synced_at INTEGER NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {t}{INDEX_SUFFIX} ON {t} (start_time)",
            f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (table_name TEXT PRIMARY KEY NOT NULL, "
            "fingerprint TEXT NOT NULL, arguments TEXT NOT NULL, watermark INTEGER NOT NULL, "
            "settled INTEGER NOT NULL, state TEXT NOT NULL, updated_at INTEGER NOT NULL)",
        ]
        self._columns = dict(zip(NAMES, DDL, strict=True))
        names = [*NAMES, "synced_at"]
        changed = " OR ".join(f"{n} IS NOT excluded.{n}" for n in NAMES if n != "call_id")
        self._upsert = Upsert(
            t,
            names,
            " ON CONFLICT(call_id) DO UPDATE SET "
            + ", ".join(f"{n} = excluded.{n}" for n in names if n != "call_id")
            + f" WHERE {changed}",
        )
        self._save_state = (
            f"INSERT INTO {STATE_TABLE} (table_name, fingerprint, arguments, watermark, settled, "
            "state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(table_name) DO UPDATE "
            "SET fingerprint = excluded.fingerprint, arguments = excluded.arguments, "
            "watermark = excluded.watermark, settled = excluded.settled, "
            "state = excluded.state, updated_at = excluded.updated_at"
        )

    async def open(self) -> SyncState | None:
        return await asyncio.to_thread(self._open)

    def _open(self) -> SyncState | None:
        if self.path.exists() and self.path.stat().st_size > 0:
            with self.path.open("rb") as f:
                if f.read(16) != b"SQLite format 3\x00":
                    raise ValueError(f"{str(self.path)!r} exists and is not an SQLite database")
        if not self.path.parent.is_dir():
            raise ValueError(
                f"cannot create {str(self.path)!r}: the directory {str(self.path.parent)!r} "
                "does not exist"
            )
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA busy_timeout=10000")
            for ddl in self._ddl:
                db.execute(ddl)
            have = {row[1] for row in db.execute(f"PRAGMA table_info({self.table})")}
            for name, ddl in self._columns.items():
                if name not in have:  # a newer library version added a field
                    db.execute(f"ALTER TABLE {self.table} ADD COLUMN {ddl}")
            row = db.execute(
                f"SELECT state FROM {STATE_TABLE} WHERE table_name = ?", (self.table,)
            ).fetchone()
        except BaseException:
            db.close()
            raise
        self._db = db
        self._upsert.fit(db)
        return None if row is None else SyncState.from_json(orjson.loads(row[0]))

    async def write(self, records: Sequence[CallRecord], state: SyncState) -> tuple[int, int]:
        return await self._run(records, state)

    async def upsert(self, records: Sequence[CallRecord]) -> tuple[int, int]:
        return await self._run(records, None)

    async def _run(self, records: Sequence[CallRecord], state: SyncState | None) -> tuple[int, int]:
        # the rows are pure Python: built here, on the loop; on the worker thread they would
        # only contend for the GIL with it (the database work there releases it)
        records = last_by_id(records)
        now_ms = int(time.time() * 1000)
        rows = _columns.rows(records)
        for row in rows:
            row.append(now_ms)  # synced_at
        return await asyncio.to_thread(self._write, self._upsert.chunks(rows), state, now_ms)

    def _write(self, chunks: list[Chunk], state: SyncState | None, now_ms: int) -> tuple[int, int]:
        db = self._db
        if db is None:
            raise ValueError(f"{self!r} is not open")
        db.execute("BEGIN IMMEDIATE")
        try:
            # a new row's rowid is one above the largest (the table has no AUTOINCREMENT and
            # never nears 2**63): the rows above the largest before are the rows inserted
            (top,) = db.execute(f"SELECT coalesce(max(rowid), 0) FROM {self.table}").fetchone()
            changed = self._upsert.execute(db, chunks)
            (inserted,) = db.execute(
                f"SELECT count(*) FROM {self.table} WHERE rowid > ?", (top,)
            ).fetchone()
            if state is not None:
                self._put_state(db, state, now_ms)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        return inserted, changed - inserted

    def _put_state(self, db: sqlite3.Connection, state: SyncState, now_ms: int) -> None:
        db.execute(
            self._save_state,
            (
                self.table,
                state.fingerprint,
                orjson.dumps(dict(state.arguments)).decode(),
                state.watermark,
                state.settled,
                orjson.dumps(state.to_json()).decode(),
                now_ms,
            ),
        )

    async def aclose(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            await asyncio.to_thread(db.close)
