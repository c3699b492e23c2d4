"""The sync's PostgreSQL store (``postgresql://user@host:port/db``) through psycopg 3 (async).

Column types: times ``timestamptz``, enums and counts ``bigint`` (enums as their vendor numbers),
``answered`` ``boolean``, the price ``numeric`` (exact), ``mos`` ``double precision``, text
``text``, ``extra`` ``jsonb``, ``synced_at`` ``timestamptz``. A batch is copied (``COPY``) into a
temporary table (times as epoch milliseconds, made ``timestamptz`` in SQL), then merged with
``INSERT ... SELECT ... ON CONFLICT (call_id) DO UPDATE`` (only rows whose values changed are
rewritten), and the state row is updated, in one transaction.

Needs psycopg 3, the ``postgres`` extra: ``pip install '.[postgres]'`` from a checkout, or
``pip install 'psycopg[binary]>=3.1'``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson

from nxcc_async.harvest.db.base import (
    INDEX_SUFFIX,
    STATE_TABLE,
    SyncState,
    SyncStore,
    last_by_id,
)
from nxcc_async.harvest.sinks import _columns
from nxcc_async.nxcc.records import CallRecord

if TYPE_CHECKING:
    import psycopg

_SQL_TYPES = {
    "str": "text",
    "int": "bigint",
    "float": "double precision",
    "bool": "boolean",
    "time": "timestamptz",
    "decimal": "numeric",
    "json": "jsonb",
}
_NAMES = [c.attr for c in _columns.COLUMNS]


def pg_row(record: CallRecord, synced_at: dt.datetime) -> list[Any]:
    """The column values of one record as the staging table takes them (times as epoch ms,
    the column sinks' normalised row), then ``synced_at``."""
    values = _columns.row(record)
    values.append(synced_at)
    return values


def _from_stage(column: _columns.Column) -> str:
    """How the merge reads a staged column: epoch ms become ``timestamptz`` (exact, in SQL)."""
    if column.kind == "time":
        return f"'epoch'::timestamptz + {column.attr} * interval '1 millisecond'"
    return column.attr


#: The advisory lock that serialises creating the tables (any constant: "nxcc" in ASCII).
SCHEMA_LOCK = 0x6E786363


class PostgresStore(SyncStore):
    """The CDR table and its state in PostgreSQL, over one async psycopg connection."""

    scheme = "postgresql"

    def __init__(self, url: str, table: str = "cdrs") -> None:
        super().__init__(url, table)
        self._conn: psycopg.AsyncConnection[Any] | None = None
        t = self.table
        columns = [f"{c.attr} {_SQL_TYPES[c.kind]}" for c in _columns.COLUMNS]
        columns[_NAMES.index("call_id")] += " PRIMARY KEY"
        self._columns = dict(zip(_NAMES, columns, strict=True))
        names = [*_NAMES, "synced_at"]
        self._stage = f"_nxcc_stage_{t}"
        self._ddl = [
            f"CREATE TABLE IF NOT EXISTS {t} ({', '.join(columns)}, "
            "synced_at timestamptz NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {t}{INDEX_SUFFIX} ON {t} (start_time)",
            f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (table_name text PRIMARY KEY, "
            "fingerprint text NOT NULL, arguments jsonb NOT NULL, watermark timestamptz NOT NULL, "
            "settled timestamptz NOT NULL, state jsonb NOT NULL, updated_at timestamptz NOT NULL)",
        ]
        compared = [n for n in _NAMES if n != "call_id"]
        cols = ", ".join(names)
        self._copy = f"COPY {self._stage} ({cols}) FROM STDIN"
        # times are staged as epoch ms: no datetime is built in Python for each of them
        staged = [
            f"{c.attr} {'bigint' if c.kind == 'time' else _SQL_TYPES[c.kind]}"
            for c in _columns.COLUMNS
        ]
        self._stage_ddl = (
            f"CREATE TEMP TABLE IF NOT EXISTS {self._stage} ({', '.join(staged)}, "
            "synced_at timestamptz) ON COMMIT DELETE ROWS"
        )
        read = ", ".join([*(_from_stage(c) for c in _columns.COLUMNS), "synced_at"])
        self._merge = (
            f"WITH up AS (INSERT INTO {t} AS t ({cols}) SELECT {read} FROM {self._stage} "
            # one lock order for every writer (a push receiver and a sync share the table)
            "ORDER BY call_id "
            f"ON CONFLICT (call_id) DO UPDATE SET "
            + ", ".join(f"{n} = EXCLUDED.{n}" for n in names if n != "call_id")
            + f" WHERE ({', '.join(f't.{n}' for n in compared)}) IS DISTINCT FROM "
            f"({', '.join(f'EXCLUDED.{n}' for n in compared)}) "
            "RETURNING (xmax = 0) AS inserted) "
            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up"
        )
        self._save_state = (
            f"INSERT INTO {STATE_TABLE} (table_name, fingerprint, arguments, watermark, settled, "
            "state, updated_at) VALUES (%s, %s, %s::jsonb, to_timestamp(%s), to_timestamp(%s), "
            "%s::jsonb, now()) ON CONFLICT (table_name) DO UPDATE "
            "SET fingerprint = EXCLUDED.fingerprint, arguments = EXCLUDED.arguments, "
            "watermark = EXCLUDED.watermark, settled = EXCLUDED.settled, "
            "state = EXCLUDED.state, updated_at = EXCLUDED.updated_at"
        )

    async def open(self) -> SyncState | None:
        try:
            import psycopg
        except ImportError:
            raise ImportError(
                "syncing into PostgreSQL needs psycopg 3: pip install 'psycopg[binary]>=3.1' "
                "(the postgres extra)"
            ) from None
        try:
            conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
        except psycopg.OperationalError as exc:
            # psycopg's message names host, port and user, never the password
            raise ConnectionError(f"cannot connect to {self.display_url}: {exc}") from None
        try:
            async with conn.transaction():
                # `CREATE ... IF NOT EXISTS` races with itself: syncs opening the same new
                # database at once take turns (the lock ends with the transaction)
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                for ddl in self._ddl:
                    await conn.execute(ddl)
                cur = await conn.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = %s AND table_schema = current_schema()",
                    (self.table,),
                )
                have = {row[0] for row in await cur.fetchall()}
                for name, ddl in self._columns.items():
                    if name not in have:  # a newer library version added a field
                        await conn.execute(f"ALTER TABLE {self.table} ADD COLUMN {ddl}")
                cur = await conn.execute(
                    f"SELECT state FROM {STATE_TABLE} WHERE table_name = %s", (self.table,)
                )
                row = await cur.fetchone()
            await conn.execute(self._stage_ddl)
        except BaseException:
            await conn.close()
            raise
        self._conn = conn
        return None if row is None else SyncState.from_json(row[0])

    async def write(self, records: Sequence[CallRecord], state: SyncState) -> tuple[int, int]:
        return await self._write(records, state)

    async def upsert(self, records: Sequence[CallRecord]) -> tuple[int, int]:
        return await self._write(records, None)

    async def _write(
        self, records: Sequence[CallRecord], state: SyncState | None
    ) -> tuple[int, int]:
        conn = self._conn
        if conn is None:
            raise ValueError(f"{self!r} is not open")
        records = last_by_id(records)
        now = dt.datetime.now(dt.timezone.utc)
        inserted = updated = 0
        async with conn.transaction(), conn.cursor() as cur:
            if records:
                async with cur.copy(self._copy) as copy:
                    for record in records:
                        await copy.write_row(pg_row(record, now))
                await cur.execute(self._merge)
                counts = await cur.fetchone()
                if counts is not None:
                    inserted, updated = int(counts[0]), int(counts[1])
            if state is None:
                return inserted, updated
            await cur.execute(
                self._save_state,
                (
                    self.table,
                    state.fingerprint,
                    orjson.dumps(dict(state.arguments)).decode(),
                    state.watermark,
                    state.settled,
                    orjson.dumps(state.to_json()).decode(),
                ),
            )
        return inserted, updated

    async def aclose(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.close()
