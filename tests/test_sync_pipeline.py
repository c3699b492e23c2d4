"""A sync round writes its transactions in order, one at a time, while the next batch is fetched;
an error or a cancellation lets the transaction in flight end first. And the SQLite store's
multi-row upserts count inserts and updates exactly."""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path

import attrs
import pytest

from nxcc_async._core.errors import ServerError
from nxcc_async._core.page import Page
from nxcc_async.harvest import sync as sync_module
from nxcc_async.harvest.db import SyncState, SyncStore
from nxcc_async.harvest.db.sqlite import SqliteStore
from nxcc_async.harvest.harvester import ProgressCallback
from nxcc_async.harvest.sinks import _upsert as upsert_module
from nxcc_async.harvest.sinks.sqlite import NAMES
from nxcc_async.harvest.state import Source
from nxcc_async.harvest.sync import RoundReport, check_options, run_sync
from nxcc_async.nxcc.records import CallRecord
from tests.test_sinks import make_record

START = 1_767_225_600  # 2026-01-01T00:00:00Z
ROWS = 300  # one every 10 s
SIZE = 20
RECORDS = [
    attrs.evolve(
        make_record(i),
        call_id=f"call-{i:04d}",
        start_time=dt.datetime.fromtimestamp(START + 10 * i, dt.timezone.utc),
    )
    for i in range(ROWS)
]


KEYS = [START + 10 * i for i in range(ROWS)]


async def fetch(low: int, high: int, number: int) -> Page[CallRecord]:
    """An in-memory ``cdr/page``: the rows by start time."""
    await asyncio.sleep(0)
    first = bisect.bisect_left(KEYS, low) + (number - 1) * SIZE
    stop = bisect.bisect_left(KEYS, high + 1)
    return Page(items=RECORDS[first : min(first + SIZE, stop)], page=number, size=SIZE)


class Store(SyncStore):
    """A store in memory whose writes wait for the test to let them end."""

    scheme = "memory"

    def __init__(self, fail_on: int | None = None) -> None:
        super().__init__("memory://", "cdrs")
        self.rows: dict[str, CallRecord] = {}
        self.states: list[SyncState] = []
        self.started = 0
        self.in_flight = self.most_in_flight = 0
        self.fail_on = fail_on
        self.release = asyncio.Event()

    async def open(self) -> SyncState | None:
        return None

    async def write(self, records: Sequence[CallRecord], state: SyncState) -> tuple[int, int]:
        self.started += 1
        number = self.started
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await self.release.wait()
            if number == self.fail_on:
                raise RuntimeError("disk on fire")
            new = sum(1 for r in records if r.call_id not in self.rows)
            self.rows.update((r.call_id, r) for r in records)
            self.states.append(state)
            return new, len(records) - new
        finally:
            self.in_flight -= 1

    async def upsert(self, records: Sequence[CallRecord]) -> tuple[int, int]:
        raise NotImplementedError

    async def aclose(self) -> None:
        pass


def _sync(
    store: Store, on_progress: ProgressCallback | None = None
) -> asyncio.Task[sync_module.SyncResult]:
    options = check_options(
        since=START, until=START + 10 * ROWS, follow=False, interval=60, lookback=0, settle=0,
        table="cdrs",
    )  # fmt: skip
    source = Source(fetch, 4, SIZE, "test")
    return asyncio.ensure_future(
        run_sync(source, store, options, identity={}, window=600, on_progress=on_progress)
    )


async def _until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(2_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError(f"never: {what}")


@pytest.fixture
def small_commits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_module, "COMMIT_ROWS", 50)


