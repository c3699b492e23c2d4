"""What the sync keeps in a database: the CDR table, its state row, and the store contract.

The CDR table has one column per :class:`~nxcc_async.nxcc.records.CallRecord` field (named as
the attribute), ``extra`` as JSON, and ``synced_at`` (when the row was last inserted or changed);
``call_id`` is the primary key. The state table ``nxcc_sync_state`` has one row per CDR table:
the sync's fingerprint and arguments (no secret), its watermark and the round in progress. The
rows of a batch and the state that covers them are written in **one transaction**: after a crash
the state never claims rows that are not there, and rows written past the state are upserted
again (same ``call_id``, same values) by the next run. Exactly once, by construction.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from nxcc_async._core.secret import redact_url
from nxcc_async.nxcc.records import CallRecord

STATE_TABLE = "nxcc_sync_state"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
#: The longest table name: its derived names (the ``_start_time`` index, PostgreSQL's
#: ``_nxcc_stage_`` table) must fit PostgreSQL's 63 bytes, which would cut them short.
MAX_TABLE = 51
#: The suffix of a table's index name: a table named so could collide with another's index.
INDEX_SUFFIX = "_start_time"


def check_table(name: str) -> str:
    """``name`` if it is a plain lower-case SQL identifier (``cdrs``, ``cdrs_tenant_144``)."""
    if not isinstance(name, str) or not _IDENT.match(name) or name == STATE_TABLE:
        raise ValueError(
            f"table must be a lower-case SQL identifier (letters, digits, _), not {name!r}"
        )
    if len(name) > MAX_TABLE:
        raise ValueError(
            f"table names are at most {MAX_TABLE} characters (the names derived from them must "
            f"fit PostgreSQL's 63), not {len(name)}: {name!r}"
        )
    if name.endswith(INDEX_SUFFIX):
        raise ValueError(
            f"table must not end with {INDEX_SUFFIX!r} (the name of another table's index): "
            f"{name!r}"
        )
    return name


class StateMismatch(ValueError):
    """The table's state row was written by a sync with other arguments."""


@attrs.frozen(kw_only=True)
class SyncState:
    """The state row of one CDR table (Unix seconds throughout).

    - ``settled``: every call that started in ``[since, settled)`` is in the table with its
      final values (as far as the lookback covers): rounds read from here;
    - ``watermark``: the upper end of the last complete round;
    - ``round_started``/``round_until``: the round in progress (``None`` between rounds): when
      it began, and up to where it has read (a restarted process continues it from there);
    - counters over the table's life: complete ``rounds``, rows ``fetched`` (re-reads count).
    """

    fingerprint: str
    arguments: Mapping[str, Any] = attrs.field(factory=dict)
    since: int
    settled: int
    watermark: int
    round_started: float | None = None
    round_low: int | None = None
    round_until: int | None = None
    rounds: int = 0
    fetched: int = 0

    def to_json(self) -> dict[str, Any]:
        """The ``state`` column's JSON object."""
        return attrs.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SyncState:
        """The state saved by :meth:`to_json` (``ValueError`` when it is not one)."""
        try:
            return cls(
                fingerprint=str(data["fingerprint"]),
                arguments=dict(data.get("arguments") or {}),
                since=int(data["since"]),
                settled=int(data["settled"]),
                watermark=int(data["watermark"]),
                round_started=_opt(float, data.get("round_started")),
                round_low=_opt(int, data.get("round_low")),
                round_until=_opt(int, data.get("round_until")),
                rounds=int(data.get("rounds", 0)),
                fetched=int(data.get("fetched", 0)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"the sync state row is not readable ({exc!r})") from None


def check_state(saved: SyncState | None, fingerprint: str, where: str) -> None:
    """Refuse a state row written by a sync with other arguments."""
    if saved is not None and saved.fingerprint != fingerprint:
        raise StateMismatch(
            f"{where} was synced with other arguments ({_describe(saved)}); sync into another "
            "table (table=...) or database, or drop the table and its nxcc_sync_state row"
        )


def _describe(state: SyncState) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(state.arguments.items())) or "unknown"


def _opt(kind: type[Any], value: Any) -> Any:
    return None if value is None else kind(value)


class SyncStore(abc.ABC):
    """A database holding one CDR table and its state row; async, one writer at a time.

    ``async with store:`` opens it (creating the tables); :meth:`write` upserts a batch and saves
    the state in one transaction."""

    scheme: str

    def __init__(self, url: str, table: str) -> None:
        self.url = url
        self.table = check_table(table)

    @property
    def display_url(self) -> str:
        """The URL with any password hidden."""
        return redact_url(self.url)

    @abc.abstractmethod
    async def open(self) -> SyncState | None:
        """Connect, create the tables if needed; the table's saved state, if any."""

    @abc.abstractmethod
    async def write(self, records: Sequence[CallRecord], state: SyncState) -> tuple[int, int]:
        """Upsert ``records`` by ``call_id`` and save ``state``, in one transaction:
        ``(inserted, updated)`` (a row re-read with the same values counts in neither)."""

    @abc.abstractmethod
    async def upsert(self, records: Sequence[CallRecord]) -> tuple[int, int]:
        """Upsert ``records`` by ``call_id`` in one transaction, leaving the state row alone
        (CDRs that arrive by push): ``(inserted, updated)`` as for :meth:`write`."""

    @abc.abstractmethod
    async def aclose(self) -> None:
        """Close the connection (an open transaction is rolled back)."""

    async def __aenter__(self) -> SyncState | None:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.display_url} table={self.table}>"


def last_by_id(records: Sequence[CallRecord]) -> list[CallRecord]:
    """``records`` with one record per ``call_id`` (the last one seen), in order."""
    seen: dict[str, CallRecord] = {}
    for record in records:
        seen[record.call_id] = record
    if len(seen) == len(records):
        return list(records)
    return list(seen.values())
