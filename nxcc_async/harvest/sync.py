"""The continuous sync: keep a database table of CDRs complete and current, round after round.

``cdr/page`` filters on a call's *start*, but a CDR exists only once the call has ended (and,
on real platforms, some time later). A loop that asks "what started since my last run" misses
every call that started before its last run and ended after it. So each round re-reads the
calls that started in ``[settled, now - settle)``, where ``settled`` trails the last round by
the ``lookback``: any call that takes less than ``lookback`` seconds from its start to its final
CDR is read at least once with its final values, and upserted by ``call_id`` (exactly once).

The state (``settled``, ``watermark``, the round in progress) lives in the database next to the
rows and is written in the same transaction (see :mod:`nxcc_async.harvest.db`). A killed process
restarts where its last transaction left it: the round in progress continues from the last
committed window, and a round only advances ``settled`` up to ``round start - lookback``, where
the round start is that of the *first* attempt (so an interruption never skips a late call).
See ``docs/sync.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import aclosing
from typing import Any, TypeVar

import attrs

from nxcc_async._core.errors import HarvestError, TransientError, TransportError
from nxcc_async._core.timeutil import TimeArg, to_epoch_seconds
from nxcc_async.harvest.db import SyncState, SyncStore, open_store
from nxcc_async.harvest.db.base import check_state
from nxcc_async.harvest.harvester import Harvester, ProgressCallback
from nxcc_async.harvest.state import Source, fingerprint
from nxcc_async.nxcc.records import CallRecord

log = logging.getLogger("nxcc_async.sync")
T = TypeVar("T")

#: Rows buffered before a transaction at most (a transaction also ends every ``commit_every`` s).
COMMIT_ROWS = 5_000


@attrs.frozen
class RoundReport:
    """One round: the start times read (``[low, high)``, Unix s), what it found and wrote, where
    the state stands after it, and the error that ended it early (``None`` when complete)."""

    number: int
    low: int
    high: int
    fetched: int
    inserted: int
    updated: int
    windows: int
    watermark: int
    settled: int
    lag: float
    seconds: float
    finished_at: float
    error: str | None = None


RoundCallback = Callable[[RoundReport], None]


@attrs.frozen
class SyncResult:
    """What a sync did in this call: rows fetched from the API, inserted, updated (values
    changed), windows read, rounds run (``failed_rounds`` of them ended by an API/network
    error and were retried), and where the table stands: ``watermark`` (the upper end of the
    last complete round), ``settled`` (calls that started before it are final in the table)
    and ``lag`` (seconds from the watermark to the end of the sync)."""

    destination: str
    table: str
    fetched: int
    inserted: int
    updated: int
    windows: int
    rounds: int
    failed_rounds: int
    watermark: dt.datetime
    settled: dt.datetime
    lag: float
    resumed: bool


@attrs.frozen(kw_only=True)
class SyncOptions:
    """The checked arguments of a sync (see :func:`check_options`)."""

    since: int
    until: int | None
    follow: bool
    interval: float
    lookback: float
    settle: float
    table: str


def _seconds(value: object, name: str, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if math.isnan(value) or math.isinf(value) or value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'} seconds, got {value}")
    return float(value)


def check_options(
    *,
    since: TimeArg,
    until: TimeArg | None,
    follow: bool,
    interval: float,
    lookback: float,
    settle: float,
    table: str,
) -> SyncOptions:
    """Check a sync's arguments before anything is opened or sent (``ValueError``/``TypeError``
    with what to change)."""
    since_s = to_epoch_seconds(since, "since")
    until_s = None if until is None else to_epoch_seconds(until, "until")
    if until_s is not None and until_s <= since_s:
        raise ValueError(f"until ({until_s}) must be after since ({since_s})")
    if not isinstance(follow, bool):
        raise TypeError("follow must be True or False")
    from nxcc_async.harvest.db import check_table

    return SyncOptions(
        since=since_s,
        until=until_s,
        follow=follow,
        interval=_seconds(interval, "interval", positive=True),
        lookback=_seconds(lookback, "lookback", positive=False),
        settle=_seconds(settle, "settle", positive=False),
        table=check_table(table),
    )


def _transient(exc: BaseException) -> bool:
    """An API or network failure that another round may not meet (5xx, 429, 88/99, timeouts)."""
    if isinstance(exc, HarvestError):
        exc = exc.__cause__ or exc
    return isinstance(exc, (TransientError, TransportError))


async def _uninterrupted(work: Awaitable[T]) -> T:
    """Await ``work`` to its end even when cancelled (then re-raise): a transaction is never
    abandoned half-way, and a connection is never closed under a running statement."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.gather(task, return_exceptions=True)
        raise


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