@pytest.mark.usefixtures("small_commits")
async def test_the_next_batch_is_handed_out_while_a_transaction_is_written() -> None:
    store = Store()
    handed_out: list[int] = []
    task = _sync(store, lambda p: handed_out.append(p.rows))
    await _until(lambda: store.started == 1, "a first write")
    first = handed_out[-1]
    await _until(lambda: handed_out[-1] >= first + 50, "the next batch while the write waits")
    assert store.started == 1  # the next transaction waits for the first to end
    store.release.set()
    result = await task
    assert store.most_in_flight == 1
    assert result.inserted == ROWS
    assert result.updated == 0
    assert sorted(store.rows) == [r.call_id for r in RECORDS]
    assert store.states[-1].round_until is None  # the last one ends the round
    untils = [s.round_until for s in store.states[:-1] if s.round_until is not None]
    assert len(untils) == len(store.states) - 1
    assert untils == sorted(untils)
    assert len(untils) >= 4
    assert [s.fetched for s in store.states] == sorted(s.fetched for s in store.states)
    assert store.states[-1].fetched == ROWS


@pytest.mark.usefixtures("small_commits")
async def test_a_failed_transaction_ends_the_round_and_none_starts_after_it() -> None:
    store = Store(fail_on=2)
    store.release.set()
    with pytest.raises(RuntimeError, match="disk on fire"):
        await _sync(store)
    assert store.started == 2
    assert len(store.states) == 1  # the first one only


@pytest.mark.usefixtures("small_commits")
async def test_a_cancelled_sync_lets_the_transaction_in_flight_end() -> None:
    store = Store()
    task = _sync(store)
    await _until(lambda: store.started == 1, "a first write")
    task.cancel()
    for _ in range(50):
        await asyncio.sleep(0)
    assert not task.done()  # still waiting for the write
    store.release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(store.states) == 1
    assert store.in_flight == 0


# -- SQLite: many rows per statement --------------------------------------------------------------


def _store_state() -> SyncState:
    return SyncState(fingerprint="f", since=START, settled=START, watermark=START)


@pytest.mark.parametrize("per_statement", [1, 3, 1000])
async def test_sqlite_multi_row_upserts_count_inserts_and_updates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_statement: int
) -> None:
    monkeypatch.setattr(upsert_module, "ROWS_PER_STATEMENT", per_statement)
    db = tmp_path / "cdrs.db"
    async with SqliteStore(f"sqlite:///{db}") as saved:
        assert saved is None
    store = SqliteStore(f"sqlite:///{db}")
    async with store:
        assert await store.write(RECORDS[:10], _store_state()) == (10, 0)
        changed = [attrs.evolve(r, caller="+6500000000") for r in RECORDS[:4]]
        again = [*changed, *RECORDS[4:7], *RECORDS[10:17]]  # 4 changed, 3 unchanged, 7 new
        assert await store.write(again, _store_state()) == (7, 4)
        assert await store.upsert(RECORDS[:17]) == (0, 4)  # the 4 changed back
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT call_id, caller FROM cdrs ORDER BY call_id").fetchall()
    assert rows == [(r.call_id, r.caller) for r in RECORDS[:17]]


async def test_sqlite_without_getlimit_keeps_under_the_oldest_variable_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(sqlite3, "SQLITE_LIMIT_VARIABLE_NUMBER", raising=False)
    store = SqliteStore(f"sqlite:///{tmp_path / 'cdrs.db'}")
    async with store:
        assert await store.write(RECORDS[:100], _store_state()) == (100, 0)
        per = store._upsert.per_statement
    assert per * (len(NAMES) + 1) <= 999 < (per + 1) * (len(NAMES) + 1)


def test_sqlite_statement_sizes_are_few_and_cover_every_row() -> None:
    seen: set[int] = set()
    for rows in range(0, 5_000, 7):
        sizes = upsert_module.statement_sizes(rows, 1000)
        assert sum(sizes) == rows
        assert sizes == sorted(sizes, reverse=True)
        seen.update(sizes)
    assert seen == {1000, 512, 256, 128, 64, 32, 16, 8, 4, 2, 1}  # prepared once each
    assert upsert_module.statement_sizes(100, 28) == [28, 28, 28, 16]


