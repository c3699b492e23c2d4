"""The rows of a synced CDR table, read back from SQLite or PostgreSQL, and the rows a record
should have become there: shared by the sync and webhook end-to-end tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import orjson

from nxcc_async.harvest.sinks import _columns
from nxcc_async.nxcc.records import CallRecord

NAMES = ", ".join(c.attr for c in _columns.COLUMNS)


def sqlite_rows(path: Path) -> dict[str, list[Any]]:
    """``call_id`` -> the row's columns (``{}`` before the file or the table exists)."""
    if not path.exists():
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        try:
            rows = db.execute(f"SELECT {NAMES} FROM cdrs").fetchall()
        except sqlite3.OperationalError:  # the table is not created yet
            return {}
        return {row[0]: list(row) for row in rows}
    finally:
        db.close()


def pg_rows(url: str) -> dict[str, list[Any]]:
    """``call_id`` -> the row's columns (``{}`` before the table exists)."""
    import psycopg

    with psycopg.connect(url) as db:
        try:
            rows = db.execute(f"SELECT {NAMES} FROM cdrs").fetchall()
        except psycopg.errors.UndefinedTable:
            return {}
    return {row[0]: list(row) for row in rows}


def pg_expected(record: CallRecord) -> list[Any]:
    """The columns PostgreSQL hands back for ``record``: times as aware datetimes, the price as
    a ``Decimal``, ``extra`` as parsed JSON, the rest as the column sinks write them."""
    values = _columns.row(record)
    for i, column in enumerate(_columns.COLUMNS):
        if column.kind in ("time", "decimal"):
            values[i] = getattr(record, column.attr)
        elif column.kind == "json" and values[i] is not None:
            values[i] = orjson.loads(values[i])
    return values