class _Totals:
    def __init__(self) -> None:
        self.fetched = self.inserted = self.updated = self.windows = 0


async def run_sync(
    source: Source,
    to: str | SyncStore,
    options: SyncOptions,
    *,
    identity: Mapping[str, Any],
    window: int = 600,
    commit_every: float = 1.0,
    on_round: RoundCallback | None = None,
    on_progress: ProgressCallback | None = None,
    clock: Callable[[], float] = time.time,
) -> SyncResult:
    """Sync the calls of ``source`` into ``to`` (a URL or a store); see the module doc.

    ``identity``: what, with ``since``, identifies the sync (server, tenant, filters; no
    secret): a table whose state row holds another identity is refused. Used by
    ``client.cdrs.sync``. A ``since`` in the future is refused before anything is opened,
    unless the sync follows (its rounds then start when ``since`` comes)."""
    if not options.follow and options.since > clock():
        raise ValueError(
            f"since ({_utc(options.since):%Y-%m-%dT%H:%M:%SZ}) is in the future: there is "
            "nothing to sync yet (pass follow=True / --follow to start when it comes)"
        )
    store = open_store(to, options.table) if isinstance(to, str) else to
    arguments = {**identity, "since": options.since}
    engine = _Engine(source, store, options, arguments, window, commit_every, clock)
    async with store as saved:
        check_state(saved, engine.fingerprint, f"table {store.table!r} in {store.display_url}")
        return await engine.run(saved, on_round, on_progress)


class _Transactions:
    """A round's transactions, in order, one in flight while the next batch is fetched: the rows
    of a batch are built and written while the harvest goes on (see ``docs/sync.md``)."""

    def __init__(self, engine: _Engine) -> None:
        self._engine = engine
        self._writing: tuple[asyncio.Future[tuple[int, int]], SyncState] | None = None
        self.inserted = self.updated = 0

    async def write(self, records: list[CallRecord], state: SyncState) -> None:
        """Start writing ``records`` with ``state``, once the transaction before has ended."""
        await self.settle()
        self._writing = (asyncio.ensure_future(self._engine.store.write(records, state)), state)

    async def settle(self) -> SyncState | None:
        """Wait for the transaction in flight (to its end, even when cancelled) and count it;
        the state it wrote (``None`` when none was in flight)."""
        if self._writing is None:
            return None
        (task, state), self._writing = self._writing, None
        inserted, updated = await _uninterrupted(task)
        self.inserted += inserted
        self.updated += updated
        engine = self._engine
        engine.totals.inserted += inserted
        engine.totals.updated += updated
        engine.committed = state
        return state

    async def abandon(self) -> None:
        """Leaving on an error: the transaction in flight ends first (its own error is lost to
        the one being raised)."""
        with contextlib.suppress(Exception):
            await self.settle()