@pytest.mark.parametrize("listening", [True, False])
async def test_a_failed_round_is_said_once_to_a_caller_that_hears_every_round(
    listening: bool, caplog: pytest.LogCaptureFixture
) -> None:
    failures = [1]

    async def flaky(low: int, high: int, number: int) -> Page[CallRecord]:
        if failures[0]:
            failures[0] -= 1
            raise ServerError(99, "down")
        return await fetch(low, high, number)

    store = Store()
    store.release.set()
    options = check_options(
        since=START, until=START + 10 * ROWS, follow=True, interval=0.01, lookback=0, settle=0,
        table="cdrs",
    )  # fmt: skip
    reports: list[RoundReport] = []
    caplog.set_level("INFO", logger="nxcc_async.sync")
    result = await run_sync(
        Source(flaky, 4, SIZE, "test"), store, options, identity={},
        on_round=reports.append if listening else None,
    )  # fmt: skip
    assert (result.failed_rounds, result.inserted) == (1, ROWS)
    (record,) = [r for r in caplog.records if "failed, retrying" in r.getMessage()]
    assert record.levelname == ("INFO" if listening else "WARNING")
    if listening:
        assert [r.error is not None for r in reports] == [True, False]
        assert "down" in str(reports[0].error)


async def test_a_catch_up_run_with_a_longer_lookback_re_reads_what_was_settled(
    tmp_path: Path,
) -> None:
    now = START + 10 * ROWS + 100
    url = f"sqlite:///{tmp_path / 'cdrs.db'}"

    async def once(lookback: float) -> sync_module.RoundReport:
        reports: list[sync_module.RoundReport] = []
        options = check_options(
            since=START, until=None, follow=False, interval=60, lookback=lookback, settle=0,
            table="cdrs",
        )  # fmt: skip
        await run_sync(
            Source(fetch, 4, SIZE, "test"), url, options, identity={},
            on_round=reports.append, clock=lambda: now,
        )  # fmt: skip
        (report,) = reports
        return report

    first = await once(0)  # settles everything up to now
    assert (first.low, first.fetched, first.settled) == (START, ROWS, now)
    again = await once(0)  # the same lookback: nothing behind `settled` is read again
    assert (again.low, again.fetched) == (now, 0)
    nightly = await once(10 * ROWS)  # the catch-up reaches 3 000 s back
    assert (nightly.low, nightly.fetched) == (now - 10 * ROWS, ROWS - 10)
    assert nightly.settled == now  # never moves back


async def test_a_since_in_the_future_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    options = check_options(
        since=START, until=None, follow=False, interval=60, lookback=0, settle=0, table="cdrs"
    )
    with pytest.raises(ValueError, match="in the future"):
        await run_sync(
            Source(fetch, 4, SIZE, "test"), f"sqlite:///{tmp_path / 'cdrs.db'}", options,
            identity={}, clock=lambda: START - 1,
        )  # fmt: skip
    assert not (tmp_path / "cdrs.db").exists()


async def test_a_database_in_a_directory_that_does_not_exist_is_a_clear_error(
    tmp_path: Path,
) -> None:
    options = check_options(
        since=START, until=None, follow=False, interval=60, lookback=0, settle=0, table="cdrs"
    )
    with pytest.raises(ValueError, match=r"the directory .*nowhere.* does not exist"):
        await run_sync(
            Source(fetch, 4, SIZE, "test"), f"sqlite:///{tmp_path / 'nowhere' / 'cdrs.db'}",
            options, identity={},
        )  # fmt: skip


@pytest.mark.parametrize(
    ("table", "reason"),
    [
        ("cdrs_start_time", "index"),  # the index of a table named cdrs
        ("c" * 52, "at most 51"),  # its index or staging table would be cut at 63 bytes
        ("CDRs", "lower-case"),
        ("cdrs; drop table x", "lower-case"),
        ("nxcc_sync_state", "lower-case"),
    ],
)
def test_table_names_that_could_not_be_synced_are_refused(table: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_options(
            since=START, until=None, follow=False, interval=60, lookback=0, settle=0, table=table
        )
    assert (
        check_options(
            since=START, until=None, follow=False, interval=60, lookback=0, settle=0, table="c" * 51
        ).table
        == "c" * 51
    )
