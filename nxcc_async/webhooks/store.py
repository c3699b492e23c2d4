"""``PushStore``: an ``on_cdr`` that upserts pushed CDRs into the sync's table (by ``call_id``).

Concurrent pushes share transactions (group commit): while one transaction runs, the pushes that
arrive wait and go together into the next one; each ``await push_store(record)`` returns only once
its record is committed, so the receiver's 200 means "stored". A duplicate push is an upsert of
the same values: the row stays one.
"""

from __future__ import annotations

import asyncio
from types import TracebackType

from nxcc_async.harvest.db import SyncStore, open_store
from nxcc_async.nxcc.records import CallRecord


class PushStore:
    """Stores pushed CDRs in ``to`` (``sqlite:///cdrs.db``, ``postgresql://...`` or an unopened
    :class:`~nxcc_async.harvest.db.SyncStore`), table ``table``; use with ``async with`` and pass
    it as ``on_cdr``. The state row of a sync of the same table is left alone."""

    def __init__(self, to: str | SyncStore, table: str = "cdrs") -> None:
        self.store = open_store(to, table) if isinstance(to, str) else to
        self.received = self.inserted = self.updated = self.transactions = 0
        self._pending: list[tuple[CallRecord, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self._open = False

    def __repr__(self) -> str:
        return f"<PushStore {self.store.display_url} table={self.store.table}>"

    async def __aenter__(self) -> PushStore:
        await self.store.open()
        self._open = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Finish the transaction in progress (and those waiting), then close the store."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        if self._open:
            self._open = False
            await self.store.aclose()

    async def __call__(self, record: CallRecord) -> None:
        """Upsert ``record``; return once it is committed (raise if the transaction failed)."""
        if not self._open:
            raise RuntimeError(f"{self!r} is not open (use it with async with)")
        self.received += 1
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((record, done))
        if self._task is None:
            self._task = asyncio.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    inserted, updated = await self.store.upsert([r for r, _ in batch])
                except Exception as exc:
                    for _, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                    continue
                self.transactions += 1
                self.inserted += inserted
                self.updated += updated
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
        finally:
            self._task = None