class _Engine:
    def __init__(
        self,
        source: Source,
        store: SyncStore,
        options: SyncOptions,
        arguments: dict[str, Any],
        window: int,
        commit_every: float,
        clock: Callable[[], float],
    ) -> None:
        self.source, self.store, self.options = source, store, options
        self.arguments = arguments
        self.fingerprint = fingerprint(arguments)
        self.window, self.commit_every, self.clock = window, commit_every, clock
        self.totals = _Totals()
        #: the state as last written (a failed round is retried from there)
        self.committed: SyncState | None = None

    async def run(
        self,
        saved: SyncState | None,
        on_round: RoundCallback | None,
        on_progress: ProgressCallback | None,
    ) -> SyncResult:
        opts = self.options
        state = saved or SyncState(
            fingerprint=self.fingerprint,
            arguments=self.arguments,
            since=opts.since,
            settled=opts.since,
            watermark=opts.since,
        )
        rounds = failed = 0
        while True:
            began = self.clock()
            number = rounds + failed + 1
            try:
                state, report = await self._round(state, number, on_progress)
            except Exception as exc:
                if not (opts.follow and _transient(exc)):
                    raise
                failed += 1
                state = self.committed or state
                # a caller with on_round hears of it in the report: said once, not twice
                log.log(
                    logging.INFO if on_round is not None else logging.WARNING,
                    "sync round %d failed, retrying in %.0f s: %s",
                    number,
                    opts.interval,
                    exc,
                )
                report = self._report(state, number, began, error=str(exc))
            else:
                rounds += 1
            if on_round is not None:
                on_round(report)
            done = opts.until is not None and state.settled >= opts.until
            if not opts.follow or done:
                break
            await asyncio.sleep(max(0.0, opts.interval - (self.clock() - began)))
        t = self.totals
        return SyncResult(
            destination=self.store.display_url,
            table=self.store.table,
            fetched=t.fetched,
            inserted=t.inserted,
            updated=t.updated,
            windows=t.windows,
            rounds=rounds,
            failed_rounds=failed,
            watermark=_utc(state.watermark),
            settled=_utc(state.settled),
            lag=max(0.0, self.clock() - state.watermark),
            resumed=saved is not None,
        )

    def _report(
        self,
        state: SyncState,
        number: int,
        began: float,
        *,
        low: int | None = None,
        high: int | None = None,
        counts: tuple[int, int, int, int] = (0, 0, 0, 0),
        error: str | None = None,
    ) -> RoundReport:
        now = self.clock()
        return RoundReport(
            number=number,
            low=state.settled if low is None else low,
            high=state.watermark if high is None else high,
            fetched=counts[0],
            inserted=counts[1],
            updated=counts[2],
            windows=counts[3],
            watermark=state.watermark,
            settled=state.settled,
            lag=max(0.0, now - state.watermark),
            seconds=now - began,
            finished_at=now,
            error=error,
        )

    async def _round(
        self, state: SyncState, number: int, on_progress: ProgressCallback | None
    ) -> tuple[SyncState, RoundReport]:
        opts = self.options
        began = self.clock()
        if state.round_started is not None and state.round_until is not None:
            # continue the round a killed process left (its start time keeps bounding `settled`)
            started, low, start = (
                state.round_started,
                state.round_low or state.settled,
                state.round_until,
            )
        else:
            # from `settled`, or further back when this run's lookback reaches further (a
            # catch-up run with a larger lookback re-reads what a shorter one settled early)
            start = max(opts.since, min(state.settled, math.floor(began - opts.lookback)))
            started, low = began, start
        high = int(began - opts.settle)
        if opts.until is not None:
            high = min(high, opts.until)
        high = max(high, start)
        harvester = Harvester(self.source, start, high, window=self.window, on_progress=on_progress)
        fetched = 0
        buffer: list[CallRecord] = []
        last_commit = time.monotonic()
        progress = attrs.evolve(state, round_started=started, round_low=low, round_until=start)
        tx = _Transactions(self)

        async def commit(final: bool) -> None:
            nonlocal buffer, last_commit, progress
            if final:
                settled = max(state.settled, min(high, math.floor(started - opts.lookback)))
                new = attrs.evolve(
                    progress,
                    settled=settled,
                    watermark=max(state.watermark, high),
                    round_started=None,
                    round_low=None,
                    round_until=None,
                    rounds=state.rounds + 1,
                )
            else:
                new = attrs.evolve(progress, round_until=harvester.state().done_until)
            progress = attrs.evolve(new, fetched=progress.fetched + len(buffer))
            await tx.write(buffer, progress)
            buffer = []
            last_commit = time.monotonic()

        try:
            async for batch in _batches(harvester):
                buffer.extend(batch)
                fetched += len(batch)
                self.totals.fetched += len(batch)
                if (
                    len(buffer) >= COMMIT_ROWS
                    or time.monotonic() - last_commit >= self.commit_every
                ):
                    await commit(final=False)
            await commit(final=True)
            state = await tx.settle() or state  # the final commit's
        except BaseException:
            await tx.abandon()
            raise
        windows = harvester.state().windows
        self.totals.windows += windows
        report = self._report(
            state,
            number,
            began,
            low=start,
            high=high,
            counts=(fetched, tx.inserted, tx.updated, windows),
        )
        return state, report


async def _batches(harvester: Harvester) -> AsyncIterator[list[CallRecord]]:
    async with aclosing(harvester.batches()) as batches:
        async for batch in batches:
            yield batch
