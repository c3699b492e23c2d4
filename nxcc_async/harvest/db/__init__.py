"""Databases the sync keeps a CDR table in: SQLite (default) and PostgreSQL. See
:func:`open_store` and ``docs/sync.md``."""

from __future__ import annotations

from nxcc_async._core.secret import redact_url
from nxcc_async.harvest.db.base import (
    STATE_TABLE,
    StateMismatch,
    SyncState,
    SyncStore,
    check_table,
)

__all__ = [
    "SCHEMES",
    "STATE_TABLE",
    "StateMismatch",
    "SyncState",
    "SyncStore",
    "check_table",
    "open_store",
    "redact_url",
]

#: The URL schemes the sync accepts.
SCHEMES = ("sqlite", "postgresql", "postgres")


def open_store(url: str, table: str = "cdrs") -> SyncStore:
    """The store for ``url``: ``sqlite:///relative.db``, ``sqlite:////abs/path.db``, or
    ``postgresql://user[:password]@host[:port]/dbname`` (psycopg 3; ``postgres://`` too).
    Nothing is opened yet: ``async with store as state: ...``."""
    if not isinstance(url, str):
        raise TypeError(f"the destination must be a URL string, not {type(url).__name__}")
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    if scheme == "sqlite":
        from nxcc_async.harvest.db.sqlite import SqliteStore

        return SqliteStore(url, table)
    if scheme in ("postgresql", "postgres"):
        from nxcc_async.harvest.db.postgres import PostgresStore

        return PostgresStore(url, table)
    raise ValueError(
        f"unknown destination {redact_url(url)!r}: use sqlite:///path.db or "
        "postgresql://user@host:port/dbname"
    )
