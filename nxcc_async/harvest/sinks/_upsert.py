"""Upserts of many rows per statement into an SQLite table: the ``sqlite`` export sink and the
sync's SQLite store write through it.

One statement per row (``executemany``) hands the GIL back and forth with the event loop at every
row: SQLite releases it while a statement steps, and the writer thread then waits for it again,
up to the interpreter's switch interval while the loop decodes pages (see ``docs/sync.md``). Up
to :data:`ROWS_PER_STATEMENT` rows go in one statement instead, and every statement size is
prepared once and kept by the connection's statement cache (a prepared 1 000-row upsert takes
megabytes): the rest of a batch goes in the few powers of two below it, not in whatever size
each batch leaves over.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Sequence
from typing import Any

#: Rows per upsert statement at most (fewer where SQLite's variable limit is lower).
ROWS_PER_STATEMENT = 1000

#: Rows of one statement and their values, flattened.
Chunk = tuple[int, list[Any]]


def statement_sizes(rows: int, most: int) -> list[int]:
    """Rows per statement for ``rows`` rows: ``most`` at a time, the rest in powers of two."""
    full, rest = divmod(rows, most)
    return [most] * full + [
        1 << bit for bit in reversed(range(rest.bit_length())) if rest >> bit & 1
    ]


class Upsert:
    """``INSERT INTO table (columns) VALUES (...), (...) ... on_conflict``, many rows at a time."""

    def __init__(self, table: str, columns: Sequence[str], on_conflict: str) -> None:
        self.width = len(columns)
        self._insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        self._on_conflict = on_conflict
        self.per_statement = 1  # set by fit()
        self._statements: dict[int, str] = {}  # by row count: a dozen at most

    def fit(self, db: sqlite3.Connection) -> None:
        """Size the statements to ``db``'s limit of variables per statement (999, the limit of
        the oldest SQLite builds, where ``Connection.getlimit`` is missing: before 3.11)."""
        limit = getattr(sqlite3, "SQLITE_LIMIT_VARIABLE_NUMBER", None)
        variables = 999 if limit is None else int(getattr(db, "getlimit")(limit))  # noqa: B009
        self.per_statement = max(1, min(ROWS_PER_STATEMENT, variables // self.width))

    def chunks(self, rows: Sequence[Sequence[Any]]) -> list[Chunk]:
        """The rows as the statements' parameters (pure Python: run it where the rows were
        made, not on the writer thread)."""
        out: list[Chunk] = []
        first = 0
        for size in statement_sizes(len(rows), self.per_statement):
            out.append((size, list(itertools.chain.from_iterable(rows[first : first + size]))))
            first += size
        return out

    def execute(self, db: sqlite3.Connection, chunks: Sequence[Chunk]) -> int:
        """Run the upserts; the rows SQLite counts as changed (inserted, or updated)."""
        changed = 0
        for count, values in chunks:
            changed += db.execute(self._statement(count), values).rowcount
        return changed

    def _statement(self, rows: int) -> str:
        sql = self._statements.get(rows)
        if sql is None:
            one = "(" + ", ".join("?" * self.width) + ")"
            sql = self._insert + ", ".join([one] * rows) + self._on_conflict
            self._statements[rows] = sql
        return sql
